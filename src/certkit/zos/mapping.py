"""Which user ID RACF gives a client certificate through certificate name filters, and why.

A certificate name filter (``RACDCERT MAP``, a profile in the DIGTNMAP class) maps every
certificate whose subject's or issuer's distinguished name ends in the filter to one user ID.
[`select`][certkit.zos.mapping.select] runs RACF's search on a real certificate and a set of
[`MapRule`][certkit.zos.mapping.MapRule] objects, and
[`Selection.explain`][certkit.zos.mapping.Selection.explain] tells, in the order RACF tries
them, what each search value met. [`map_commands`][certkit.zos.mapping.map_commands] writes
the commands that define the filters.

The facts, all VERIFIED in IBM's and Broadcom's pages (../notes/mapping-facts.md, which gives
the URLs; zos-syntax.md section 1.11):

* RACF first looks for the certificate itself registered to a user (``RACDCERT ADD``), which
  wins; only then does it search the filters (R1). This module models the filters only.
* The search values, in order (R2, R3): the subject's full name with the issuer's full name;
  the subject's partial names with the issuer's full name; the subject's full name; its
  partial names; the issuer's full name; its partial names. The first filter found is used.
  A partial name drops the most specific RDN, then the next, and so on (R5). A subject filter
  paired with a partial issuer filter is never searched (R4).
* A name is written most specific RDN first, RDNs joined by ``.``, blanks and commas in a
  value kept (D1, D2); a filter matches only the trailing part of a name, exactly (R8).
* Nothing found (and no hostIdMappings extension): the certificate maps to no user (R6).

What is not verified is left out: attribute types other than CN, OU, O, L and C, a ``.`` in a
value, multi-valued RDNs (`racf_dn` refuses them), what RACF does when the filter it finds is
NOTRUST (`select` stops there and names no user), MULTIID with CRITERIA, and ACF2's commands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography import x509

from certkit.datafiles import read_json
from certkit.errors import InputError, quote
from certkit.zos.racf import RECORD_LIMIT, quoted, wrap
from certkit.zos.text.commands import FILTER_LIMIT, LABEL_LIMIT, filter_problem

__all__ = ["STEPS", "Attempt", "MapRule", "Selection", "map_commands", "racf_dn", "select"]

STEPS = {
    1: "subject's full name + issuer's full name",
    2: "subject's partial name + issuer's full name",
    3: "subject's full name",
    4: "subject's partial name",
    5: "issuer's full name",
    6: "issuer's partial name",
}
"""RACF's search values, in the order it tries them (mapping-facts.md R2, VERIFIED)."""

_USER_ID = re.compile(r"[A-Z0-9$#@]{1,8}")  # (V) zos-syntax.md section 0
_RECORD_ID = re.compile(r"[A-Z0-9$#@]{1,8}")  # Top Secret CERTMAP: 8 at most, as its examples
_FILTER_LIMIT_NOTE = "longer than 255 characters: no filter can hold it"


@dataclass(frozen=True)
class MapRule:
    """One certificate name filter: which names it matches and which user it maps them to.

    Attributes:
        user_id: The RACF user ID the certificate gets (upper-cased).
        sdn_filter: The trailing part of the subject's name to match, RACF-style
            (``OU=Sales.O=Example``), or None.
        idn_filter: The trailing part of the issuer's name to match, or None. At least one of
            the two filters is needed.
        label: The filter's label (``WITHLABEL``), at most 32 characters, or None.
        trust: TRUST (True) or NOTRUST (False).
        record: The Top Secret CERTMAP record ID (1 to 8 of A-Z 0-9 $ # @), or None for
            ``MAP01``, ``MAP02``, ... by position.

    Raises:
        InputError: If the user ID, a filter, the label or the record ID cannot be used.

    Examples:
        >>> MapRule("zcusr1", sdn_filter="CN=certkit lab client").user_id
        'ZCUSR1'
    """

    user_id: str
    sdn_filter: str | None = None
    idn_filter: str | None = None
    label: str | None = None
    trust: bool = True
    record: str | None = None

    def __post_init__(self) -> None:
        user = self.user_id.upper()
        if not _USER_ID.fullmatch(user):
            raise InputError(
                f"user ID {quote(self.user_id)}: give 1 to 8 characters of A-Z 0-9 $ # @"
            )
        object.__setattr__(self, "user_id", user)
        if self.sdn_filter is None and self.idn_filter is None:
            raise InputError(
                f"the filter for {user} names no name: give sdn_filter, idn_filter or both"
            )
        for keyword, value in (("SDNFILTER", self.sdn_filter), ("IDNFILTER", self.idn_filter)):
            problem = None if value is None else filter_problem(value)
            if problem is not None:
                raise InputError(f"{keyword} {quote(value)}: {problem}")
        if self.label is not None and (
            not self.label or len(self.label) > LABEL_LIMIT or not self.label.isprintable()
        ):
            raise InputError(
                f"label {quote(self.label)}: give 1 to {LABEL_LIMIT} printable characters"
            )
        if self.record is not None and not _RECORD_ID.fullmatch(self.record.upper()):
            raise InputError(
                f"record ID {quote(self.record)}: give 1 to 8 characters of A-Z 0-9 $ # @"
            )

    @property
    def name(self) -> str:
        """How the explanation names the rule: its label, or its filters."""
        if self.label is not None:
            return quote(self.label)
        parts = [
            f"{k} {quote(v)}" for k, v in (("SDN", self.sdn_filter), ("IDN", self.idn_filter)) if v
        ]
        return "(" + " + ".join(parts) + ")"


@dataclass(frozen=True)
class Attempt:
    """One search value RACF tries, and the filter it found (or None).

    Attributes:
        step: The step of `STEPS` (1 to 6).
        subject: The subject's name or partial name searched, or None in steps 5 and 6.
        issuer: The issuer's name or partial name searched, or None in steps 3 and 4.
        rule: The filter found, or None.
        note: Why nothing could be found, when that is known without looking.
    """

    step: int
    subject: str | None
    issuer: str | None
    rule: MapRule | None = None
    note: str = ""


@dataclass(frozen=True)
class Selection:
    """The result of RACF's filter search for one certificate.

    Attributes:
        subject: The subject's name as RACF writes it.
        issuer: The issuer's name as RACF writes it.
        rule: The filter RACF uses, or None when none matches.
        attempts: The search values tried, in order, up to the first match.
        others: Each rule not used, with why.
    """

    subject: str
    issuer: str
    rule: MapRule | None
    attempts: tuple[Attempt, ...]
    others: tuple[tuple[MapRule, str], ...]

    @property
    def user_id(self) -> str | None:
        """The user ID the certificate maps to, or None.

        None when no filter matches, or when the one found is NOTRUST (what RACF does then is
        not verified).
        """
        if self.rule is None or not self.rule.trust:
            return None
        return self.rule.user_id

    def explain(self) -> list[str]:
        """Why this user (or none): the names, each search value in RACF's order, the rest.

        Returns:
            Lines of text, without line ends.
        """
        lines = [
            f"subject: {self.subject}",
            f"issuer:  {self.issuer}",
            "(a certificate added to a user with RACDCERT ADD would win over every filter)",
        ]
        last = self.attempts[-1].step if self.rule is not None else max(STEPS)
        for step in range(1, last + 1):
            lines.append(f"step {step}, {STEPS[step]}:")
            attempts = [a for a in self.attempts if a.step == step]
            lines += [_attempt_line(a) for a in attempts] or ["  none to try"]
        if self.rule is None:
            lines += [
                "no filter matches: RACF maps this certificate to no user",
                "(unless it carries a hostIdMappings extension)",
            ]
        elif not self.rule.trust:
            lines.append(
                f"the first filter found, {self.rule.name}, is NOTRUST: certkit does not "
                "know what RACF does then and names no user"
            )
        else:
            lines.append(f"RACF stops at the first filter found: user {self.rule.user_id}")
        lines += [f"{rule.name} ({rule.user_id}): {why}" for rule, why in self.others]
        return lines


def _attempt_line(attempt: Attempt) -> str:
    names = " + ".join(n for n in (attempt.subject, attempt.issuer) if n is not None)
    if attempt.rule is not None:
        found = f"filter {attempt.rule.name} -> {attempt.rule.user_id}"
    else:
        found = attempt.note or "no filter"
    return f"  {names}: {found}"


def _types() -> dict[str, str]:
    table: dict[str, dict[str, str]] = read_json("dn_attributes.json")["attributes"]
    return {oid: entry["racf"] for oid, entry in table.items()}


def _rdns(name: x509.Name, what: str) -> list[str]:
    """The RDNs of ``name`` as RACF writes them, most specific first."""
    if not name.rdns:
        raise InputError(f"the {what}'s name is empty: a certificate name filter needs a name")
    types = _types()
    out: list[str] = []
    for rdn in reversed(name.rdns):  # DER order is least specific first (mapping-facts R8)
        attributes = list(rdn)
        if len(attributes) != 1:
            raise InputError(
                f"the {what}'s name has an RDN with {len(attributes)} attributes; how RACF "
                "writes that is not verified"
            )
        attribute = attributes[0]
        oid = attribute.oid.dotted_string
        if oid not in types:
            raise InputError(
                f"the {what}'s name has attribute {oid}; RACF's name for it is not verified "
                "(certkit knows CN, OU, O, L, C)"
            )
        value = attribute.value if isinstance(attribute.value, str) else ""
        if not value or not value.isprintable() or "." in value:
            raise InputError(
                f"the {what}'s {types[oid]} value {quote(value)}: empty, a control character "
                "or a '.'; how RACF writes that is not verified"
            )
        out.append(f"{types[oid]}={value}")
    return out


def racf_dn(name: x509.Name) -> str:
    """A certificate's subject or issuer name as RACF writes it in a filter.

    Most specific RDN first, RDNs joined by ``.``, values as they are (mapping-facts.md D1,
    D2).

    Args:
        name: The name (``certificate.subject`` or ``certificate.issuer``).

    Returns:
        The name, e.g. ``CN=Amy.OU=Sales.O=Example``.

    Raises:
        InputError: If the name is empty, has a multi-valued RDN, an attribute type other than
            CN, OU, O, L or C, or a value that is empty, holds a control character or a ``.``
            (how RACF writes those is not verified).

    Examples:
        >>> from cryptography.x509.oid import NameOID
        >>> racf_dn(x509.Name([
        ...     x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example, Inc"),
        ...     x509.NameAttribute(NameOID.COMMON_NAME, "Amy"),
        ... ]))
        'CN=Amy.O=Example, Inc'
    """
    return ".".join(_rdns(name, "certificate"))


def _trailing(rdns: Sequence[str]) -> list[str]:
    """The partial names of a name (its RDNs), most specific first, as long as a filter fits."""
    out: list[str] = []
    length = -1
    for rdn in reversed(rdns[1:]):  # from the last RDN back, so the cost stays linear
        length += len(rdn) + 1
        if length > FILTER_LIMIT:
            break
        out.append(rdn)
    partials: list[str] = []
    joined = ""
    for rdn in out:
        joined = rdn if not joined else f"{rdn}.{joined}"
        partials.append(joined)
    return partials[::-1]


def _check_unique(rules: Sequence[MapRule]) -> None:
    seen: set[tuple[str | None, str | None]] = set()
    for rule in rules:
        key = (rule.sdn_filter, rule.idn_filter)
        if key in seen:
            raise InputError(
                f"two filters have the same names, {rule.name[:100]}; give each pair of names once"
            )
        seen.add(key)


def _short(name: str) -> str | None:
    """The name itself, or None when no filter can hold it."""
    return name if len(name) <= FILTER_LIMIT else None


def select(certificate: x509.Certificate, rules: Iterable[MapRule]) -> Selection:
    r"""Run RACF's certificate name filter search for ``certificate`` over ``rules``.

    Args:
        certificate: The client certificate (not registered to a user with RACDCERT ADD).
        rules: The filters defined.

    Returns:
        The filter RACF uses (or none), every search value tried, and why the other filters
        were not used.

    Raises:
        InputError: If a name cannot be written as RACF does (see `racf_dn`), or two rules
            have the same filters.

    Examples:
        >>> from certkit.certificates.pki import Lab
        >>> client = Lab(seed="mapping").pki().client.certificate
        >>> rules = [
        ...     MapRule("ZCLAB", idn_filter="CN=certkit Lab Intermediate CA",
        ...             label="Lab CA"),
        ...     MapRule("ZCLIENT", sdn_filter="CN=certkit lab client", label="Client"),
        ... ]
        >>> chosen = select(client, rules)
        >>> chosen.user_id
        'ZCLIENT'
        >>> print("\n".join(chosen.explain()))
        subject: CN=certkit lab client
        issuer:  CN=certkit Lab Intermediate CA
        (a certificate added to a user with RACDCERT ADD would win over every filter)
        step 1, subject's full name + issuer's full name:
          CN=certkit lab client + CN=certkit Lab Intermediate CA: no filter
        step 2, subject's partial name + issuer's full name:
          none to try
        step 3, subject's full name:
          CN=certkit lab client: filter 'Client' -> ZCLIENT
        RACF stops at the first filter found: user ZCLIENT
        'Lab CA' (ZCLAB): would match at step 5; not reached

        The lab's server certificate, which no filter names, maps to no user:

        >>> server = Lab(seed="mapping").pki().server.certificate
        >>> nothing = select(server, rules[1:])
        >>> print(nothing.user_id)
        None
        >>> print("\n".join(nothing.explain()[3:]))
        step 1, subject's full name + issuer's full name:
          CN=localhost + CN=certkit Lab Intermediate CA: no filter
        step 2, subject's partial name + issuer's full name:
          none to try
        step 3, subject's full name:
          CN=localhost: no filter
        step 4, subject's partial name:
          none to try
        step 5, issuer's full name:
          CN=certkit Lab Intermediate CA: no filter
        step 6, issuer's partial name:
          none to try
        no filter matches: RACF maps this certificate to no user
        (unless it carries a hostIdMappings extension)
        'Client' (ZCLIENT): SDNFILTER is no trailing part of the subject's name
    """
    rules = list(rules)
    _check_unique(rules)
    try:
        subject_name, issuer_name = certificate.subject, certificate.issuer
    except ValueError as error:  # a damaged name loads lazily and fails here
        raise InputError(f"the certificate's names cannot be read: {quote(error)}") from None
    subject_rdns = _rdns(subject_name, "subject")
    issuer_rdns = _rdns(issuer_name, "issuer")
    subject, issuer = ".".join(subject_rdns), ".".join(issuer_rdns)
    by_names = {(r.sdn_filter, r.idn_filter): r for r in rules}
    subject_full, issuer_full = _short(subject), _short(issuer)
    subject_partials, issuer_partials = _trailing(subject_rdns), _trailing(issuer_rdns)
    values: list[tuple[int, str | None, str | None, str]] = []
    too_long = _FILTER_LIMIT_NOTE
    values.append((1, subject, issuer, "" if subject_full and issuer_full else too_long))
    values += [(2, s, issuer, "" if issuer_full else too_long) for s in subject_partials]
    values.append((3, subject, None, "" if subject_full else too_long))
    values += [(4, s, None, "") for s in subject_partials]
    values.append((5, None, issuer, "" if issuer_full else too_long))
    values += [(6, None, i, "") for i in issuer_partials]
    attempts: list[Attempt] = []
    chosen: MapRule | None = None
    for step, s, i, note in values:
        rule = None if note else by_names.get((s, i))
        attempts.append(Attempt(step, s, i, rule, note))
        if rule is not None:
            chosen = rule
            break
    steps = {(s, i): step for step, s, i, note in values if not note}
    others = tuple(
        (rule, _why_not(rule, steps, subject, issuer)) for rule in rules if rule is not chosen
    )
    return Selection(subject, issuer, chosen, tuple(attempts), others)


def _why_not(
    rule: MapRule,
    steps: dict[tuple[str | None, str | None], int],
    subject: str,
    issuer: str,
) -> str:
    step = steps.get((rule.sdn_filter, rule.idn_filter))
    if step is not None:  # then an earlier step found a filter
        return f"would match at step {step}; not reached"
    if rule.sdn_filter is not None and not _ends(subject, rule.sdn_filter):
        return "SDNFILTER is no trailing part of the subject's name"
    if rule.idn_filter is not None and not _ends(issuer, rule.idn_filter):
        return "IDNFILTER is no trailing part of the issuer's name"
    return (
        "IDNFILTER is only part of the issuer's name: RACF never searches it with a subject "
        "filter (and RACDCERT MAP with a model certificate refuses the pair: IRRD146I)"
    )


def _ends(name: str, part: str) -> bool:
    """Whether ``part`` is ``name`` or its trailing RDNs (starting after a ``.``)."""
    return name == part or name.endswith("." + part)


def map_commands(rules: Iterable[MapRule], product: str = "racf") -> list[str]:
    r"""The commands that define ``rules``, one line each (continued lines end in `` +``).

    * ``racf``: ``RACDCERT ID(user) MAP WITHLABEL(...) TRUST SDNFILTER(...) IDNFILTER(...)``
      per rule and ``SETROPTS RACLIST(DIGTNMAP) REFRESH`` (mapping-facts.md M1, M2, VERIFIED);
      every line passes [`check`][certkit.zos.text.commands.check].
    * ``tss``: ``TSS ADD(user) CERTMAP(id) LABLCMAP(...) TRUST SDNFILTR(...) IDNFILTR(...)``
      (T1, VERIFIED in Broadcom's Top Secret Cookbook); no refresh command is verified.
    * ``acf2``: refused, its CERTMAP command syntax is not verified (A2).

    Args:
        rules: The filters.
        product: ``"racf"``, ``"tss"`` (Top Secret) or ``"acf2"``.

    Returns:
        The lines, each at most 71 characters.

    Raises:
        InputError: If ``product`` is unknown or ACF2, two rules have the same filters, or a
            filter is too long to stand on one line (a quoted value is never split).

    Examples:
        >>> rules = [MapRule("ZCUSERS", sdn_filter="O=certkit Lab", label="Lab users")]
        >>> print("\n".join(map_commands(rules)))
        RACDCERT ID(ZCUSERS) MAP WITHLABEL('Lab users') TRUST +
          SDNFILTER('O=certkit Lab')
        SETROPTS RACLIST(DIGTNMAP) REFRESH
        >>> print("\n".join(map_commands(rules, product="tss")))
        TSS ADD(ZCUSERS) CERTMAP(MAP01) LABLCMAP('Lab users') TRUST +
          SDNFILTR('O=certkit Lab')
    """
    if product not in ("racf", "tss", "acf2"):
        raise InputError(f"product {quote(product)}: use racf, tss or acf2")
    if product == "acf2":
        raise InputError(
            "ACF2's command for a certificate name filter (a GSO CERTMAP record) is not "
            "verified; use racf or tss"
        )
    rules = list(rules)
    _check_unique(rules)
    lines: list[str] = []
    for number, rule in enumerate(rules, start=1):
        trust = "TRUST" if rule.trust else "NOTRUST"
        if product == "racf":
            words = ["RACDCERT", f"ID({rule.user_id})", "MAP"]
            label, sdn, idn = "WITHLABEL", "SDNFILTER", "IDNFILTER"
        else:
            record = (rule.record or f"MAP{number:02d}").upper()
            words = ["TSS", f"ADD({rule.user_id})", f"CERTMAP({record})"]
            label, sdn, idn = "LABLCMAP", "SDNFILTR", "IDNFILTR"
        if rule.label is not None:
            words.append(f"{label}({quoted(rule.label)})")
        words.append(trust)
        for keyword, value in ((sdn, rule.sdn_filter), (idn, rule.idn_filter)):
            if value is not None:
                words.append(f"{keyword}({quoted(value)})")
        command = wrap(words)
        if max(len(line) for line in command) > RECORD_LIMIT:
            raise InputError(
                f"{rule.name[:80]} does not fit one {RECORD_LIMIT}-character line and "
                "certkit never splits a quoted value; use a shorter filter"
            )
        lines += command
    if product == "racf":
        lines.append("SETROPTS RACLIST(DIGTNMAP) REFRESH")
    return lines
