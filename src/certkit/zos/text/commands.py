"""Checks of pasted RACF commands (RACDCERT, PERMIT, RDEFINE, SETROPTS): where, and what to do.

Work in progress for issue 11. The rules come from ../shared/reference/zos-syntax.md, section
0 (identifier limits) and section 1 (RACDCERT), and each names its mark there: (V) verified
against an IBM, Broadcom or Zowe source, (P) product knowledge (checked leniently, as a
warning). UNVERIFIED facts are not checked at all.

Text only (no ``cryptography``): it reads the commands through `certkit.zos.text.tso`.
"""

from __future__ import annotations

import datetime as dt
import re

from certkit.errors import shown
from certkit.zos.text.findings import Finding, Position
from certkit.zos.text.tso import Command, Operand, parse

__all__ = ["FILTER_LIMIT", "FUNCTIONS", "LABEL_LIMIT", "check", "filter_problem"]

FUNCTIONS = frozenset(
    {
        "GENCERT",
        "GENREQ",
        "ADD",
        "EXPORT",
        "ADDRING",
        "DELRING",
        "CONNECT",
        "REMOVE",
        "LIST",
        "LISTRING",
        "LISTCHAIN",
        "ALTER",
        "DELETE",
        "CHECKCERT",
        "MAP",
        "LISTMAP",
        "DELMAP",
    }
)
"""The RACDCERT functions of zos-syntax.md section 1; a command names exactly one."""

_USER_ID = re.compile(r"[A-Z0-9$#@]{1,8}")  # (V) section 0, Zowe's zoweUser schema
LABEL_LIMIT = 32
"""The longest certificate label RACF takes (zos-syntax.md section 0, product knowledge)."""

FILTER_LIMIT = 255
"""The longest SDNFILTER or IDNFILTER value (IRRD142I; zos-syntax.md section 1.11, VERIFIED)."""

_FILTER_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9]*=")  # (V) IRRD140I: starts "C=", "OU=", ...

_RING_LIMIT = 237  # (V) for Top Secret's LABLRING, (P) for RACF: section 0
_USAGES = frozenset({"PERSONAL", "CERTAUTH", "SITE"})  # (V) section 1.6
_OWNERS = ("ID", "SITE", "CERTAUTH")
# Every keyword of the RACDCERT syntax in zos-syntax.md section 1 (the functions, their
# operands and sub-operands): anything else is reported as a warning, not an error, because
# the reference does not list every keyword RACF has.
_KEYWORDS = FUNCTIONS | frozenset(
    {
        *_OWNERS,
        *("SUBJECTSDN", "CN", "T", "OU", "O", "L", "SP", "C", "SIZE", "NOTBEFORE", "NOTAFTER"),
        *("DATE", "TIME", "WITHLABEL", "SIGNWITH", "LABEL", "RSA", "NISTECC", "BPECC", "DSA"),
        *("PKDS", "TOKEN", "ICSF", "PCICC", "KEYUSAGE", "HANDSHAKE", "DATAENCRYPT", "DOCSIGN"),
        *("CERTSIGN", "KEYAGREE", "ALTNAME", "IP", "DOMAIN", "EMAIL", "URI", "DSN", "TRUST"),
        *("NOTRUST", "HIGHTRUST", "PASSWORD", "FORMAT", "RING", "DEFAULT", "USAGE", "PERSONAL"),
        *("NEWLABEL", "MULTIID", "SDNFILTER", "IDNFILTER", "CRITERIA"),
    }
)
# (V) IRRD156I, section 1.1: the key usages each key algorithm can have.
_USAGE_FOR_KEY = {"RSA": "DATAENCRYPT", "NISTECC": "KEYAGREE", "BPECC": "KEYAGREE"}


def check(text: str) -> list[Finding]:
    """Check pasted RACF commands: RACDCERT, PERMIT, RDEFINE and SETROPTS.

    Other commands (Top Secret's ``TSS`` among them) are read (their parentheses and quotes
    are checked) but not judged; so is ACF2's input, which starts with an ``ACF`` line.

    Args:
        text: The commands as pasted.

    Returns:
        The findings, in the order of the text. None for correct commands.

    Examples:
        >>> check("RACDCERT ID(ZCSRV1) CONNECT(ID(ZCSRV1) LABEL('Server') RING(R))")
        []
        >>> [f.message for f in check("RACDCERT ID(ZCSRV1) CONNECT(LABEL('Server'))")]
        ['CONNECT needs RING(ringname): RACF answers IRRD121I without it']
    """
    lines = text.split("\n")
    if next((line.strip() for line in lines if line.strip()), "") == "ACF":
        # ACF2's subcommand mode (as Zowe's ZWEKRING enters it): ``*`` comments and a ``//``
        # line; certkit has no ACF2 rules, so only quotes and parentheses are checked.
        blanked = ["" if _acf2_aside(line) else line for line in lines]
        return [Finding(p.position, "error", p.message) for p in parse("\n".join(blanked))[1]]
    commands, problems = parse(text)
    findings = [Finding(p.position, "error", p.message) for p in problems]
    for command in commands:
        checker = _CHECKERS.get(command.name)
        if checker is not None:
            findings.extend(checker(command))
    findings.extend(_ring_spellings(commands))
    return sorted(findings, key=lambda f: (f.position.line, f.position.column))


def _acf2_aside(line: str) -> bool:
    """A line of ACF2 input that is not a command: ``ACF`` itself, ``//`` or a ``*`` comment."""
    stripped = line.strip()
    return stripped in ("ACF", "//") or stripped.startswith("*")


def _ring_spellings(commands: list[Command]) -> list[Finding]:
    """The same ring spelled in another case elsewhere (zos-syntax.md section 0, VERIFIED).

    Ring names are case sensitive: ``ZCEE.Ring`` and ``ZCEE.RING`` are two rings, and a
    CONNECT to the second fails with IRRD114I when only the first was added.
    """
    first: dict[str, tuple[str, Position]] = {}
    found: list[Finding] = []
    for command in commands:
        if command.name != "RACDCERT":
            continue
        for operand in _walk(command.operands):
            if operand.keyword not in ("RING", "ADDRING", "DELRING") or operand.value is None:
                continue
            name = operand.value
            seen = first.setdefault(name.upper(), (name, operand.position))
            if seen[0] != name:
                found.append(
                    Finding(
                        operand.position,
                        "warning",
                        f"ring {shown(name)} is spelled {shown(seen[0])} at {seen[1]}; ring "
                        "names are case sensitive, so these are two rings",
                    )
                )
    return found


def _racdcert(command: Command) -> list[Finding]:
    found: list[Finding] = []
    functions = [o for o in command.operands if o.keyword in FUNCTIONS]
    if not functions:
        found.append(
            Finding(
                command.position,
                "error",
                "RACDCERT names no function; add one such as GENCERT, CONNECT or ADDRING",
            )
        )
    for extra in functions[1:]:
        found.append(
            Finding(
                extra.position,
                "error",
                f"RACDCERT names a second function, {extra.keyword}; give one per command",
            )
        )
    owners = [o for o in command.operands if o.keyword in _OWNERS]
    for extra in owners[1:]:
        found.append(
            Finding(
                extra.position,
                "error",
                f"a second owner ({extra.keyword}); give one of ID(userid), SITE or CERTAUTH",
            )
        )
    walked = _walk(command.operands)
    for operand in walked:
        found.extend(_operand(operand))
    found.extend(_keywords(walked))
    if functions:
        found.extend(_function(functions[0], owners[0] if owners else None))
        if functions[0].keyword == "MAP":
            found.extend(_map(functions[0], command))
    return found


def _keywords(operands: list[Operand]) -> list[Finding]:
    """Unknown keywords, and a key usage the key's algorithm cannot have (IRRD156I)."""
    found = [
        Finding(
            o.position,
            "warning",
            f"{shown(o.keyword)} is not a RACDCERT keyword certkit knows; check its spelling",
        )
        for o in operands
        if o.keyword not in _KEYWORDS
        and not o.keyword.startswith(("'", '"'))
        and not o.keyword[:1].isdigit()
    ]
    keywords = {o.keyword for o in operands}
    algorithm = next((k for k in ("NISTECC", "BPECC", "DSA") if k in keywords), "RSA")
    usages = [
        (v.upper(), o.position) for o in operands if o.keyword == "KEYUSAGE" for v in o.values
    ]
    for usage, where in usages:
        if usage in ("DATAENCRYPT", "KEYAGREE") and _USAGE_FOR_KEY.get(algorithm) != usage:
            found.append(
                Finding(
                    where,
                    "error",
                    f"KEYUSAGE({usage}) with {'an' if algorithm == 'RSA' else 'a'} {algorithm} "
                    "key: RACF refuses it (IRRD156I)",
                )
            )
    return found


def _walk(operands: tuple[Operand, ...]) -> list[Operand]:
    out: list[Operand] = []
    for operand in operands:
        out.append(operand)
        out.extend(_walk(operand.operands))
    return out


def _operand(operand: Operand) -> list[Finding]:
    """The rules for one keyword wherever it stands."""
    where = operand.position
    value = operand.value
    bad_id = value is None or not _USER_ID.fullmatch(value.upper())
    if operand.keyword == "ID" and operand.parenthesised and bad_id:
        shown = value if value is not None else " ".join(operand.values)
        return [Finding(where, "error", f"ID({shown}): a user ID is 1 to 8 of A-Z 0-9 $ # @")]
    if operand.keyword in ("WITHLABEL", "LABEL") and operand.parenthesised:
        if value is None:
            return [Finding(where, "error", f"{operand.keyword} takes one quoted label")]
        if len(value) > LABEL_LIMIT:
            return [
                Finding(
                    where,
                    "error",
                    f"{operand.keyword}: the label has {len(value)} characters; "
                    f"RACF takes at most {LABEL_LIMIT}",
                )
            ]
        if not operand.quoted[0]:
            return [
                Finding(
                    where,
                    "warning",
                    f"{operand.keyword}({value}): quote the label ('...'): labels are case "
                    "sensitive and may hold blanks",
                )
            ]
    bad_ring = value is None or len(value) > _RING_LIMIT or " " in value
    if operand.keyword in ("RING", "ADDRING", "DELRING") and operand.parenthesised and bad_ring:
        return [
            Finding(
                where,
                "error",
                f"{operand.keyword}: give one ring name of 1 to {_RING_LIMIT} characters "
                "without blanks",
            )
        ]
    bad_usage = value is None or value.upper() not in _USAGES
    if operand.keyword == "USAGE" and operand.parenthesised and bad_usage:
        return [Finding(where, "error", "USAGE takes PERSONAL, CERTAUTH or SITE")]
    if operand.keyword == "DATE" and operand.parenthesised:
        try:
            dt.date.fromisoformat(value or "")
        except ValueError:
            return [
                Finding(
                    where,
                    "error",
                    f"DATE({' '.join(operand.values)}): write the date as yyyy-mm-dd",
                )
            ]
    return []


def _function(function: Operand, owner: Operand | None) -> list[Finding]:
    where = function.position
    inner = {o.keyword for o in function.operands}
    found: list[Finding] = []
    if function.keyword in ("CONNECT", "REMOVE"):
        for needed in ("LABEL", "RING"):  # (V) IRRD121I, section 1.6
            if needed not in inner:
                found.append(
                    Finding(
                        where,
                        "error",
                        f"{function.keyword} needs {needed}({needed.lower()}"
                        f"{'name' if needed == 'RING' else ''}): RACF answers IRRD121I without it",
                    )
                )
    ring_function = function.keyword in ("ADDRING", "DELRING")
    if ring_function and owner is not None and owner.keyword in ("CERTAUTH", "SITE"):
        # (V) IRRD120I, section 1.5
        found.append(
            Finding(
                owner.position,
                "error",
                f"{owner.keyword} cannot own a key ring (IRRD120I); give ID(userid)",
            )
        )
    if function.keyword == "GENREQ" and "LABEL" not in inner:  # (V) section 1.2
        found.append(Finding(where, "error", "GENREQ needs LABEL('label') inside it"))
    return found


def filter_problem(value: str) -> str | None:
    """What is wrong with an SDNFILTER or IDNFILTER value, or None.

    The rules: not empty, at most `FILTER_LIMIT` characters (IRRD142I), starting with an
    attribute type and ``=`` such as ``CN=`` (IRRD140I), both VERIFIED (zos-syntax.md section
    1.11, ../notes/mapping-facts.md M3, M5); printable, with balanced parentheses (the value
    stands inside ``SDNFILTER(...)``; TSO's handling of a lone parenthesis there is not
    verified, so it is refused).

    Examples:
        >>> filter_problem("OU=Sales.O=Example")
        >>> filter_problem("Sales")
        'it must start with an attribute type and =, such as CN= or OU= (IRRD140I)'
    """
    if not value:
        return "it is empty; give the trailing part of a name, such as O=Example"
    if len(value) > FILTER_LIMIT:
        return f"it has {len(value)} characters; RACF takes at most {FILTER_LIMIT} (IRRD142I)"
    if not value.isprintable():
        return "it holds a control character; give the name as RACDCERT LIST shows it"
    if not _FILTER_PREFIX.match(value):
        return "it must start with an attribute type and =, such as CN= or OU= (IRRD140I)"
    depth = 0
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        return "its parentheses are unbalanced; certkit writes no lone ( or ) in a filter"
    return None


def _map(function: Operand, command: Command) -> list[Finding]:
    """RACDCERT MAP: a filter at least, each filter well formed (section 1.11, VERIFIED)."""
    filters = [o for o in command.operands if o.keyword in ("SDNFILTER", "IDNFILTER")]
    if not filters:
        return [
            Finding(
                function.position,
                "error",
                "MAP needs SDNFILTER('...'), IDNFILTER('...') or both",
            )
        ]
    found: list[Finding] = []
    for operand in filters:
        if len(operand.values) != 1 or operand.operands:
            found.append(
                Finding(operand.position, "error", f"{operand.keyword} takes one quoted value")
            )
            continue
        problem = filter_problem(operand.values[0])
        if problem is not None:
            found.append(Finding(operand.position, "error", f"{operand.keyword}: {problem}"))
    return found


_ACCESS = ("NONE", "READ", "UPDATE", "CONTROL", "ALTER")  # (P) RACF access levels


def _profile(command: Command) -> tuple[str | None, Position]:
    """The profile a PERMIT or RDEFINE names: the first operand without parentheses."""
    names = [o for o in command.operands if not o.parenthesised]
    if not names:
        return None, command.position
    return names[-1].written or names[-1].keyword, names[-1].position


def _permit(command: Command) -> list[Finding]:
    found: list[Finding] = []
    profile, where = _profile(command)
    if profile is None:
        found.append(Finding(where, "error", "PERMIT names no profile; write PERMIT profile ..."))
    klass = command.find("CLASS")
    if klass is None:
        found.append(
            Finding(command.position, "error", "PERMIT needs CLASS(...), e.g. CLASS(FACILITY)")
        )
    ids = command.find("ID")
    if ids is None and command.find("RESET") is None:
        found.append(Finding(command.position, "error", "PERMIT needs ID(userid or group)"))
    for name in ids.values if ids is not None else ():
        if ids is not None and not _USER_ID.fullmatch(name.upper()):  # (V) section 0
            found.append(
                Finding(
                    ids.position,
                    "error",
                    f"ID({shown(name)}): a user ID or group is 1 to 8 of A-Z 0-9 $ # @",
                )
            )
    access = command.find("ACCESS")
    if access is not None and (access.value or "").upper() not in _ACCESS:
        found.append(Finding(access.position, "error", f"ACCESS takes one of {', '.join(_ACCESS)}"))
    if klass is not None and (klass.value or "").upper() == "RDATALIB" and profile:
        found.extend(_rdatalib_profile(profile, where))
    return found


def _rdefine(command: Command) -> list[Finding]:
    found: list[Finding] = []
    names = [o for o in command.operands if not o.parenthesised]
    if len(names) < 2:
        found.append(
            Finding(
                command.position,
                "error",
                "RDEFINE needs a class and a profile: RDEFINE class profile UACC(NONE)",
            )
        )
        return found
    klass, profile = names[0], names[1]
    uacc = command.find("UACC")
    if uacc is not None and (uacc.value or "").upper() not in _ACCESS:
        found.append(Finding(uacc.position, "error", f"UACC takes one of {', '.join(_ACCESS)}"))
    if klass.keyword == "RDATALIB":
        found.extend(_rdatalib_profile(profile.written or profile.keyword, profile.position))
    return found


def _rdatalib_profile(profile: str, where: Position) -> list[Finding]:
    """<OWNER>.<RING>.LST or .UPD, in upper case (zos-syntax.md section 2.2, VERIFIED)."""
    if not profile.upper().endswith((".LST", ".UPD")) or profile.count(".") < 2:
        return [
            Finding(
                where,
                "error",
                f"an RDATALIB profile is OWNER.RING.LST (or .UPD); {shown(profile)} is neither",
            )
        ]
    if profile != profile.upper():
        return [
            Finding(
                where,
                "warning",
                f"RDATALIB profile {shown(profile)}: RACF checks the owner and the ring name "
                f"in upper case; write {shown(profile.upper())}",
            )
        ]
    return []


def _setropts(command: Command) -> list[Finding]:
    raclist = command.find("RACLIST")
    if command.find("REFRESH") is not None and (raclist is None or not raclist.values):
        return [
            Finding(
                command.position,
                "error",
                "SETROPTS REFRESH needs RACLIST(classes), e.g. RACLIST(DIGTCERT DIGTRING)",
            )
        ]
    return []


_CHECKERS = {
    "RACDCERT": _racdcert,
    "PERMIT": _permit,
    "RDEFINE": _rdefine,
    "SETROPTS": _setropts,
}
