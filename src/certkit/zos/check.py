"""Consistency across files: RACF commands, a server.xml, a trace specification, an AT-TLS policy.

Each file may be right on its own and still disagree with another: the key ring Liberty opens is
not the ring the commands build, the label it names is not connected, the server cannot read
the ring, or inbound AT-TLS ends TLS while Liberty waits for a client certificate.
[`check`][certkit.zos.check.check] reads the files with the text validators' parsers and
reports each disagreement at the file and line that is wrong, naming the other file and line.
It reads labels and names only: no certificate is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from certkit.errors import quote
from certkit.zos.text import attls, tracespec, tso
from certkit.zos.text.findings import Finding, Position, Report
from certkit.zos.text.serverxml import Element, Generation, as_generation, elements

__all__ = ["check", "kind_of", "reports"]

_SAFKEYRING = re.compile(r"safkeyring://([^/]+)/([^/].*)", re.IGNORECASE)
_PORTS = re.compile(r"(\d{1,5})(?:\s*-\s*(\d{1,5}))?")
_HEX = re.compile(r"(?:0x)?[0-9A-Fa-f]{2,4}")
_MAX_MESSAGE = 200


def kind_of(text: str) -> str:
    """What pasted text is, from how it starts (as ``certkit zos lint`` detects it).

    ``server.xml`` (a tag first), ``jcl`` (``//`` first), ``attls`` (a ``TTLS`` statement
    first), ``trace`` (one line of ``component=level`` pieces) or ``racf``.

    Examples:
        >>> kind_of("*=info:SSL=all"), kind_of("<ssl id='a'/>")
        ('trace', 'server.xml')
    """
    start = text.lstrip()
    if start.startswith("<"):
        return "server.xml"
    if start.startswith("//"):
        return "jcl"
    lines = (line.strip() for line in start.splitlines())
    first = next((line for line in lines if line and not line.startswith("#")), "")
    if first.startswith("TTLS"):
        return "attls"
    if "\n" not in text.strip() and "=" in start and "(" not in start:
        return "trace"
    return "racf"


# Deliberate boilerplate: a small frozen record with __str__, as Position and tso.Problem.
@dataclass(frozen=True)
class _Where:
    source: str
    position: Position

    def __str__(self) -> str:
        return f"{self.source}:{self.position.line}"


@dataclass
class _Ring:
    owner: str
    name: str
    where: _Where
    labels: dict[str, str] = field(default_factory=dict)  # label -> usage (upper case)


@dataclass
class _Racf:
    rings: dict[tuple[str, str], _Ring] = field(default_factory=dict)
    signers: dict[str, str] = field(default_factory=dict)  # certificate label -> signer's label
    clients: list[tuple[str, str, _Where]] = field(default_factory=list)  # owner, signer, where
    permits: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # class, profile, id, access
    sources: list[str] = field(default_factory=list)


def _owner(operands: Iterable[tso.Operand]) -> str | None:
    for operand in operands:
        if operand.keyword == "ID" and operand.value is not None:
            return operand.value.upper()
        if operand.keyword in ("CERTAUTH", "SITE") and not operand.parenthesised:
            return operand.keyword
    return None


def _inner_owner(function: tso.Operand) -> str | None:
    for operand in function.operands:
        if operand.keyword == "ID" and operand.value is not None:
            return operand.value.upper()
    words = [v.upper() for v, q in zip(function.values, function.quoted, strict=False) if not q]
    return next((w for w in words if w in ("CERTAUTH", "SITE")), None)


def _read_racf(name: str, text: str, racf: _Racf) -> None:
    """Rings, connections, signers and PERMITs, by label only (zos-syntax.md sections 1 and 2)."""
    commands, _ = tso.parse(text)
    racf.sources.append(name)
    for command in commands:
        if command.name == "PERMIT":
            _permit(command, racf)
            continue
        if command.name != "RACDCERT":
            continue
        owner = _owner(command.operands) or ""
        for function in command.operands:
            where = _Where(name, function.position)
            if function.keyword == "ADDRING" and function.value is not None:
                key = (owner, function.value)
                racf.rings.setdefault(key, _Ring(owner, function.value, where))
            elif function.keyword == "DELRING" and function.value is not None:
                racf.rings.pop((owner, function.value), None)
            elif function.keyword in ("CONNECT", "REMOVE"):
                _connection(owner, function, racf)
            elif function.keyword == "GENCERT":
                _gencert(command, owner, where, racf)


def _connection(ring_owner: str, function: tso.Operand, racf: _Racf) -> None:
    inner = {o.keyword: o for o in function.operands}
    label, ring_name = inner.get("LABEL"), inner.get("RING")
    if label is None or ring_name is None or label.value is None or ring_name.value is None:
        return
    ring = racf.rings.get((ring_owner, ring_name.value))
    if ring is None:
        return
    if function.keyword == "REMOVE":
        ring.labels.pop(label.value, None)
        return
    usage = inner.get("USAGE")
    cert_owner = _inner_owner(function)
    if usage is not None and usage.value is not None:
        ring.labels[label.value] = usage.value.upper()
    else:  # (P) zos-syntax.md 1.6: RACF is said to take the certificate owner's kind
        ring.labels[label.value] = cert_owner if cert_owner in ("CERTAUTH", "SITE") else "PERSONAL"


def _gencert(command: tso.Command, owner: str, where: _Where, racf: _Racf) -> None:
    label = command.find("WITHLABEL")
    signwith = command.find("SIGNWITH")
    if label is None or label.value is None or signwith is None:
        return
    signer = next((o.value for o in signwith.operands if o.keyword == "LABEL"), None)
    if signer is None:
        return
    racf.signers[label.value] = signer
    if owner not in ("CERTAUTH", "SITE"):
        racf.clients.append((owner, signer, where))


def _permit(command: tso.Command, racf: _Racf) -> None:
    profile = next((o.written or o.keyword for o in command.operands if not o.parenthesised), "")
    found = {o.keyword: o for o in command.operands}
    class_, access = found.get("CLASS"), found.get("ACCESS")
    ids = found.get("ID")
    if class_ is None or class_.value is None or ids is None:
        return
    level = access.value.upper() if access is not None and access.value else "READ"
    for user in ids.values:
        racf.permits.append((class_.value.upper(), profile, user.upper(), level))


@dataclass(frozen=True)
class _Store:
    owner: str
    ring: str
    element: Element
    source: str


@dataclass
class _Liberty:
    source: str
    all: list[Element]
    stores: dict[str, _Store]
    generation: Generation | None


def _read_liberty(name: str, text: str) -> _Liberty:
    found = elements(text)
    stores: dict[str, _Store] = {}
    generation: Generation | None = None
    for element in found:
        if element.tag == "keyStore":
            match = _SAFKEYRING.fullmatch(element.attributes.get("location", "").strip())
            if match is not None:
                store = _Store(match.group(1).upper(), match.group(2), element, name)
                stores[element.attributes.get("id", "")] = store
        elif element.tag == "feature" and element.text.startswith("zosConnect-"):
            generation = as_generation(element.text) if element.text in set(Generation) else None
        elif element.tag.startswith("zosconnect_") and generation is None:
            generation = Generation.V2  # zosconnect-security.md 4.2 (V): 2.0 elements
    return _Liberty(name, found, stores, generation)


def _cut(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."


class _Checker:
    def __init__(self) -> None:
        self.found: list[tuple[str, Finding]] = []

    def add(self, where: _Where, severity: Literal["error", "warning"], message: str) -> None:
        self.found.append((where.source, Finding(where.position, severity, _cut(message))))


def _ring_of(racf: _Racf, owner: str, name: str) -> _Ring | None:
    return racf.rings.get((owner, name))


def _check_ring(out: _Checker, racf: _Racf, owner: str, name: str, where: _Where) -> _Ring | None:
    """The ring named in server.xml or AT-TLS against the ADDRING commands (zos-syntax.md 1.6)."""
    ring = _ring_of(racf, owner, name)
    if ring is not None or not racf.rings:
        return ring
    same_name = [r for r in racf.rings.values() if r.name.upper() == name.upper()]
    same_owner = [r for r in racf.rings.values() if r.owner == owner]
    near = (same_name or same_owner or list(racf.rings.values()))[0]
    if near.name == name:
        what = f"owner {owner}, but {near.where} makes it for {near.owner}"
    elif near.name.upper() == name.upper():
        what = (
            f"{quote(name, 40)}, but {near.where} adds {quote(near.name, 40)}: "
            "ring names are case sensitive"
        )
    else:
        what = (
            f"{quote(name, 40)} of {owner}, but {near.where} adds "
            f"{quote(near.name, 40)} of {near.owner}"
        )
    out.add(where, "error", f"ring {what}")
    return None


def _trust_store(liberty: _Liberty, ssl: Element) -> _Store | None:
    ref = ssl.attributes.get("trustStoreRef") or ssl.attributes.get("keyStoreRef", "")
    return liberty.stores.get(ref)


def _true(element: Element, name: str) -> bool:
    return element.attributes.get(name, "").strip().lower() == "true"


def _client_auth(ssl: Element) -> str | None:
    for name in ("clientAuthentication", "clientAuthenticationSupported"):
        if _true(ssl, name):
            return name
    return None


def _check_liberty_racf(out: _Checker, liberty: _Liberty, racf: _Racf) -> None:
    rings: dict[str, _Ring | None] = {}
    for store_id, store in liberty.stores.items():
        where = _Where(liberty.source, store.element.at("location"))
        rings[store_id] = _check_ring(out, racf, store.owner, store.ring, where)
    for ssl in (e for e in liberty.all if e.tag == "ssl"):
        key_ring = rings.get(ssl.attributes.get("keyStoreRef", ""))
        alias = ssl.attributes.get("serverKeyAlias")
        if key_ring is not None and alias is not None and alias not in key_ring.labels:
            out.add(  # labels are case sensitive (zos-syntax.md 1.6)
                _Where(liberty.source, ssl.at("serverKeyAlias")),
                "error",
                f"serverKeyAlias {quote(alias, 40)} is not connected to ring "
                f"{quote(key_ring.name, 40)} ({key_ring.where}); labels are case sensitive",
            )
        attribute = _client_auth(ssl)
        trusted = _trust_store(liberty, ssl)
        if attribute is None or trusted is None:
            continue
        trust = rings.get(trusted.element.attributes.get("id", ""))
        if trust is None:
            continue
        _check_certauth(out, racf, trust, _Where(liberty.source, ssl.at(attribute)), attribute)


def _check_certauth(out: _Checker, racf: _Racf, ring: _Ring, where: _Where, attr: str) -> None:
    """A client certificate is trusted through a CA connected as CERTAUTH (zos-syntax.md 1.6)."""
    certauth = {label for label, usage in ring.labels.items() if usage == "CERTAUTH"}
    if not certauth:
        out.add(
            where,
            "error",
            f'{attr}="true" but ring {quote(ring.name, 40)} ({ring.where}) has no CA connected '
            "USAGE(CERTAUTH): no client certificate is trusted",
        )
        return
    for owner, signer, made in racf.clients:
        if owner == ring.owner:
            continue
        chain: list[str] = []
        label = signer
        while label not in chain and len(chain) < 16:
            chain.append(label)
            label = racf.signers.get(label, label)
        if not certauth.intersection(chain):
            out.add(
                where,
                "error",
                f"{owner}'s client certificate ({made}) is signed by {quote(signer, 40)}, "
                f"connected to ring {quote(ring.name, 40)} ({ring.where}) as no CERTAUTH",
            )


def _matches(profile: str, wanted: str) -> bool:
    """A discrete profile, or a generic one ending in ``*`` or ``**`` (RACF generic profiles)."""
    upper = profile.upper()
    if "*" in upper or "%" in upper:
        return wanted.startswith(upper.split("*")[0].split("%")[0])
    return upper == wanted


_LEVELS = ("NONE", "READ", "UPDATE", "CONTROL", "ALTER")


def _check_access(out: _Checker, racf: _Racf, user: str, ring: _Ring, where: _Where) -> None:
    """Ring access: FACILITY IRR.DIGTCERT.LISTRING or RDATALIB <OWNER>.<RING>.LST (section 2)."""
    needed = "READ" if user == ring.owner else "UPDATE"
    lst = f"{ring.owner}.{ring.name.upper()}.LST"
    best = "NONE"
    for class_, profile, permitted, access in racf.permits:
        if permitted != user or access not in _LEVELS:
            continue
        if class_ == "RDATALIB" and _matches(profile, lst):
            best = max(best, access, key=_LEVELS.index)
            needed = "READ"
        elif class_ == "FACILITY" and _matches(profile, "IRR.DIGTCERT.LISTRING"):
            best = max(best, access, key=_LEVELS.index)
    if _LEVELS.index(best) >= _LEVELS.index(needed):
        return
    shown = ", ".join(racf.sources)
    out.add(
        where,
        "error",
        f"{user} needs {needed} on IRR.DIGTCERT.LISTRING (FACILITY) or {lst} (RDATALIB) to "
        f"read ring {quote(ring.name, 40)}; the commands in {shown} give {best}",
    )


@dataclass(frozen=True)
class _Rule:
    name: str
    ports: tuple[tuple[int, int], ...]
    where: _Where


@dataclass
class _Attls:
    source: str
    inbound: list[_Rule] = field(default_factory=list)
    keyrings: list[tuple[str, _Where]] = field(default_factory=list)
    protocols: dict[str, _Where] = field(default_factory=dict)  # switched On
    ciphers: dict[str, _Where] = field(default_factory=dict)
    hex_ciphers: bool = False


_SWITCHES = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")


def _walk(statements: Iterable[attls.Statement]) -> Iterable[attls.Statement]:
    for statement in statements:
        yield statement
        yield from _walk(p.block for p in statement.parameters if p.block is not None)


def _read_attls(name: str, text: str) -> _Attls:
    policy = attls.parse(text)
    found = _Attls(name)
    for statement in _walk(policy.statements):
        if statement.type.casefold() == "ttlsrule":
            direction = (statement.first("Direction") or "").casefold()
            if direction in ("inbound", "both"):
                ports = tuple(
                    (int(m.group(1)), int(m.group(2) or m.group(1)))
                    for p in statement.get("LocalPortRange")
                    for m in [_PORTS.fullmatch(p.value.strip())]
                    if m is not None
                )
                found.inbound.append(
                    _Rule(statement.name or "", ports, _Where(name, statement.position))
                )
        for parameter in statement.parameters:
            where = _Where(name, parameter.position)
            key = parameter.name.casefold()
            if key == "keyring" and parameter.values:
                found.keyrings.append((parameter.value, where))
            elif key in (s.casefold() for s in _SWITCHES):
                if parameter.value.casefold() == "on":
                    switch = next(s for s in _SWITCHES if s.casefold() == key)
                    found.protocols.setdefault(switch, where)
            elif key in ("v3ciphersuites", "v3ciphersuites4char"):
                for value in parameter.values:
                    if _HEX.fullmatch(value):
                        found.hex_ciphers = True
                    else:
                        found.ciphers.setdefault(value.upper(), where)
    return found


def _check_attls_racf(out: _Checker, policy: _Attls, racf: _Racf) -> None:
    for value, where in policy.keyrings:
        if "/" in value:  # Keyring owner/ring (zos-syntax.md 5)
            owner, ring = value.split("/", 1)
            _check_ring(out, racf, owner.upper(), ring, where)


def _endpoint_ports(liberty: _Liberty) -> list[tuple[int, Element, str]]:
    ports = []
    for element in liberty.all:
        if element.tag != "httpEndpoint":
            continue
        for attribute in ("httpsPort", "httpPort"):
            value = element.attributes.get(attribute, "").strip()
            if value.isdigit():
                ports.append((int(value), element, attribute))
    return ports


def _check_liberty_attls(out: _Checker, liberty: _Liberty, policy: _Attls) -> None:
    ssl_auth = [(e, a) for e in liberty.all if e.tag == "ssl" for a in [_client_auth(e)] if a]
    for port, endpoint, attribute in _endpoint_ports(liberty):
        rule = next(
            (r for r in policy.inbound if any(lo <= port <= hi for lo, hi in r.ports)), None
        )
        if rule is None:
            continue
        if attribute == "httpsPort":  # zosconnect-security.md 5.1 (V): only httpPort
            out.add(
                _Where(liberty.source, endpoint.at(attribute)),
                "error",
                f"httpsPort {port} is the port of inbound AT-TLS rule {quote(rule.name, 30)} "
                f"({rule.where}), which hands Liberty plain HTTP: make it httpPort, without "
                "ssl and keyStore",
            )
        for ssl, name in ssl_auth:  # zosconnect-security.md 5.2 (V)
            out.add(
                _Where(liberty.source, ssl.at(name)),
                "error",
                f'{name}="true" but inbound AT-TLS rule {quote(rule.name, 30)} ({rule.where}) '
                f"ends TLS on {attribute} {port}: Liberty never sees the client certificate",
            )
    _check_lists(out, liberty, policy)


def _words(value: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", value.strip()) if w]


def _check_lists(out: _Checker, liberty: _Liberty, policy: _Attls) -> None:
    """The sslProtocol and enabledCiphers against the AT-TLS switches and V3CipherSuites.

    Compared only when both sides name their lists, and only by names: a generic sslProtocol
    (``TLS``) and hexadecimal cipher codes in the policy are not judged.
    """
    for ssl in (e for e in liberty.all if e.tag == "ssl"):
        given = _words(ssl.attributes.get("sslProtocol", ""))
        if all(p in _SWITCHES for p in given):
            _disjoint(out, liberty, ssl, "sslProtocol", given, policy.protocols)
        if not policy.hex_ciphers:
            ciphers = [c.upper() for c in _words(ssl.attributes.get("enabledCiphers", ""))]
            _disjoint(out, liberty, ssl, "enabledCiphers", ciphers, policy.ciphers)


def _disjoint(
    out: _Checker,
    liberty: _Liberty,
    ssl: Element,
    attribute: str,
    given: list[str],
    theirs: dict[str, _Where],
) -> None:
    if not given or not theirs or set(given) & set(theirs):
        return
    what = "switched On" if attribute == "sslProtocol" else "in V3CipherSuites"
    out.add(
        _Where(liberty.source, ssl.at(attribute)),
        "error",
        f"{attribute} {quote(','.join(given), 60)} has nothing in common with the AT-TLS "
        f"policy's list {what} ({', '.join(list(theirs)[:3])}, {next(iter(theirs.values()))})",
    )


def _check_trace(out: _Checker, name: str, text: str, generation: Generation, because: str) -> None:
    """Components of the other generation match nothing (zosconnect-security.md 4.2, 4.3, V)."""
    known = tracespec.components()
    for element in tracespec.parse(text.strip()).elements:
        entry = known.get(element.component)
        if entry is None or entry.get("generation") in (None, generation.value):
            continue
        out.add(
            _Where(name, element.position),
            "warning",
            f"{quote(element.component, 40)} is a {entry['generation']} component; "
            f"{because} is {generation.value}, where it matches nothing",
        )


def check(
    files: Mapping[str, str],
    *,
    server_user: str | None = None,
    generation: Generation | str | None = None,
) -> list[tuple[str, Finding]]:
    """What the files say that disagrees with another of them.

    Args:
        files: Each file's name (as messages show it) and text; the kind of each is detected
            as ``certkit zos lint`` does: RACF commands, a server.xml, a trace specification,
            an AT-TLS policy (a batch job is read as its commands).
        server_user: The server's user ID, which must read the ring; by default each
            keyStore's ring owner.
        generation: The z/OS Connect generation, when no server.xml shows it.

    Returns:
        ``(file name, finding)`` pairs, in the order of the files and of each text.

    Raises:
        InputError: If ``generation`` names neither generation, or a trace specification is
            longer than ``certkit.zos.text.tracespec.MAX_SPEC_CHARS``.

    Examples:
        >>> racf = "RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)"
        >>> xml = '<keyStore id="k" location="safkeyring://ZCSRV1/ZCEE.ring"/>'
        >>> for name, f in check({"a.txt": racf, "s.xml": xml}):
        ...     print(name, f.position.line, f.message[:46])
        s.xml 1 ring 'ZCEE.ring', but a.txt:1 adds 'ZCEE.Ring'
    """
    wanted = as_generation(generation) if generation is not None else None
    racf = _Racf()
    libertys: list[_Liberty] = []
    policies: list[_Attls] = []
    traces: list[tuple[str, str]] = []
    for name, text in files.items():
        kind = kind_of(text)
        if kind in ("racf", "jcl"):
            _read_racf(name, text, racf)
        elif kind == "server.xml":
            libertys.append(_read_liberty(name, text))
        elif kind == "attls":
            policies.append(_read_attls(name, text))
        elif kind == "trace":
            traces.append((name, text))
    out = _Checker()
    if racf.sources:
        for liberty in libertys:
            _check_liberty_racf(out, liberty, racf)
            for store in liberty.stores.values():
                ring = _ring_of(racf, store.owner, store.ring)
                if ring is not None:
                    user = (server_user or store.owner).upper()
                    where = _Where(liberty.source, store.element.at("location"))
                    _check_access(out, racf, user, ring, where)
        for policy in policies:
            _check_attls_racf(out, policy, racf)
    for liberty in libertys:
        for policy in policies:
            _check_liberty_attls(out, liberty, policy)
    for name, text in traces:
        shown = next((x for x in libertys if x.generation is not None), None)
        if wanted is not None:
            _check_trace(out, name, text, wanted, "--generation")
        elif shown is not None and shown.generation is not None:
            _check_trace(out, name, text, shown.generation, shown.source)
    order = {name: index for index, name in enumerate(files)}
    unique = list(dict.fromkeys(out.found))
    unique.sort(
        key=lambda pair: (order.get(pair[0], 0), pair[1].position.line, pair[1].position.column)
    )
    return unique


def reports(
    files: Mapping[str, str],
    *,
    server_user: str | None = None,
    generation: Generation | str | None = None,
) -> list[Report]:
    """[`check`][certkit.zos.check.check]'s findings as one report per file (kind ``check``)."""
    found = check(files, server_user=server_user, generation=generation)
    return [
        Report(name, "check", tuple(f for source, f in found if source == name)) for name in files
    ]
