"""AT-TLS policies: parse and check the statements a Liberty or z/OS Connect server needs.

The Policy Agent (PAGENT) reads AT-TLS policy as statements ``Type name`` followed by a
block in braces, one parameter per line (zos-syntax.md section 5.1). A rule (``TTLSRule``)
picks connections by address, port, job name, user ID and direction and names its actions
by reference: a group action (AT-TLS on or off, trace), an environment action (key ring,
handshake role, ciphers, protocol versions) and optionally a connection action. Parm
statements (``TTLSKeyringParms``, ``TTLSCipherParms``, ``TTLSEnvironmentAdvancedParms``, ...)
are either written inline in an action or defined on their own and referenced with
``...Ref name``.

* [`parse`][certkit.zos.text.attls.parse] reads the statements into a
  [`Policy`][certkit.zos.text.attls.Policy] with the position of each, and reports the
  syntax problems (unbalanced braces, nesting, control characters) as findings;
* [`check`][certkit.zos.text.attls.check] adds what Policy Agent refuses or what cannot work:
  unknown statements and parameters, bad values, references to statements that are not
  defined, duplicates, missing required parameters, a handshake role that cannot meet its
  partner, ``ClientAuthType`` where it has no effect, and the limitation behind inbound
  AT-TLS: z/OS Connect never sees the client certificate (zosconnect-security.md section 5.2);
* [`explain_trace`][certkit.zos.text.attls.explain_trace] says what a ``Trace`` value turns on;
* [`explain_rc`][certkit.zos.text.attls.explain_rc] says what the ``RC:`` of an ``EZD1286I``
  or ``EZD1287I`` message means and what to do.

The facts, each with its mark (V verified, P product knowledge, U unverified) and source, are
in ``certkit/data/attls.json``. Facts that are not verified give warnings at most.

Text only (no ``cryptography``).

Examples:
    >>> text = '''
    ... TTLSRule InRule
    ... {
    ...   LocalPortRange 9443
    ...   Direction Inbound
    ...   TTLSGroupActionRef GrpOn
    ... }
    ... '''
    >>> [finding] = check(text)
    >>> print(finding.position)
    line 6, column 22
    >>> print(finding.message)
    TTLSGroupActionRef 'GrpOn': no TTLSGroupAction of that name is defined
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from certkit.datafiles import read_json
from certkit.errors import InputError, quote
from certkit.tls.ciphersuites import explain as explain_suite
from certkit.zos.text.findings import Finding, Position, in_order

__all__ = [
    "MAX_DEPTH",
    "MAX_TEXT_CHARS",
    "Parameter",
    "Policy",
    "Statement",
    "check",
    "explain_rc",
    "explain_trace",
    "parse",
    "rc_number",
    "statement_types",
]

MAX_TEXT_CHARS = 1_000_000
"""The longest policy read, in characters; a longer text gives one finding and is not read."""

MAX_DEPTH = 3
"""The deepest nesting of blocks read: a statement, an inline parm block, and one more."""

_MAX_FINDINGS = 200
_DATA = "attls.json"  # zos-syntax.md §5, zosconnect-security.md §4.6 and §5
_OPEN, _CLOSE = "{", "}"
_USER = re.compile(r"[A-Z0-9$#@]{1,8}\Z")  # (V) zos-syntax §0: RACF user IDs
_WILD = re.compile(  # (V) §5.2 trailing * wildcard; rest P
    r"(?:[A-Za-z0-9$#@]{1,8}|[A-Za-z0-9$#@]{0,7}\*)\Z"
)
_RING = re.compile(r"[^\s'\"()]{1,237}\Z")  # (V) zos-syntax §0: ring names up to 237
_PORT = re.compile(r"(\d{1,5})(?:-(\d{1,5}))?\Z")  # (V) §5.2: n or n-m
_INT = re.compile(r"\d{1,10}\Z")
_ON_LINE = "put braces on their own lines"

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Parameter:
    """One parameter line of a block, or an inline parm block.

    Attributes:
        name: The parameter's name as written (``HandshakeRole``).
        values: The words after the name (``("Server",)``); empty for an inline block.
        position: Where the name starts.
        block: For an inline parm block (``TTLSKeyringParms`` followed by braces), its
            contents as a statement without a name; otherwise ``None``.
    """

    name: str
    values: tuple[str, ...]
    position: Position
    block: Statement | None = None

    @property
    def value(self) -> str:
        """The values joined by one blank (``""`` if there are none)."""
        return " ".join(self.values)


@dataclass(frozen=True)
class Statement:
    """A statement: its type, its name and its parameters, in the order written.

    Attributes:
        type: The statement type (``TTLSRule``).
        name: The statement's name, or ``None`` (an inline parm block has none).
        position: Where the type starts.
        parameters: The parameters and inline blocks.
    """

    type: str
    name: str | None
    position: Position
    parameters: tuple[Parameter, ...]

    def get(self, name: str) -> list[Parameter]:
        """The parameters of that name (case-insensitive), in order."""
        wanted = name.casefold()
        return [p for p in self.parameters if p.name.casefold() == wanted]

    def first(self, name: str) -> str | None:
        """The value of the first parameter of that name, or ``None``."""
        found = self.get(name)
        return found[0].value if found else None


@dataclass(frozen=True)
class Policy:
    """A parsed policy: the top-level statements and the syntax problems found.

    Attributes:
        statements: The statements, in the order written.
        findings: Syntax problems (braces, nesting, control characters, size).
    """

    statements: tuple[Statement, ...]
    findings: tuple[Finding, ...]

    def find(self, type_: str, name: str) -> Statement | None:
        """The first statement of that type and name (names are case sensitive)."""
        wanted = type_.casefold()
        for statement in self.statements:
            if statement.type.casefold() == wanted and statement.name == name:
                return statement
        return None


@dataclass
class _Open:
    type: str
    name: str | None
    position: Position
    parameters: list[Parameter] = field(default_factory=list)
    skipped: bool = False

    def freeze(self) -> Statement:
        return Statement(self.type, self.name, self.position, tuple(self.parameters))


@dataclass(frozen=True)
class _Token:
    text: str
    line: int
    column: int

    @property
    def position(self) -> Position:
        return Position(self.line, self.column)


def _q(name: str | None) -> str:
    """A statement name from the text, quoted and bounded for a message."""
    return quote(name, 40)


def _data() -> dict[str, Any]:
    data: dict[str, Any] = read_json(_DATA)
    return data


def statement_types() -> dict[str, dict[str, Any]]:
    """The statement types certkit knows, with their parameters, marks and sources.

    Examples:
        >>> types = statement_types()
        >>> types["TTLSRule"]["parameters"]["Direction"]["values"]
        ['Inbound', 'Outbound', 'Both']
    """
    types: dict[str, dict[str, Any]] = _data()["statements"]
    return types


def _tokens(text: str, findings: list[Finding]) -> Iterator[_Token]:
    """The words and braces of the text, without comments; control characters reported."""
    for number, line in enumerate(text.splitlines(), start=1):
        bad = next((i for i, c in enumerate(line) if _control(c)), None)
        if bad is not None:
            findings.append(
                Finding(
                    Position(number, bad + 1),
                    "error",
                    f"control character {quote(line[bad])} in the policy: the line is not"
                    " read; remove it",
                )
            )
            continue
        words = 0
        column = 0
        while column < len(line):
            char = line[column]
            if char in " \t":
                column += 1
                continue
            if char == "#":
                if words:  # zos-syntax §5.1: trailing comments are UNVERIFIED
                    findings.append(
                        Finding(
                            Position(number, column + 1),
                            "warning",
                            "a comment after a value: whether Policy Agent accepts it is not"
                            " verified; put comments on lines of their own",
                        )
                    )
                break
            if char in _OPEN + _CLOSE:
                yield _Token(char, number, column + 1)
                column += 1
                words += 1
                continue
            end = column
            while end < len(line) and line[end] not in " \t#{}":
                end += 1
            yield _Token(line[column:end], number, column + 1)
            words += 1
            column = end


def _control(char: str) -> bool:
    return char != "\t" and (not char.isprintable() and char not in " \u00a0")


def parse(text: str) -> Policy:
    r"""Read an AT-TLS policy into statements; syntax problems become findings.

    Never raises on bad input: a text over [`MAX_TEXT_CHARS`][certkit.zos.text.attls.MAX_TEXT_CHARS]
    is not read (one finding), lines with control characters are skipped, blocks nested deeper
    than [`MAX_DEPTH`][certkit.zos.text.attls.MAX_DEPTH] are skipped, and unbalanced braces
    are reported where they start.

    Args:
        text: The policy, as in the Policy Agent's configuration file.

    Returns:
        The statements and the syntax findings.

    Examples:
        >>> policy = parse("TTLSKeyringParms Ring\n{\n  Keyring ZCSRV1/ZCEE.Ring\n}\n")
        >>> [s.type for s in policy.statements], policy.findings
        (['TTLSKeyringParms'], ())
        >>> policy.statements[0].first("Keyring")
        'ZCSRV1/ZCEE.Ring'
    """
    findings: list[Finding] = []
    if len(text) > MAX_TEXT_CHARS:
        findings.append(
            Finding(
                Position(1, 1),
                "error",
                f"the policy has {len(text)} characters, more than {MAX_TEXT_CHARS}:"
                " not read; check it in parts",
            )
        )
        return Policy((), tuple(findings))
    tokens = list(_tokens(text, findings))
    statements: list[Statement] = []
    stack: list[_Open] = []
    pending: tuple[str, str | None, Position, int] | None = None  # type, name, where, line
    index = 0
    while index < len(tokens) and len(findings) <= _MAX_FINDINGS:
        token = tokens[index]
        if token.text == _OPEN:
            index += 1
            if pending is None:
                findings.append(
                    Finding(token.position, "error", "a { with no statement or parameter before it")
                )
                stack.append(_Open("", None, token.position, skipped=True))
                continue
            type_, name, where, line = pending
            pending = None
            if line == token.line:  # zos-syntax §5.1: IBM's diagrams put braces on own lines
                findings.append(
                    Finding(token.position, "warning", f"{{ on the line of {type_}: {_ON_LINE}")
                )
            skipped = len(stack) >= MAX_DEPTH or (bool(stack) and stack[-1].skipped)
            if len(stack) == MAX_DEPTH:
                findings.append(
                    Finding(
                        token.position,
                        "error",
                        f"blocks nested deeper than {MAX_DEPTH}: this block is not read;"
                        " define the parm statement on its own and refer to it by name",
                    )
                )
            stack.append(_Open(type_, name, where, skipped=skipped))
            continue
        if token.text == _CLOSE:
            index += 1
            if pending is not None:
                findings.append(_no_brace(pending))
                pending = None
            if not stack:
                findings.append(Finding(token.position, "error", "a } with no { open: remove it"))
                continue
            if token.line == stack[-1].position.line:
                findings.append(
                    Finding(token.position, "warning", f"}} on a statement line: {_ON_LINE}")
                )
            closed = stack.pop()
            if closed.skipped:
                continue
            if stack:
                stack[-1].parameters.append(
                    Parameter(closed.type, (), closed.position, closed.freeze())
                )
            else:
                statements.append(closed.freeze())
            continue
        end = index
        while (
            end < len(tokens)
            and tokens[end].line == token.line
            and tokens[end].text not in (_OPEN, _CLOSE)
        ):
            end += 1
        words = [t.text for t in tokens[index:end]]
        index = end
        if pending is not None:
            findings.append(_no_brace(pending))
            pending = None
        if not stack:
            if len(words) > 2:
                findings.append(
                    Finding(
                        tokens[index - len(words) + 2].position,
                        "error",
                        f"{quote(words[0], 40)} takes one name, then a block in braces;"
                        " remove the extra words",
                    )
                )
            name = words[1] if len(words) > 1 else None
            pending = (words[0], name, token.position, token.line)
        elif len(words) == 1 and index < len(tokens) and tokens[index].text == _OPEN:
            pending = (words[0], None, token.position, token.line)
        elif len(words) == 2 and index < len(tokens) and tokens[index].text == _OPEN:
            findings.append(
                Finding(
                    token.position,
                    "error",
                    f"{quote(words[0], 40)} with a name inside {stack[-1].type or 'a block'}:"
                    " a } is missing before it, or write the inline block without a name",
                )
            )
            pending = (words[0], None, token.position, token.line)
        else:
            stack[-1].parameters.append(Parameter(words[0], tuple(words[1:]), token.position))
    if pending is not None:
        findings.append(_no_brace(pending))
    for block in stack[:1]:
        findings.append(
            Finding(
                block.position,
                "error",
                f"{quote(block.type or '{', 40)} has no closing }}: add it"
                f" ({len(stack)} block(s) left open)",
            )
        )
    return Policy(tuple(statements), tuple(findings))


def _no_brace(pending: tuple[str, str | None, Position, int]) -> Finding:
    type_, name, where, _ = pending
    what = f"{type_} {name}" if name else type_
    return Finding(
        where,
        "error",
        f"{quote(what, 60)} is not followed by a block: write {{ on the next line,"
        " its parameters, then }",
    )


def check(text: str) -> list[Finding]:
    """Check an AT-TLS policy: what Policy Agent refuses, and what cannot work.

    Errors: syntax (braces, nesting, control characters), a misspelt statement type or
    parameter, a bad value (``Direction``, ``HandshakeRole``, ``ClientAuthType``, On/Off
    switches, ports, addresses, ``Priority``, ``Trace``, a key ring's owner, a cipher suite
    no registry knows), a required parameter missing (a rule's ``Direction``, group action
    and condition; a group's ``TTLSEnabled``; an environment's key ring and
    ``HandshakeRole``; an environment action for an enabled group), a reference to a
    statement that is not defined, a statement defined twice, and every protocol version
    switched off.

    Warnings: statements and parameters certkit's reference does not describe (not checked),
    a parameter given twice, ``ClientAuthType`` without ``HandshakeRole
    ServerWithClientAuth``, a handshake role that cannot meet its partner (an inbound rule
    with ``Client``, an outbound rule with a server role), protocol versions left to the
    release's defaults or old versions switched on, cipher spellings other than the IANA
    name, a key ring password for a SAF key ring, and an inbound rule that asks for client
    certificates: z/OS Connect never sees them.

    Args:
        text: The policy.

    Returns:
        The findings, in the order of the text; none for a clean policy.

    Examples:
        >>> text = '''
        ... TTLSEnvironmentAction Env
        ... {
        ...   HandshakeRole Sever
        ... }
        ... '''
        >>> for finding in check(text):
        ...     print(finding.position, finding.severity)
        ...     print(finding.message[:70])
        line 2, column 1 error
        TTLSEnvironmentAction 'Env' needs TTLSKeyringParmsRef (or TTLSKeyringP
        line 4, column 17 error
        HandshakeRole 'Sever': give one of Client, Server, ServerWithClientAut
    """
    policy = parse(text)
    findings = list(policy.findings)
    if len(text) <= MAX_TEXT_CHARS:
        findings.extend(_Checker(policy).run())
    return in_order(findings, _MAX_FINDINGS)


class _Checker:
    """The checks of [`check`][certkit.zos.text.attls.check] past the syntax."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.types = statement_types()
        self.data = _data()
        self.findings: list[Finding] = []
        self.defined: dict[str, dict[str, Statement]] = {}

    def add(self, where: Position, severity: Severity, message: str) -> None:
        self.findings.append(Finding(where, severity, message))

    def run(self) -> list[Finding]:
        for statement in self.policy.statements:
            self.index(statement)
        for statement in self.policy.statements:
            self.statement(statement)
            if len(self.findings) > _MAX_FINDINGS:
                break
        return self.findings

    def index(self, statement: Statement) -> None:
        if statement.name is None:
            return
        known = self.known_type(statement.type) or statement.type
        names = self.defined.setdefault(known, {})
        if statement.name in names:  # (V) §5.1: a statement is found by its name
            first = names[statement.name].position
            self.add(
                statement.position,
                "error",
                f"{known} {quote(statement.name, 40)} is defined twice (first at {first});"
                " rename or remove one",
            )
        else:
            names[statement.name] = statement

    def known_type(self, type_: str) -> str | None:
        for known in self.types:
            if known.casefold() == type_.casefold():
                return known
        return None

    def statement(self, statement: Statement) -> None:
        type_ = self.known_type(statement.type)
        if type_ is None:
            close = difflib.get_close_matches(statement.type, list(self.types), 1, 0.8)
            if close:
                self.add(
                    statement.position,
                    "error",
                    f"unknown statement type {quote(statement.type, 40)}: did you mean {close[0]}?",
                )
            else:
                self.add(
                    statement.position,
                    "warning",
                    f"statement type {quote(statement.type, 40)} is not in certkit's"
                    " reference: not checked",
                )
            return
        if statement.name is None:
            self.add(statement.position, "error", f"{type_} needs a name before its block")
        elif len(statement.name) > self.data["name_limit"]["max"]:  # (V) §5.1: 1-32
            self.add(
                statement.position,
                "error",
                f"{type_} name {quote(statement.name, 40)} has {len(statement.name)}"
                f" characters: give at most {self.data['name_limit']['max']}",
            )
        self.block(statement, type_)
        if type_ == "TTLSRule":
            self.rule(statement)
        elif type_ == "TTLSEnvironmentAction":
            self.environment(statement)
        elif type_ == "TTLSEnvironmentAdvancedParms":
            self.versions(statement)

    def shown(self, statement: Statement, type_: str) -> str:
        return f"{type_} {_q(statement.name)}" if statement.name else type_

    def block(self, statement: Statement, type_: str) -> None:
        """Each parameter of one block against its statement type's table."""
        spec = self.types[type_]
        parameters: dict[str, Any] = spec["parameters"]
        by_fold = {name.casefold(): name for name in parameters}
        seen: dict[str, Position] = {}
        unknown: list[Parameter] = []
        for parameter in statement.parameters:
            name = by_fold.get(parameter.name.casefold())
            if parameter.block is not None:
                ref = by_fold.get(f"{parameter.name}Ref".casefold())
                if ref is None or not parameters[ref].get("inline"):
                    self.unknown(parameter, type_, spec, inline=True)
                    continue
                inline = parameters[ref]["refers_to"]
                self.once(parameter, ref, seen)
                self.block(parameter.block, inline)
                if inline == "TTLSEnvironmentAdvancedParms":
                    self.versions(parameter.block)
                continue
            if name is None:
                unknown.append(parameter)
                continue
            facts = parameters[name]
            if not facts.get("repeat"):
                self.once(parameter, name, seen)
            self.value(parameter, name, facts)
        for parameter in unknown:
            self.unknown(parameter, type_, spec)
        for name, facts in parameters.items():
            if facts.get("required") and name not in seen:
                what = name[: -len("Ref")] if facts.get("inline") else name
                also = f" (or {what} written inline)" if facts.get("inline") else ""
                self.add(
                    statement.position,
                    "error",
                    f"{self.shown(statement, type_)} needs {name}{also}: add it",
                )

    def once(self, parameter: Parameter, name: str, seen: dict[str, Position]) -> None:
        if name in seen:  # which one Policy Agent uses is not verified: a warning
            self.add(
                parameter.position,
                "warning",
                f"{name} is given twice in this block (first at {seen[name]}): keep one",
            )
        else:
            seen[name] = parameter.position

    def unknown(
        self, parameter: Parameter, type_: str, spec: dict[str, Any], *, inline: bool = False
    ) -> None:
        names = list(spec["parameters"])
        if inline:
            names = [n[: -len("Ref")] for n in names if spec["parameters"][n].get("inline")]
        close = difflib.get_close_matches(parameter.name, names, 1, 0.8)
        what = "block" if inline else "parameter"
        if close and close[0].casefold() != parameter.name.casefold():
            self.add(
                parameter.position,
                "error",
                f"unknown {what} {quote(parameter.name, 40)} in {type_}: did you mean {close[0]}?",
            )
        elif spec.get("open"):
            self.add(
                parameter.position,
                "warning",
                f"{what} {quote(parameter.name, 40)} of {type_} is not in certkit's"
                " reference: not checked",
            )
        else:
            owners = [
                t
                for t, facts in self.types.items()
                if parameter.name in facts["parameters"]
                or f"{parameter.name}Ref" in facts["parameters"]
            ]
            hint = f"; it belongs in {' or '.join(owners)}" if owners else ""
            self.add(
                parameter.position,
                "error" if owners else "warning",
                f"{what} {quote(parameter.name, 40)} is not one certkit's reference lists"
                f" for {type_}{hint or ': check its spelling against IBM documentation'}",
            )

    def value(self, parameter: Parameter, name: str, facts: dict[str, Any]) -> None:
        """One parameter's value against its kind."""
        values = parameter.values
        where = parameter.position
        if not values:
            self.add(where, "error", f"{name} needs a value")
            return
        vpos = Position(where.line, where.column + len(parameter.name) + 1)
        kind = facts["kind"]
        if len(values) > 1 and kind not in ("port_range",):
            self.add(vpos, "error", f"{name} takes one value, not {len(values)}: remove the rest")
            return
        value = values[0] if len(values) == 1 else parameter.value
        problem: tuple[Severity, str] | None = None
        if kind == "choice":
            allowed: list[str] = facts["values"]
            if value not in allowed:
                folded = [a for a in allowed if a.casefold() == value.casefold()]
                hint = f" (write {folded[0]})" if folded else ""
                severity: Severity = "warning" if folded else "error"
                problem = (
                    severity,
                    f"{name} {quote(value, 40)}: give one of {', '.join(allowed)}{hint}",
                )
        elif kind in ("integer", "trace"):
            problem = self.integer(name, value, facts)
        elif kind == "ref":
            problem = self.reference(name, value, facts["refers_to"])
        elif kind == "port_range":
            problem = _port_range(name, values)
        elif kind == "address":
            problem = _address(name, value)
        elif kind in ("jobname", "userid"):
            problem = _job_or_user(name, value)
        elif kind == "keyring":
            problem = _keyring(value, facts["max"])
        elif kind in ("text", "url"):
            if len(value) > facts["max"]:
                problem = (
                    "error",
                    f"{name} has {len(value)} characters: give at most {facts['max']}",
                )
            elif kind == "url" and not value.lower().startswith("http://"):
                problem = ("warning", f"{name} {quote(value, 60)}: an http:// URL is expected")
        elif kind in ("cipher", "cipher4"):
            problem = _cipher(name, value, kind)
        if problem is not None:
            self.add(vpos, problem[0], problem[1])

    def integer(self, name: str, value: str, facts: dict[str, Any]) -> tuple[Severity, str] | None:
        if not _INT.fullmatch(value):
            return ("error", f"{name} {quote(value, 40)}: give a whole number")
        number = int(value)
        if facts["kind"] == "trace":
            top = int(self.data["trace"]["max"])
            if number > top:  # (V) §5.4: a sum of the bit values up to 128
                return ("error", f"Trace {number}: give a sum of the bit values, at most {top}")
            return None
        if not facts["min"] <= number <= facts["max"]:
            return ("error", f"{name} {number}: give {facts['min']} to {facts['max']}")
        return None

    def reference(self, name: str, value: str, type_: str) -> tuple[Severity, str] | None:
        names = self.defined.get(type_, {})
        if value in names:
            return None
        folded = [n for n in names if n.casefold() == value.casefold()]
        hint = f" (there is {_q(folded[0])}: names are case sensitive)" if folded else ""
        return ("error", f"{name} {quote(value, 40)}: no {type_} of that name is defined{hint}")

    def resolve(self, statement: Statement, parms: str) -> Statement | None:
        """The parm block an action uses: written inline, or the one its Ref names."""
        for parameter in statement.parameters:
            if parameter.block is not None and parameter.name.casefold() == parms.casefold():
                return parameter.block
        ref = statement.first(f"{parms}Ref")
        return self.defined.get(parms, {}).get(ref) if ref else None

    def rule(self, rule: Statement) -> None:
        spec = self.types["TTLSRule"]["parameters"]
        conditions = [n for n, facts in spec.items() if facts.get("condition")]
        if not any(rule.get(n) for n in conditions):  # (V) §5.2: at least one condition
            self.add(
                rule.position,
                "error",
                f"TTLSRule {_q(rule.name)} has no condition: give at least one of LocalPortRange,"
                " RemotePortRange, Jobname, Userid, LocalAddr or RemoteAddr",
            )
        group = self.defined.get("TTLSGroupAction", {}).get(rule.first("TTLSGroupActionRef") or "")
        env_name = rule.first("TTLSEnvironmentActionRef")
        if group is not None and group.first("TTLSEnabled") == "On" and env_name is None:
            self.add(  # (V) §5.2: required when the group has TTLSEnabled On
                rule.position,
                "error",
                f"TTLSRule {_q(rule.name)}: its group {_q(group.name)} has TTLSEnabled On,"
                " so the rule needs TTLSEnvironmentActionRef",
            )
        env = self.defined.get("TTLSEnvironmentAction", {}).get(env_name or "")
        conn = self.defined.get("TTLSConnectionAction", {}).get(
            rule.first("TTLSConnectionActionRef") or ""
        )
        role = (conn.first("HandshakeRole") if conn else None) or (
            env.first("HandshakeRole") if env else None
        )
        direction = rule.first("Direction")
        if role is None or direction is None or (group and group.first("TTLSEnabled") == "Off"):
            return
        if direction == "Inbound" and role == "Client":  # (V) §5.3: both send ClientHello
            self.add(
                rule.position,
                "warning",
                f"TTLSRule {_q(rule.name)} is Inbound but its HandshakeRole is Client: if the"
                " partner is a TLS client too, both send ClientHello and the handshake fails",
            )
        if direction == "Outbound" and role in (
            "Server",
            "ServerWithClientAuth",
        ):  # (V) §5.3: both wait, RC 5004
            self.add(
                rule.position,
                "warning",
                f"TTLSRule {_q(rule.name)} is Outbound but its HandshakeRole is {role}: if the"
                " partner is a server, both wait and the handshake times out (RC 5004)",
            )
        if direction in ("Inbound", "Both") and role == "ServerWithClientAuth":
            limitation = self.data["client_cert_limitation"]  # (V) zosconnect-security §5.2
            self.add(
                rule.position,
                "warning",
                f"TTLSRule {_q(rule.name)} asks clients for certificates: if it covers a Liberty"
                " or z/OS Connect port, the server never sees them and cannot authenticate"
                f" with them; {limitation['do']}",
            )

    def environment(self, env: Statement) -> None:
        advanced = self.resolve(env, "TTLSEnvironmentAdvancedParms")
        role = env.first("HandshakeRole")
        if advanced is None or role is None:
            return
        found = advanced.get("ClientAuthType")
        if found and role != "ServerWithClientAuth":  # (V) §5.3: only with that role
            self.add(
                found[0].position,
                "warning",
                f"ClientAuthType has no effect here: TTLSEnvironmentAction {_q(env.name)} has"
                f" HandshakeRole {role}; use ServerWithClientAuth to ask for certificates",
            )

    def versions(self, advanced: Statement) -> None:
        spec = self.types["TTLSEnvironmentAdvancedParms"]
        given = {v: advanced.first(v) for v in spec["versions"]}
        missing = [v for v, value in given.items() if value is None]
        if missing:  # (V) §5.3: defaults vary by release, always give explicit values
            self.add(
                advanced.position,
                "warning",
                f"{self.shown(advanced, 'TTLSEnvironmentAdvancedParms')} leaves"
                f" {', '.join(missing)} to the release's defaults: give each On or Off",
            )
        old = [v for v in spec["weak_versions"]["names"] if given[v] == "On"]
        if old:
            self.add(
                advanced.position,
                "warning",
                f"{', '.join(old)} switched On: old protocol versions; switch them Off"
                " unless a partner needs them",
            )
        if not missing and all(value == "Off" for value in given.values()):
            self.add(
                advanced.position,
                "error",
                "every protocol version is Off: no handshake can succeed; switch TLSv1.2 or"
                " TLSv1.3 On",
            )


def _port_range(name: str, values: tuple[str, ...]) -> tuple[Severity, str] | None:
    if len(values) > 1:  # zos-syntax §5.2: the space-separated form is UNVERIFIED
        return (
            "warning",
            f"{name} with blanks: whether Policy Agent reads it is not verified; write n or n-m",
        )
    match = _PORT.fullmatch(values[0])
    if match is None:
        return ("error", f"{name} {quote(values[0], 40)}: give a port n or a range n-m")
    low = int(match[1])
    high = int(match[2]) if match[2] else low
    if high > 65535 or low > high:
        return ("error", f"{name} {values[0]}: give ports 0 to 65535, the lower one first")
    return None


def _address(name: str, value: str) -> tuple[Severity, str] | None:
    if value.casefold() == "all":  # (V) §5.2: All, ip, ip/prefix or ip-ip
        return None
    try:
        if "/" in value:
            ipaddress.ip_network(value, strict=False)
        elif "-" in value:
            low, high = value.split("-", 1)
            first, last = ipaddress.ip_address(low), ipaddress.ip_address(high)
            if first.version != last.version or first > last:  # type: ignore[operator]
                raise ValueError(value)
        else:
            ipaddress.ip_address(value)
    except ValueError:
        return ("error", f"{name} {quote(value, 60)}: give All, an IP address, ip/prefix or ip-ip")
    return None


def _job_or_user(name: str, value: str) -> tuple[Severity, str] | None:
    if "*" in value[:-1] or not _WILD.fullmatch(value) or value == "":
        return (  # (V) §5.2 trailing * only; the 8-character limit is P: a warning
            "warning",
            f"{name} {quote(value, 40)}: expected 1 to 8 characters (A-Z 0-9 $ # @) with at"
            " most a trailing *",
        )
    if value != value.upper():
        return ("warning", f"{name} {quote(value, 40)}: z/OS names are upper case")
    return None


def _keyring(value: str, limit: int) -> tuple[Severity, str] | None:
    if len(value) > limit:  # (V) §5.3: 1-1023 characters
        return ("error", f"Keyring has {len(value)} characters: give at most {limit}")
    if value.startswith("/") or value.upper().startswith("*TOKEN*/"):
        return None  # a key database or a PKCS #11 token (V, §5.3)
    owner, _, ring = value.rpartition("/")
    if owner and not _USER.fullmatch(owner):  # (V) zos-syntax §0
        return (
            "error",
            f"Keyring owner {quote(owner, 40)}: give a user ID of 1 to 8"
            " characters (A-Z 0-9 $ # @), upper case",
        )
    if not _RING.fullmatch(ring):
        return (
            "error",
            f"Keyring ring name {quote(ring, 40)}: give 1 to 237 characters"
            " without blanks, quotes or parentheses",
        )
    return None


def _cipher(name: str, value: str, kind: str) -> tuple[Severity, str] | None:
    try:
        suite = explain_suite(value)
    except InputError as exc:
        return ("error", f"{name}: {str(exc)[:150]}")
    if kind == "cipher4":
        return (
            None
            if value.upper() == suite.zos
            else ("warning", f"{name} takes a 4-character code: write {suite.zos}")
        )
    if value != suite.iana:  # (V) §5.3: the IANA name; the 2-character form is UNVERIFIED
        return ("warning", f"{name} {quote(value, 60)}: write the IANA name {suite.iana}")
    if suite.verdict == "insecure":
        return ("warning", f"{name} {suite.iana} is insecure: remove it")
    return None


def rc_number(rc: int | str) -> int:
    """The return code a message's ``RC:`` field, or a number, gives.

    Raises:
        InputError: If ``rc`` is not a whole number.

    Examples:
        >>> rc_number(" RC: 5003")
        5003
    """
    text = str(rc).strip()
    if text.upper().startswith("RC:"):
        text = text[3:].strip()
    if not _INT.fullmatch(text):
        raise InputError(f"return code {quote(rc, 40)}: give the number after RC: in EZD1286I")
    return int(text)


def explain_rc(rc: int | str) -> str:
    """What the ``RC:`` of an ``EZD1286I`` or ``EZD1287I`` message means, and what to do.

    Codes below 5000 come from System SSL, 5001 to 5999 are AT-TLS errors that the policy or
    configuration can fix, 6001 to 6999 are internal AT-TLS errors (zos-syntax.md section
    5.5, zosconnect-security.md section 4.6). A meaning certkit's reference does not verify
    is said to be unverified.

    Args:
        rc: The return code: a number, or text such as ``"5003"`` or ``"RC: 5003"``.

    Returns:
        One paragraph: the code's range, its meaning, where to look and what to do.

    Raises:
        InputError: If ``rc`` is not a whole number.

    Examples:
        >>> print(explain_rc("RC: 5003")[:74])
        RC 5003 (AT-TLS, fix in the policy or configuration): cleartext arrived wh
        >>> print(explain_rc(428)[:66])
        RC 428 (System SSL): the key entry has no private key. Look at: th
    """
    number = rc_number(rc)
    data = _data()
    if number == 0:
        return "RC 0: no error."
    scope = next((r for r in data["return_code_ranges"] if r["low"] <= number <= r["high"]), None)
    if scope is None:
        return (
            f"RC {number}: outside the ranges certkit's reference describes (System SSL"
            " below 5000, AT-TLS 5001 to 5999 and 6001 to 6999); check the number."
        )
    label = {
        1: "System SSL",
        5001: "AT-TLS, fix in the policy or configuration",
        6001: "AT-TLS internal",
    }[scope["low"]]
    facts = data["return_codes"].get(str(number))
    if facts is None:
        return f"RC {number} ({label}): {scope['meaning']}; {scope['do']}."
    sides = {
        "local": "this system's policy, ring and SAF access",
        "server": "the server's side",
        "client": "the client's side",
        "partner": "the partner at the other end",
        "either": "both ends",
    }
    unverified = " (not verified: a common reading)" if facts["mark"] == "U" else ""
    return (
        f"RC {number} ({label}): {facts['meaning']}{unverified}. Look at: {sides[facts['side']]}."
        f" Do: {facts['do']}."
    )


def explain_trace(value: int | str) -> list[str]:
    """What a ``Trace`` value turns on: one line per bit, unverified meanings said so.

    ``Trace`` is a sum of bit values and may be set on group, environment and connection
    actions (zos-syntax.md section 5.4; bits 8 and 16 zosconnect-security.md section 4.6).

    Args:
        value: The value, as a number or as written in the policy.

    Returns:
        One line per bit that is set (``"2: errors to syslogd (EZD1286I)"``).

    Raises:
        InputError: If the value is not a whole number from 0 to 255.

    Examples:
        >>> for line in explain_trace(6):
        ...     print(line)
        2: errors to syslogd (EZD1286I)
        4: informational messages to syslogd
    """
    trace = _data()["trace"]
    text = str(value).strip()
    if not _INT.fullmatch(text) or int(text) > trace["max"]:
        raise InputError(
            f"Trace {quote(value, 20)}: give a sum of the bit values, 0 to {trace['max']}"
        )
    number = int(text)
    if number == 0:
        return [f"0: {trace['zero']['meaning']} (product knowledge, not verified)"]
    lines = []
    for bit, facts in trace["bits"].items():
        if number & int(bit):
            note = "" if facts["mark"].startswith("V") else " (not verified)"
            lines.append(f"{bit}: {facts['meaning']}{note}")
    return lines
