"""Key rings as RACDCERT commands build them: pasted or generated commands applied to the model.

[`certkit.zos.racf`][certkit.zos.racf] writes the commands that build a
[`KeyRing`][certkit.zos.keyring.KeyRing]; [`apply`][certkit.zos.rings.apply] goes the other
way. It reads RACDCERT commands (as pasted, or as generated) and carries out ``ADDRING``,
``CONNECT``, ``REMOVE`` and ``DELRING`` on key ring models, one per ring owner and ring name,
taking the certificates from a *catalogue*: what the RACF database holds, by certificate owner
(``CERTAUTH``, ``SITE`` or a user ID) and label.
[`catalogue_for_lab`][certkit.zos.rings.catalogue_for_lab] makes one with the labels and owners
certkit's generators write. A ring built this way goes into a real TLS handshake through
[`certkit.zos.stores`][certkit.zos.stores], and [`equivalence`][certkit.zos.rings.equivalence]
shows what the commands do to one.

Facts, from ../shared/reference/zos-syntax.md:

* ``RACDCERT ID(owner) ADDRING(ring)`` and ``DELRING(ring)``; ``CERTAUTH`` and ``SITE``
  cannot own a ring, IRRD120I (section 1.5, VERIFIED);
* ``CONNECT(owner LABEL('label') RING(ring) [DEFAULT] [USAGE(...)])`` and ``REMOVE(owner
  LABEL('label') RING(ring))``: the owner outside names whose ring it is, the owner inside
  whose certificate; a ring that does not exist is IRRD114I, a label not in the ring IRRD116I
  (section 1.6, VERIFIED);
* a ring has one DEFAULT: connecting another moves it (section 1.6: verified for Top Secret,
  product knowledge for RACF, so a moved DEFAULT is reported as a warning);
* without ``USAGE``, RACF takes the certificate owner's kind (section 1.6: product knowledge
  for RACF). certkit applies that default but says so in a warning: write ``USAGE`` to be sure;
* ``SETROPTS RACLIST(DIGTRING) REFRESH`` after ring changes when DIGTRING is RACLISTed
  (section 1.5, 1.12, VERIFIED).

Labels and ring names are case sensitive; user IDs are compared in upper case (section 0).
What the commands leave out is never guessed: a ring function without ``ID(owner)`` outside,
or a ``CONNECT`` that does not say whose certificate it connects, is an error here, because
which user ID RACF would take is not known to certkit.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography import x509

from certkit.certificates.pki import Issued, Lab, LabPKI
from certkit.defaults import (
    CLIENT_LABEL,
    INTERMEDIATE_CA_LABEL,
    RING_NAME,
    RING_OWNER,
    ROOT_CA_LABEL,
    SERVER_LABEL,
)
from certkit.errors import InputError, one_line, quote
from certkit.tls.handshake import Options, run
from certkit.tls.recording import Recording
from certkit.zos.keyring import KeyRing, Usage
from certkit.zos.racf import quoted, ring_commands
from certkit.zos.stores import ssl_context
from certkit.zos.text.commands import FUNCTIONS, check
from certkit.zos.text.findings import Finding, Position
from certkit.zos.text.tso import Command, Operand, parse

__all__ = [
    "CLIENT_CA_LABEL",
    "Applied",
    "Catalogue",
    "Outcome",
    "apply",
    "catalogue_for_lab",
    "equivalence",
]

Catalogue = Mapping[tuple[str, str], Issued | x509.Certificate]
"""The certificates RACF holds, by (owner, label).

The owner is ``CERTAUTH``, ``SITE`` or a user ID (any case); the label is case sensitive. A
certificate connected as PERSONAL needs its private key: give an
[`Issued`][certkit.certificates.pki.Issued] with one.
"""

CLIENT_CA_LABEL = "Client CA"
"""The label [`equivalence`][certkit.zos.rings.equivalence] gives the clients' CA in the ring."""

_USER_ID = re.compile(r"[A-Z0-9$#@]{1,8}")  # (V) zos-syntax.md section 0
_RING_FUNCTIONS = ("ADDRING", "DELRING", "CONNECT", "REMOVE")
_OWNER_WORDS = ("CERTAUTH", "SITE")
_DEFAULT_USAGE = {"CERTAUTH": Usage.CERTAUTH, "SITE": Usage.SITE}  # (P) section 1.6


@dataclass(frozen=True)
class Applied:
    """What applying commands made: the rings, and what RACF (or certkit) would say.

    Attributes:
        rings: The rings that exist after the commands, by (owner in upper case, ring name).
        findings: Errors (a command RACF would refuse, or one certkit cannot model: it changed
            nothing) and warnings, in the order of the text.
    """

    rings: Mapping[tuple[str, str], KeyRing]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity ``error``."""
        return tuple(f for f in self.findings if f.severity == "error")

    def ring(self, owner: str, name: str) -> KeyRing:
        """The ring ``name`` of ``owner`` (the user ID in any case, the name as written).

        Raises:
            InputError: If the commands left no such ring (the first error says why, if any).
        """
        ring = self.rings.get((owner.upper(), name))
        if ring is not None:
            return ring
        why = f"; first error: {self.errors[0]}" if self.errors else ""
        raise InputError(
            one_line(f"the commands make no ring {quote(name, 40)} for {quote(owner, 8)}{why}", 200)
        )


@dataclass
class _State:
    catalogue: dict[tuple[str, str], Issued | x509.Certificate]
    rings: dict[tuple[str, str], KeyRing] = dataclasses.field(default_factory=dict)
    owners: dict[tuple[str, str], dict[str, str]] = dataclasses.field(default_factory=dict)
    findings: list[Finding] = dataclasses.field(default_factory=list)
    unrefreshed: Position | None = None

    def error(self, where: Position, message: str) -> None:
        self.findings.append(Finding(where, "error", message))

    def warn(self, where: Position, message: str) -> None:
        self.findings.append(Finding(where, "warning", message))


def apply(text: str | Sequence[str], catalogue: Catalogue) -> Applied:
    r"""Carry out the RACDCERT ring commands of ``text`` on key ring models.

    The text is first read by [`check`][certkit.zos.text.commands.check]: if it finds an
    error, nothing is applied and its findings are returned. Then, command by command, as a
    batch job runs them: ``ADDRING`` makes a ring, ``CONNECT`` adds a certificate from the
    catalogue with its usage (DEFAULT or not), ``REMOVE`` takes it off, ``DELRING`` deletes the
    ring. A command RACF would refuse (a ring that does not exist, a label the catalogue or the
    ring lacks, CERTAUTH owning a ring) changes nothing and is reported as an error with its
    line and column; the commands after it still run. ``GENCERT`` and ``ADD`` are not carried
    out (the catalogue stands for what they make), but a label they name that the catalogue
    lacks is a warning. Other commands change no ring.

    Args:
        text: The commands, as one text or as lines (what
            [`ring_commands`][certkit.zos.racf.ring_commands] returns).
        catalogue: The certificates by (owner, label).

    Returns:
        The rings and the findings.

    Examples:
        >>> from certkit.certificates.pki import Lab
        >>> pki = Lab(seed="rings").pki()
        >>> catalogue = catalogue_for_lab(pki, server_user="ZCSRV1")
        >>> applied = apply('''RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)
        ... RACDCERT ID(ZCSRV1) CONNECT(CERTAUTH LABEL('Lab Root CA') +
        ...   RING(ZCEE.Ring) USAGE(CERTAUTH))
        ... RACDCERT ID(ZCSRV1) CONNECT(ID(ZCSRV1) LABEL('Liberty server') +
        ...   RING(ZCEE.ring) DEFAULT USAGE(PERSONAL))''', catalogue)
        >>> import textwrap
        >>> for finding in applied.findings:
        ...     print(textwrap.fill(str(finding), 76, subsequent_indent="  "))
        line 1, column 21: warning: no SETROPTS RACLIST(DIGTRING) REFRESH after the
          ring changes: if DIGTRING is RACLISTed, programs do not see them until
          then
        line 5, column 3: warning: ring ZCEE.ring is spelled ZCEE.Ring at line 1,
          column 21; ring names are case sensitive, so these are two rings
        line 5, column 3: error: ring 'ZCEE.ring' of ZCSRV1 does not exist
          (IRRD114I); ring names are case sensitive: add it with ADDRING first
        >>> [e.label for e in applied.ring("zcsrv1", "ZCEE.Ring")]
        ['Lab Root CA']
    """
    if not isinstance(text, str):
        text = "\n".join(text)
    checked = check(text)
    if any(f.severity == "error" for f in checked):
        return Applied({}, tuple(checked))
    state = _State({(owner.upper(), label): item for (owner, label), item in catalogue.items()})
    state.findings.extend(checked)
    commands, _ = parse(text)
    for command in commands:
        if command.name == "RACDCERT":
            _racdcert(state, command)
        elif command.name == "SETROPTS":
            _setropts(state, command)
    if state.unrefreshed is not None:  # (V) sections 1.5 and 1.12
        state.warn(
            state.unrefreshed,
            "no SETROPTS RACLIST(DIGTRING) REFRESH after the ring changes: if DIGTRING is "
            "RACLISTed, programs do not see them until then",
        )
    findings = sorted(state.findings, key=lambda f: (f.position.line, f.position.column))
    return Applied(dict(state.rings), tuple(findings))


def _setropts(state: _State, command: Command) -> None:
    raclist = command.find("RACLIST")
    classes = raclist.values if raclist is not None else ()
    if command.find("REFRESH") is not None and "DIGTRING" in (v.upper() for v in classes):
        state.unrefreshed = None


def _owner(operands: Sequence[Operand], words: Sequence[str]) -> str | None:
    """``CERTAUTH``, ``SITE`` or the user ID in upper case; ``None`` when none is named."""
    for operand in operands:
        if operand.keyword == "ID" and operand.parenthesised and operand.value is not None:
            return operand.value.upper()
    return next((w for w in words if w in _OWNER_WORDS), None)


def _racdcert(state: _State, command: Command) -> None:
    function = next((o for o in command.operands if o.keyword in FUNCTIONS), None)
    if function is None:  # check() has reported it
        return
    top_words = [o.keyword for o in command.operands if not o.parenthesised]
    owner = _owner(command.operands, top_words)
    if function.keyword in ("GENCERT", "ADD"):
        _created(state, command, owner)
        return
    if function.keyword not in _RING_FUNCTIONS:
        return
    if owner is None:
        state.error(
            command.position,
            f"{function.keyword}: give the ring owner, ID(userid); certkit does not assume "
            "the user ID that issues the command",
        )
        return
    if owner in _OWNER_WORDS:  # (V) IRRD120I, section 1.5
        state.error(command.position, f"{owner} cannot own a key ring (IRRD120I); give ID(userid)")
        return
    if function.keyword == "ADDRING":
        _addring(state, owner, function)
    elif function.keyword == "DELRING":
        _delring(state, owner, function)
    else:
        _connection(state, owner, function)


def _created(state: _State, command: Command, owner: str | None) -> None:
    label = command.find("WITHLABEL")
    if label is None or label.value is None or owner is None:
        return
    if (owner, label.value) not in state.catalogue:
        state.warn(
            label.position,
            f"the catalogue has no certificate {quote(label.value, 40)} of {owner}: "
            "connecting it fails here",
        )


def _addring(state: _State, owner: str, function: Operand) -> None:
    name = function.value or ""
    if (owner, name) in state.rings:
        state.warn(
            function.position,
            f"ring {quote(name, 60)} of {owner} exists already; it is kept as it is",
        )
        return
    state.rings[(owner, name)] = KeyRing(name, owner)
    state.owners[(owner, name)] = {}
    state.unrefreshed = state.unrefreshed or function.position


def _missing_ring(state: _State, where: Position, owner: str, name: str) -> bool:
    if (owner, name) in state.rings:
        return False
    state.error(  # (V) IRRD114I, section 1.6
        where,
        f"ring {quote(name, 60)} of {owner} does not exist (IRRD114I); ring names are case "
        "sensitive: add it with ADDRING first",
    )
    return True


def _delring(state: _State, owner: str, function: Operand) -> None:
    name = function.value or ""
    if _missing_ring(state, function.position, owner, name):
        return
    del state.rings[(owner, name)]
    del state.owners[(owner, name)]
    state.unrefreshed = state.unrefreshed or function.position


def _connection(state: _State, ring_owner: str, function: Operand) -> None:
    inner = {o.keyword: o for o in function.operands}
    words = [v.upper() for v, q in zip(function.values, function.quoted, strict=True) if not q]
    label, ring_name = inner.get("LABEL"), inner.get("RING")
    if label is None or ring_name is None:  # check() has reported it (IRRD121I)
        return
    allowed = (*_OWNER_WORDS, "DEFAULT") if function.keyword == "CONNECT" else _OWNER_WORDS
    for word in words:
        if word not in allowed:
            state.error(function.position, f"{function.keyword} takes no {quote(word, 20)}")
            return
    cert_owner = _owner(function.operands, words)
    if cert_owner is None:
        state.error(
            function.position,
            f"{function.keyword}: say whose certificate it is: ID(userid), SITE or CERTAUTH "
            "inside the parentheses",
        )
        return
    key = (ring_owner, ring_name.value or "")
    if _missing_ring(state, ring_name.position, *key):
        return
    ring, owners = state.rings[key], state.owners[key]
    name = label.value or ""
    if function.keyword == "REMOVE":
        if owners.get(name) != cert_owner:
            state.error(  # (V) IRRD116I, section 1.6
                label.position,
                f"{cert_owner}'s label {quote(name, 40)} is not in ring {quote(key[1], 60)} "
                f"of {ring_owner} (IRRD116I)",
            )
            return
        ring.remove(name)
        del owners[name]
        state.unrefreshed = state.unrefreshed or function.position
        return
    _connect(state, ring, owners, function, label, cert_owner, "DEFAULT" in words)


def _connect(
    state: _State,
    ring: KeyRing,
    owners: dict[str, str],
    function: Operand,
    label: Operand,
    cert_owner: str,
    default: bool,
) -> None:
    name = label.value or ""
    item = state.catalogue.get((cert_owner, name))
    if item is None:
        state.error(
            label.position,
            f"no certificate {quote(name, 40)} of {cert_owner} in the catalogue (labels are "
            "case sensitive); create or add it first",
        )
        return
    written = next((o.value for o in function.operands if o.keyword == "USAGE"), None)
    if written is not None:
        usage = Usage(written.upper())  # check() refuses any other
    else:  # (P) section 1.6: the default is said, and applied, but not verified
        usage = _DEFAULT_USAGE.get(cert_owner, Usage.PERSONAL)
        state.warn(
            function.position,
            f"no USAGE: certkit takes {usage.value}, the certificate owner's kind, as RACF is "
            f"said to (not verified); write USAGE({usage.value}) to be sure",
        )
    before = next((e.label for e in ring if e.default), None)
    try:
        ring.connect(item, label=name, usage=usage, default=default)
    except InputError as exc:
        state.error(label.position, one_line(str(exc), 200))
        return
    owners[name] = cert_owner
    state.unrefreshed = state.unrefreshed or function.position
    if default and before is not None:  # (V for Top Secret, P for RACF) section 1.6
        state.warn(
            function.position,
            f"DEFAULT moves from {quote(before, 40)} to {quote(name, 40)}: a ring has one "
            "DEFAULT certificate",
        )


def catalogue_for_lab(
    pki: LabPKI,
    *,
    server_user: str = RING_OWNER,
    client_user: str | None = None,
    cas: Mapping[str, Issued | x509.Certificate] | None = None,
) -> dict[tuple[str, str], Issued | x509.Certificate]:
    """The lab PKI as RACF holds it, under the labels and owners certkit's commands use.

    The root and the intermediate CA are CERTAUTH's, under
    [`ROOT_CA_LABEL`][certkit.defaults.ROOT_CA_LABEL] and
    [`INTERMEDIATE_CA_LABEL`][certkit.defaults.INTERMEDIATE_CA_LABEL]; the server's
    certificate is ``server_user``'s under [`SERVER_LABEL`][certkit.defaults.SERVER_LABEL];
    the client's, with ``client_user``, that user's under
    [`CLIENT_LABEL`][certkit.defaults.CLIENT_LABEL].

    Args:
        pki: The lab PKI.
        server_user: The user ID that owns the server's certificate (and its ring).
        client_user: The user ID that owns the client's certificate; ``None``: not in RACF.
        cas: More CA certificates, CERTAUTH's, by label (a distributed clients' CA, say).

    Returns:
        The catalogue.

    Raises:
        InputError: If a user ID is not 1 to 8 of A-Z 0-9 $ # @.

    Examples:
        >>> from certkit.certificates.pki import Lab
        >>> catalogue = catalogue_for_lab(Lab(seed="rings").pki(), server_user="zcsrv1")
        >>> for owner, label in sorted(catalogue):
        ...     print(owner, label)
        CERTAUTH Lab Intermediate CA
        CERTAUTH Lab Root CA
        ZCSRV1 Liberty server
    """
    catalogue: dict[tuple[str, str], Issued | x509.Certificate] = {
        ("CERTAUTH", ROOT_CA_LABEL): pki.root,
        ("CERTAUTH", INTERMEDIATE_CA_LABEL): pki.intermediate,
        (_user_id(server_user), SERVER_LABEL): pki.server,
    }
    if client_user is not None:
        catalogue[(_user_id(client_user), CLIENT_LABEL)] = pki.client
    for label, ca in (cas or {}).items():
        catalogue[("CERTAUTH", label)] = ca
    return catalogue


def _user_id(value: str) -> str:
    upper = value.upper()
    if not _USER_ID.fullmatch(upper):
        raise InputError(f"user ID {quote(value, 20)}: give 1 to 8 of A-Z 0-9 $ # @")
    return upper


# -- what the commands do to a handshake ---------------------------------------------------------


_SSL_SOURCE = re.compile(r" \(_ssl\.c:\d+\)$")


@dataclass(frozen=True)
class Outcome:
    """One case of [`equivalence`][certkit.zos.rings.equivalence]: what was set up, what happened.

    Attributes:
        case: What the ring (or the client) was like.
        recording: The real handshake, as [`run`][certkit.tls.handshake.run] recorded it.
    """

    case: str
    recording: Recording

    def __str__(self) -> str:
        """The case and its result in one line: who rejected whom, the alert, and why."""
        recording = self.recording
        if recording.ok:
            return f"{self.case}: the mutual handshake succeeds"
        alert = next((a for a in recording.alerts if a.level == "fatal"), None)
        if alert is None:
            error = recording.client_error or recording.server_error
            return f"{self.case}: the handshake fails ({_SSL_SOURCE.sub('', error or '')})"
        other = "client" if alert.sender == "server" else "server"
        error = recording.server_error if alert.sender == "server" else recording.client_error
        why = _SSL_SOURCE.sub("", (error or "").partition("certificate verify failed: ")[2])
        because = f": {why}" if why else ""
        return f"{self.case}: the {alert.sender} rejects the {other} ({alert.description}{because})"


def equivalence(
    lab: Lab,
    *,
    owner: str = RING_OWNER,
    ring: str = RING_NAME,
    hostname: str = "localhost",
) -> list[Outcome]:
    """What the ring commands do, shown by real handshakes between a client and the ring.

    The lab issues its PKI for ``hostname``, a clients' CA of its own (a root, as a
    distributed site's CA would be) and a client certificate from it. The server's ring
    commands ([`ring_commands`][certkit.zos.racf.ring_commands]: the lab's CAs and the clients'
    CA connected as CERTAUTH, the server's certificate PERSONAL and DEFAULT) are applied with
    [`apply`][certkit.zos.rings.apply], and the ring that results serves, requiring a client
    certificate, a client that trusts the lab's root. Four cases:

    1. the commands as written: the handshake succeeds;
    2. with the clients' CA removed (``RACDCERT ... REMOVE``): the server rejects the client;
    3. with a server certificate made without ``ALTNAME`` (a subject CN of ``hostname`` and no
       subjectAltName), for a client that ignores the CN, as browsers do: the client rejects
       the server;
    4. the same certificate, for a client that falls back to the CN, as Python, curl and
       Java do: it is accepted.

    Args:
        lab: The lab. OpenSSL checks validity against the real clock: give a lab whose clock
            is now.
        owner: The ring owner, who also owns the server's certificate.
        ring: The ring's name.
        hostname: The name the client connects to, in the server certificate.

    Returns:
        The four outcomes; ``str()`` of each is a line.

    Raises:
        InputError: If the owner, ring or host name cannot be used.

    Examples:
        >>> import datetime as dt
        >>> import textwrap
        >>> from certkit.certificates.pki import Lab
        >>> lab = Lab(seed="rings", now=dt.datetime.now(dt.UTC))
        >>> for outcome in equivalence(lab, owner="ZCSRV1", ring="ZCEE.Ring"):
        ...     print(textwrap.fill(str(outcome), 76, subsequent_indent="  "))
        client CA connected as CERTAUTH: the mutual handshake succeeds
        client CA removed: the server rejects the client (unknown_ca: unable to get
          local issuer certificate)
        server certificate without ALTNAME, client ignoring the CN: the client
          rejects the server (bad_certificate: Hostname mismatch, certificate is not
          valid for 'localhost'.)
        server certificate without ALTNAME, client falling back to the CN: the
          mutual handshake succeeds
    """
    options = Options(client_auth="required", server_hostname=hostname)
    pki = lab.pki((hostname,))
    client_ca = lab.root_ca("certkit Lab Client CA", label="rings:client-ca")
    client = lab.client(client_ca, "certkit lab client", label="rings:client")
    model = KeyRing.for_lab(pki, name=ring, owner=owner)
    model.connect(client_ca, label=CLIENT_CA_LABEL, usage=Usage.CERTAUTH)
    commands = ring_commands(model)
    owner = model.owner.upper()
    removal = (
        f"RACDCERT ID({owner}) REMOVE(CERTAUTH LABEL({quoted(CLIENT_CA_LABEL)}) RING({ring}))",
        "SETROPTS RACLIST(DIGTRING) REFRESH",
    )
    without_san = lab.server(
        pki.intermediate,
        [hostname],
        omit=[x509.SubjectAlternativeName],
        label="rings:server-without-altname",
    )
    cas = {CLIENT_CA_LABEL: client_ca}
    laptop = KeyRing("Client.Ring", owner="CLIENT")
    laptop.connect(pki.root, label=ROOT_CA_LABEL, usage=Usage.CERTAUTH)
    laptop.connect(client, label=CLIENT_LABEL, default=True)

    def handshake(case: str, lines: Sequence[str], server_pki: LabPKI, cn: bool) -> Outcome:
        catalogue = catalogue_for_lab(server_pki, server_user=owner, cas=cas)
        applied = apply(lines, catalogue)
        server = ssl_context(applied.ring(owner, ring), server_side=True, client_auth="required")
        client_context = ssl_context(laptop, server_side=False)
        client_context.hostname_checks_common_name = cn
        return Outcome(case, run(client_context, server, options))

    no_altname = dataclasses.replace(pki, server=without_san)
    return [
        handshake("client CA connected as CERTAUTH", commands, pki, False),
        handshake("client CA removed", [*commands, *removal], pki, False),
        handshake("server certificate without ALTNAME, client ignoring the CN", commands,
                  no_altname, False),
        handshake("server certificate without ALTNAME, client falling back to the CN",
                  commands, no_altname, True),
    ]  # fmt: skip
