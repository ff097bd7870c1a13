"""Render a handshake recording as curl, JSSE, corrected steps or a Mermaid diagram.

Every function here takes a [`Recording`][certkit.handshake.Recording] (from
[`run`][certkit.handshake.run], or from the server side with [`Server`][certkit.serve.Server])
and prints it the way a TLS administrator meets it elsewhere:

* [`curl_trace`][certkit.render.curl_trace]: the lines ``curl -v`` prints (OpenSSL builds),
  version labels and quirks included;
* [`jsse_summary`][certkit.render.jsse_summary]: the "Produced ... / Consuming ..." lines of a
  Java ``-Djavax.net.debug=ssl:handshake`` log, for either side;
* [`steps`][certkit.render.steps] and [`steps_text`][certkit.render.steps_text]: each message
  with the correct statement, the RFC sections and the step of the course deck it corrects;
* [`mermaid`][certkit.render.mermaid]: a sequence diagram in the notation of the RFC figures.

Examples:
    >>> from certkit.handshake import Options, contexts, lab_pki, run
    >>> from certkit.render import curl_trace
    >>> options = Options(tls="1.2")
    >>> recording = run(*contexts(lab_pki(), options), options)
    >>> print(curl_trace(recording, details=False))
    * TLSv1.2 (OUT), TLS handshake, Client hello (1):
    * TLSv1.2 (IN), TLS handshake, Server hello (2):
    * TLSv1.2 (IN), TLS handshake, Certificate (11):
    * TLSv1.2 (IN), TLS handshake, Server key exchange (12):
    * TLSv1.2 (IN), TLS handshake, Server finished (14):
    * TLSv1.2 (OUT), TLS handshake, Client key exchange (16):
    * TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):
    * TLSv1.2 (OUT), TLS handshake, Finished (20):
    * TLSv1.2 (IN), TLS handshake, Newsession Ticket (4):
    * TLSv1.2 (IN), TLS handshake, Finished (20):
    * SSL connection using TLSv1.2 / ECDHE-ECDSA-AES256-GCM-SHA384
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import textwrap
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from cryptography import x509

from certkit.errors import InputError
from certkit.handshake import Alert, Message, Recording, _certificates

__all__ = [
    "CURL_ALERT_NAMES",
    "CURL_MESSAGE_NAMES",
    "Correction",
    "Step",
    "curl_trace",
    "deck",
    "jsse_summary",
    "mermaid",
    "steps",
    "steps_text",
]

Side = Literal["client", "server"]

CURL_MESSAGE_NAMES = {
    0: "Hello request",
    1: "Client hello",
    2: "Server hello",
    4: "Newsession Ticket",
    5: "End of early data",
    8: "Encrypted Extensions",
    11: "Certificate",
    12: "Server key exchange",
    13: "Request CERT",
    14: "Server finished",
    15: "CERT verify",
    16: "Client key exchange",
    20: "Finished",
    22: "Certificate Status",
    23: "Supplemental data",
    24: "Key update",
    67: "Next protocol",
    254: "Message hash",
}
"""curl's names for handshake message types (``ssl_msg_type`` in curl's ``lib/vtls/openssl.c``).

Anything else prints as ``Unknown``. Note ``Server finished`` for ServerHelloDone (14): it is
not the Finished message (20).
"""

CURL_ALERT_NAMES = {
    0: "close notify",
    10: "unexpected_message",
    20: "bad record mac",
    21: "decryption failed",
    22: "record overflow",
    30: "decompression failure",
    40: "handshake failure",
    41: "no certificate",
    42: "bad certificate",
    43: "unsupported certificate",
    44: "certificate revoked",
    45: "certificate expired",
    46: "certificate unknown",
    47: "illegal parameter",
    48: "unknown CA",
    49: "access denied",
    50: "decode error",
    51: "decrypt error",
    60: "export restriction",
    70: "protocol version",
    71: "insufficient security",
    80: "internal error",
    90: "user canceled",
    100: "no renegotiation",
    110: "unsupported extension",
    111: "certificate unobtainable",
    112: "unrecognized name",
    113: "bad certificate status response",
    114: "bad certificate hash value",
    115: "unknown PSK identity",
    120: "no application protocol",
}
"""Alert descriptions as curl prints them: OpenSSL 3.0's ``SSL_alert_desc_string_long``.

OpenSSL 3.0 has no text for the TLS 1.3 alerts ``missing_extension`` (109) and
``certificate_required`` (116), nor for ``inappropriate_fallback`` (86): curl prints
``unknown`` for them.
"""

_HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")

_TITLES = {
    "hello_request": "HelloRequest",
    "client_hello": "ClientHello",
    "server_hello": "ServerHello",
    "hello_retry_request": "HelloRetryRequest",
    "new_session_ticket": "NewSessionTicket",
    "end_of_early_data": "EndOfEarlyData",
    "encrypted_extensions": "EncryptedExtensions",
    "certificate": "Certificate",
    "server_key_exchange": "ServerKeyExchange",
    "certificate_request": "CertificateRequest",
    "server_hello_done": "ServerHelloDone",
    "certificate_verify": "CertificateVerify",
    "client_key_exchange": "ClientKeyExchange",
    "finished": "Finished",
    "key_update": "KeyUpdate",
    "message_hash": "MessageHash",
    "change_cipher_spec": "ChangeCipherSpec",
}

# -- curl ------------------------------------------------------------------------------------


def curl_trace(recording: Recording, *, host: str = "localhost", details: bool = True) -> str:
    """The TLS lines ``curl -v`` prints for this handshake (curl built with OpenSSL).

    Each line is built like curl's ``ossl_trace``:
    ``* <version> (<OUT|IN>), <record type>, <message> (<number>):``, where

    * ``<version>`` is the message's ``label_version``: the version OpenSSL was using to
      interpret that message when it reported it, not a field on the wire. That is why a
      handshake that ends in TLS 1.2 starts with two ``TLSv1.3`` lines when the client offered
      1.3 (curl/curl#3416).
    * ``OUT`` is what the client sent, ``IN`` what it received.
    * the record type is ``TLS handshake``, ``TLS change cipher`` or ``TLS alert``.
    * the message name is curl's own ([`CURL_MESSAGE_NAMES`][certkit.render.CURL_MESSAGE_NAMES]):
      ``Request CERT`` for CertificateRequest, ``CERT verify`` for CertificateVerify,
      ``Newsession Ticket``, and ``Server finished (14)`` for ServerHelloDone, which is not the
      Finished message (20).
    * the number is the handshake type; for ``Change cipher spec (1)`` it is the message's one
      byte, for alerts ``level * 256 + description`` (``unknown CA (560)`` is fatal, 48).

    The server's ChangeCipherSpec never appears (curl/curl#3394): since OpenSSL 1.1.1 a
    *received* ChangeCipherSpec is handled inside the record layer and never reported to the
    message callback curl prints from, so curl shows only its own ``(OUT)`` one. That is curl's
    behaviour, reproduced here, and not a missing message: the recording has it.

    ``* SSL connection using <version> / <cipher>`` comes where curl's handshake call returns:
    after the second Finished (the server's in a full TLS 1.2 handshake, the client's in TLS 1.3
    and in a resumed TLS 1.2 one). Messages after it (TLS 1.3 NewSessionTickets, alerts) follow
    it, as in curl, where they show up once curl reads the response.

    Alerts come last: the recording does not say where between the messages they were sent.
    Their version label is that of the last message.

    Args:
        recording: The handshake. A server-side recording (from
            [`Server`][certkit.serve.Server]) works too, but its version labels are the
            server's view, which can differ from a client's for the first messages.
        host: The host name curl connected to, for the ``subjectAltName`` line.
        details: Add what curl prints after ``SSL connection using``: the ALPN result and the
            server certificate block. curl's other lines (connecting, CA file, HTTP) are left
            out.

    Returns:
        The lines, joined with newlines.
    """
    lines: list[str] = []
    done_at = _client_done_index(recording.messages)
    version = _version(recording)
    # Python reports no version once a TLS 1.3 connection has failed after the handshake (the
    # server rejected the client certificate): the ServerHello still says what was agreed.
    connected = version is not None and recording.cipher is not None
    if done_at is None and recording.version is None:
        connected = False
    for index, message in enumerate(recording.messages):
        if not (message.name == "change_cipher_spec" and message.sender == "server"):
            lines.append(_curl_message_line(message))
        if index == done_at and connected:
            lines.extend(_curl_connected(recording, version, host, details))
    if connected and done_at is None:
        lines.extend(_curl_connected(recording, version, host, details))
    label = recording.messages[-1].label_version if recording.messages else "TLSv1.2"
    for alert in recording.alerts:
        lines.append(_curl_alert_line(alert, label))
    return "\n".join(lines)


def _signed_char(value: int) -> int:
    # curl reads the type as `*(char *)buf`: a signed char on the usual platforms.
    return value - 256 if value >= 128 else value


def _curl_message_line(message: Message) -> str:
    direction = "OUT" if message.sender == "client" else "IN"
    if message.name == "change_cipher_spec":
        number = _signed_char(message.data[0]) if message.data else 1
        what = "TLS change cipher, Change cipher spec"
        return f"* {message.label_version} ({direction}), {what} ({number}):"
    kind = message.type if message.type is not None else -1
    name = CURL_MESSAGE_NAMES.get(kind, "Unknown")
    return f"* {message.label_version} ({direction}), TLS handshake, {name} ({_signed_char(kind)}):"


def _curl_alert_line(alert: Alert, label: str) -> str:
    direction = "OUT" if alert.sender == "client" else "IN"
    level = 2 if alert.level == "fatal" else 1
    name = CURL_ALERT_NAMES.get(alert.code, "unknown")
    return f"* {label} ({direction}), TLS alert, {name} ({level * 256 + alert.code}):"


def _client_done_index(messages: list[Message]) -> int | None:
    finished = [i for i, m in enumerate(messages) if m.name == "finished"]
    return finished[1] if len(finished) >= 2 else None


def _curl_connected(
    recording: Recording, version: str | None, host: str, details: bool
) -> list[str]:
    lines = [f"* SSL connection using {version} / {recording.cipher}"]
    if not details:
        return lines
    if recording.alpn:
        lines.append(f"* ALPN: server accepted {recording.alpn}")
    else:
        lines.append("* ALPN: server did not agree on a protocol. Uses default.")
    chain = recording.server_chain or _server_chain(recording, version)
    if chain:
        lines.extend(_curl_certificate(chain[0], host))
    return lines


def _server_chain(recording: Recording, version: str | None) -> list[x509.Certificate]:
    # A TLS 1.3 connection that failed after the handshake has no version in the recording,
    # and so no parsed chain: parse the server's Certificate message with the right layout.
    for message in recording.messages:
        if message.name == "certificate" and message.sender == "server":
            return _certificates(message.data[4:], tls13=version == "TLSv1.3")
    return []


def _curl_certificate(certificate: x509.Certificate, host: str) -> list[str]:
    return [
        "* Server certificate:",
        f"*  subject: {_curl_name(certificate.subject)}",
        f"*  start date: {_curl_time(certificate.not_valid_before_utc)}",
        f"*  expire date: {_curl_time(certificate.not_valid_after_utc)}",
        f"*  {_curl_san(certificate, host)}",
        f"*  issuer: {_curl_name(certificate.issuer)}",
        "*  SSL certificate verify ok.",
    ]


def _curl_name(name: x509.Name) -> str:
    # OpenSSL's X509_NAME_print_ex with XN_FLAG_SEP_SPLUS_SPC (what curl uses): attributes in
    # stored order, "; " between them.
    return "; ".join(
        attribute.rfc4514_string().replace("\\", "") for rdn in name.rdns for attribute in rdn
    )


def _curl_time(value: dt.datetime) -> str:
    return value.strftime(f"%b {value.day:2d} %H:%M:%S %Y GMT")


def _curl_san(certificate: x509.Certificate, host: str) -> str:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return f'subjectAltName does not match "{host}"'
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address in san.get_values_for_type(x509.IPAddress):
            return f'subjectAltName: host "{host}" matched cert\'s IP address!'
    else:
        for name in san.get_values_for_type(x509.DNSName):
            if _dns_match(name, host):
                return f'subjectAltName: host "{host}" matched cert\'s "{name}"'
    return f'subjectAltName does not match "{host}"'


def _dns_match(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host


# -- JSSE ------------------------------------------------------------------------------------


def jsse_summary(recording: Recording, side: Side = "server") -> str:
    """A ``-Djavax.net.debug=ssl:handshake`` style summary of the handshake, from one side.

    The lines are those JSSE logs as it produces and consumes each message, spelled as OpenJDK
    17's SunJSSE spells them (checked against a real Java 17 client and server); the deck's
    IBM JSSE excerpt uses the same lines:

        Consuming ClientHello handshake message
        Consumed extension: supported_versions
        Negotiated protocol version: TLSv1.2
        Produced ServerHello handshake message
        Produced server Certificate handshake message
        Produced ECDH ServerKeyExchange handshake message

    What differs from a real JSSE log:

    * Only the message lines are kept. JSSE prefixes each with
      ``javax.net.ssl|DEBUG|thread|time|Class.java:line|``, prints the message body as JSON
      after it, and logs dozens of other lines (every extension, key manager choices, provider
      probes such as IBM's ``Using ... via init``, ``Session not resumed.``); of those only
      ``Consumed extension: supported_versions`` and ``Negotiated protocol version`` are kept,
      once per hello (JSSE logs the extension line again while it builds its answer).
    * The messages are the ones OpenSSL exchanged. A JSSE peer may differ: a JDK 17 server
      sends no TLS 1.2 NewSessionTicket by default, an OpenSSL server does.
    * JSSE's spelling varies with the version and the message, and is reproduced: in TLS 1.3
      "Produced EncryptedExtensions message", "Produced server Certificate message" and
      "Produced CertificateRequest message" lack the word "handshake"; TLS 1.2 tickets are
      "Consuming NewSessionTicket" with nothing after it.
    * ChangeCipherSpec: JSSE logs the ones it consumes in both versions, and the one it
      produces only in TLS 1.2 (its TLS 1.3 compatibility CCS goes unlogged); the same here.
    * Alerts come last, since the recording does not place them among the messages. A received
      alert gives ``Received alert message (fatal unknown_ca)``, where JSSE prints
      ``Received alert message (`` and a JSON block; a fatal alert this side sent gives
      ``Fatal (UNKNOWN_CA)``, where JSSE adds its own diagnostic text. Sent warnings
      (close_notify) are not logged at this level. Which alert a failure produces is the
      implementation's choice: for an untrusted client certificate IBM JSSE sends
      bad_certificate where OpenSSL sends unknown_ca.

    Args:
        recording: The handshake.
        side: Whose log to write: ``server`` (as in the deck) or ``client``.

    Returns:
        The lines, joined with newlines.

    Raises:
        InputError: If ``side`` is neither ``client`` nor ``server``.
    """
    if side not in ("client", "server"):
        raise InputError(f"side {side!r}: use client or server")
    negotiated = _version(recording)
    tls13 = negotiated == "TLSv1.3"
    kx = _key_exchange(recording.cipher)
    lines: list[str] = []
    for message in recording.messages:
        produced = message.sender == side
        line = _jsse_line(message, produced, tls13=tls13, kx=kx)
        if line is not None:
            lines.append(line)
        if message.name == "client_hello" and side == "server" and not produced:
            if 0x002B in _hello_extensions(message):
                lines.append("Consumed extension: supported_versions")
            if negotiated:
                lines.append(f"Negotiated protocol version: {negotiated}")
        if (
            message.name == "server_hello"
            and side == "client"
            and not produced
            and not _is_hrr(message)
        ):
            if tls13:
                lines.append("Consumed extension: supported_versions")
            if negotiated:
                lines.append(f"Negotiated protocol version: {negotiated}")
    for alert in recording.alerts:
        if alert.sender != side:
            lines.append(f"Received alert message ({alert.level} {alert.description})")
        elif alert.level == "fatal":
            lines.append(f"Fatal ({alert.description.upper()})")
    return "\n".join(lines)


def _jsse_line(message: Message, produced: bool, *, tls13: bool, kx: str | None) -> str | None:
    verb = "Produced" if produced else "Consuming"
    who = message.sender
    name = message.name
    if name == "change_cipher_spec":
        if produced and tls13:
            return None
        return f"{verb} ChangeCipherSpec message"
    if name == "server_hello" and _is_hrr(message):
        return f"{verb} HelloRetryRequest handshake message"
    if name == "certificate":
        if produced and tls13:
            return f"Produced {who} Certificate message"
        return f"{verb} {who} Certificate handshake message"
    if name == "certificate_verify":
        if produced and tls13:
            return f"Produced {who} CertificateVerify handshake message"
        return f"{verb} CertificateVerify handshake message"
    if name == "finished":
        return f"{verb} {who} Finished handshake message"
    if name == "encrypted_extensions" and produced:
        return "Produced EncryptedExtensions message"
    if name == "certificate_request" and produced and tls13:
        return "Produced CertificateRequest message"
    if name == "server_key_exchange":
        return f"{verb} {'DH' if kx == 'dhe' else 'ECDH'} ServerKeyExchange handshake message"
    if name == "client_key_exchange":
        kind = {"dhe": "DH", "rsa": "RSA"}.get(kx or "", "ECDHE")
        return f"{verb} {kind} ClientKeyExchange handshake message"
    if name == "new_session_ticket":
        if produced:
            post = "post-handshake " if tls13 else "handshake "
            return f"Produced NewSessionTicket stateless {post}message"
        return "Consuming NewSessionTicket message" if tls13 else "Consuming NewSessionTicket"
    if name == "key_update":
        return f"{verb} KeyUpdate post-handshake message"
    title = _TITLES.get(name, name)
    return f"{verb} {title} handshake message"


def _key_exchange(cipher: str | None) -> str | None:
    if not cipher or cipher.startswith("TLS_"):
        return None
    if cipher.startswith(("ECDHE-", "ECDH-")):
        return "ecdhe"
    if cipher.startswith(("DHE-", "EDH-")):
        return "dhe"
    return "rsa"


def _version(recording: Recording) -> str | None:
    """The negotiated version; for a failed handshake, what the ServerHello chose."""
    if recording.version:
        return recording.version
    for message in recording.messages:
        if message.name == "server_hello" and not _is_hrr(message):
            return "TLSv1.3" if 0x002B in _hello_extensions(message) else "TLSv1.2"
    return None


def _hello_extensions(message: Message) -> list[int]:
    """The extension types of a ClientHello or ServerHello, in order."""
    body = message.data[4:]
    try:
        pos = 2 + 32
        pos += 1 + body[pos]  # session id
        if message.name == "client_hello":
            pos += 2 + int.from_bytes(body[pos : pos + 2], "big")  # cipher suites
            pos += 1 + body[pos]  # compression methods
        else:
            pos += 3  # cipher suite, compression method
        end = pos + 2 + int.from_bytes(body[pos : pos + 2], "big")
        pos += 2
        found = []
        while pos + 4 <= end:
            found.append(int.from_bytes(body[pos : pos + 2], "big"))
            pos += 4 + int.from_bytes(body[pos + 2 : pos + 4], "big")
        return found
    except IndexError:
        return []


def _encrypted(message: Message, *, tls13: bool) -> bool:
    # In TLS 1.3 a ChangeCipherSpec changes nothing: the hellos after a HelloRetryRequest
    # travel in clear even though a (dummy) CCS came before them.
    if tls13 and message.name in ("client_hello", "server_hello"):
        return False
    return message.encrypted


def _is_hrr(message: Message) -> bool:
    return message.name == "server_hello" and message.data[6:38] == _HRR_RANDOM


# -- corrected steps -------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A step of the course deck's 15-step handshake, and what certkit says of it.

    Attributes:
        step: The deck's step number, 1 to 15.
        says: What the deck says (paraphrased).
        verdict: ``OK``, ``Incomplete``, ``RSA-only``, ``Wrong``, ``Outdated`` or ``Missing``
            (the deck leaves this out), possibly more than one.
        note: A qualification of the verdict, or an empty string.
    """

    step: int
    says: str
    verdict: tuple[str, ...]
    note: str = ""

    @property
    def verdict_text(self) -> str:
        """The verdicts joined, with the note: ``Wrong (partly right; ...)``."""
        text = ", ".join(self.verdict)
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class Step:
    """One message of a recording, with the correct statement about it.

    Attributes:
        number: The step's position, from 1.
        sender: Who sent the message.
        name: The message name (``server_key_exchange``), ``hello_retry_request`` or
            ``alert``.
        title: The RFC spelling: ``ServerKeyExchange``.
        encrypted: Whether the message travelled encrypted.
        statement: What really happens, in the negotiated version.
        rfc: The RFC sections that say so.
        corrections: The deck steps this message corrects, with their verdicts.
        message: The recorded message (``None`` for an alert).
        alert: The recorded alert, for an alert step.
    """

    number: int
    sender: Side
    name: str
    title: str
    encrypted: bool
    statement: str
    rfc: tuple[str, ...]
    corrections: tuple[Correction, ...]
    message: Message | None = None
    alert: Alert | None = None


@cache
def _data() -> dict[str, Any]:
    text = resources.files("certkit").joinpath("data/handshake_steps.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def deck() -> list[Correction]:
    """The course deck's 15 steps with their verdicts, in order.

    Examples:
        >>> from certkit.render import deck
        >>> step = deck()[3]
        >>> step.step, step.verdict_text
        (4, 'Wrong, Outdated')
    """
    return [
        Correction(d["step"], d["says"], tuple(d["verdict"]), d.get("note", ""))
        for d in _data()["deck"]
    ]


def _entry(name: str, sender: str, version: str, kx: str | None) -> dict[str, Any] | None:
    best: tuple[int, dict[str, Any]] | None = None
    for entry in _data()["messages"]:
        if entry["name"] != name:
            continue
        if entry["sender"] not in (sender, "any") or entry["version"] not in (version, "any"):
            continue
        if "kx" in entry and entry["kx"] != kx:
            continue
        score = (entry["sender"] == sender) + (entry["version"] == version) + ("kx" in entry)
        if best is None or score > best[0]:
            best = (score, entry)
    return best[1] if best else None


def _corrections(entry: dict[str, Any]) -> tuple[Correction, ...]:
    table = {c.step: c for c in deck()}
    found = []
    for ref in entry["deck"]:
        if isinstance(ref, int):
            found.append(table[ref])
        else:
            base = table[ref["step"]]
            found.append(Correction(base.step, base.says, tuple(ref["verdict"]), ""))
    return tuple(found)


def steps(recording: Recording) -> list[Step]:
    """Each message (and alert) of the recording with the correct statement about it.

    The statements, RFC sections and deck verdicts come from certkit's data file
    ``handshake_steps.json``, chosen by message, sender, negotiated version and (for the TLS
    1.2 key exchange messages) the key exchange of the cipher suite: the ClientKeyExchange of
    an ECDHE suite gets the ECDHE statement, that of a static-RSA suite the RSA one.

    Args:
        recording: The handshake.

    Returns:
        One step per message, then one per alert.

    Examples:
        >>> from certkit.handshake import Options, contexts, lab_pki, run
        >>> from certkit.render import steps
        >>> options = Options(tls="1.2")
        >>> recording = run(*contexts(lab_pki(), options), options)
        >>> step = next(s for s in steps(recording) if s.title == "ServerKeyExchange")
        >>> [(c.step, c.verdict_text) for c in step.corrections]
        [(4, 'Wrong, Outdated'), (7, 'OK, Incomplete')]
        >>> step.rfc[0]
        'RFC 5246 §7.4.3'
    """
    tls13 = _version(recording) == "TLSv1.3"
    version = "1.3" if tls13 else "1.2"
    kx = _key_exchange(recording.cipher)
    notes = _data()["notes"]
    found: list[Step] = []
    for message in recording.messages:
        name = "hello_retry_request" if _is_hrr(message) else message.name
        entry = _entry(name, message.sender, version, kx)
        title = _TITLES.get(name, name)
        statement, rfc, corrections = "", tuple[str, ...](), tuple[Correction, ...]()
        if entry is not None:
            statement = entry["statement"]
            rfc, corrections = tuple(entry["rfc"]), _corrections(entry)
            title = entry["title"]
        if name == "server_hello" and recording.resumed:
            statement = f"{statement} {notes['resumed']}".strip()
        if name == "certificate" and message.sender == "client" and _empty_certificate(message):
            statement = f"{notes['empty_certificate']} {statement}".strip()
        found.append(
            Step(
                len(found) + 1,
                message.sender,
                name,
                title,
                _encrypted(message, tls13=tls13),
                statement,
                rfc,
                corrections,
                message=message,
            )
        )
    for alert in recording.alerts:
        entry = _entry("alert", alert.sender, version, None)
        assert entry is not None
        extra = _data()["alerts"].get(alert.description, "")
        found.append(
            Step(
                len(found) + 1,
                alert.sender,
                "alert",
                f"Alert ({alert.level} {alert.description})",
                False,
                f"{extra} {entry['statement']}".strip(),
                tuple(entry["rfc"]),
                (),
                alert=alert,
            )
        )
    return found


def _empty_certificate(message: Message) -> bool:
    body = message.data[4:]
    if len(body) == 3:  # TLS 1.2: an empty certificate_list
        return body == b"\x00\x00\x00"
    return len(body) >= 4 and len(body) == 1 + body[0] + 3 and body[-3:] == b"\x00\x00\x00"


def steps_text(recording: Recording, *, width: int = 100) -> str:
    """The steps as text: one paragraph per message, with the deck steps it corrects.

    Args:
        recording: The handshake.
        width: The line width to wrap to.

    Returns:
        The text.

    Examples:
        >>> from certkit.handshake import Options, contexts, lab_pki, run
        >>> from certkit.render import steps_text
        >>> options = Options(tls="1.2")
        >>> recording = run(*contexts(lab_pki(), options), options)
        >>> print(steps_text(recording).splitlines()[0])
        1. ClientHello, client -> server
    """
    paragraphs = []
    indent = "   "
    for step in steps(recording):
        receiver = "server" if step.sender == "client" else "client"
        encrypted = ", encrypted" if step.encrypted else ""
        lines = [f"{step.number}. {step.title}, {step.sender} -> {receiver}{encrypted}"]
        for correction in step.corrections:
            lines += textwrap.wrap(
                f"Deck step {correction.step} ({correction.verdict_text}): {correction.says}",
                width,
                initial_indent=indent,
                subsequent_indent=indent + "  ",
            )
        if step.statement:
            lines += textwrap.wrap(
                step.statement, width, initial_indent=indent, subsequent_indent=indent
            )
        if step.rfc:
            lines += textwrap.wrap(
                ", ".join(step.rfc), width, initial_indent=indent, subsequent_indent=indent
            )
        paragraphs.append("\n".join(lines))
    outcome = (
        f"Negotiated {recording.version} with {recording.cipher}."
        if recording.ok
        else "The handshake failed."
    )
    return "\n\n".join([*paragraphs, outcome])


# -- Mermaid ---------------------------------------------------------------------------------


def mermaid(recording: Recording) -> str:
    r"""A Mermaid sequence diagram of the handshake, one arrow per message.

    The notation follows the RFC figures. Encrypted messages are in braces, ``{Certificate}``;
    in TLS 1.3 those sent under the application traffic keys (after the sender's Finished, such
    as NewSessionTicket) are in square brackets, ``[NewSessionTicket]``, as in RFC 8446. A TLS
    1.2 ChangeCipherSpec is ``[ChangeCipherSpec]`` as in RFC 5246; TLS 1.3's is labelled as the
    compatibility dummy it is. A note marks where each side starts encrypting. Alerts come last,
    as crossed arrows (``alert: unknown_ca``) for fatal ones.

    Args:
        recording: The handshake.

    Returns:
        The diagram source, starting with ``sequenceDiagram``.

    Examples:
        >>> from certkit.handshake import Options, contexts, lab_pki, run
        >>> from certkit.render import mermaid
        >>> options = Options(tls="1.3")
        >>> recording = run(*contexts(lab_pki(), options), options)
        >>> print("\n".join(mermaid(recording).splitlines()[:7]))
        sequenceDiagram
            participant Client
            participant Server
            Client->>Server: ClientHello
            Server->>Client: ServerHello
            Server->>Client: ChangeCipherSpec (compatibility, ignored)
            Note over Server: the server encrypts from here
    """
    tls13 = _version(recording) == "TLSv1.3"
    lines = ["sequenceDiagram", "    participant Client", "    participant Server"]
    encrypting: set[str] = set()
    finished: set[str] = set()
    for message in recording.messages:
        source, target = _participants(message.sender)
        label = _TITLES.get(message.name, message.name)
        if _is_hrr(message):
            label = "HelloRetryRequest"
        if message.name == "change_cipher_spec":
            label = "ChangeCipherSpec (compatibility, ignored)" if tls13 else "[ChangeCipherSpec]"
        elif _encrypted(message, tls13=tls13):
            if message.sender not in encrypting:
                encrypting.add(message.sender)
                lines.append(f"    Note over {source}: the {message.sender} encrypts from here")
            application = tls13 and message.sender in finished
            label = f"[{label}]" if application else f"{{{label}}}"
        if message.name == "finished":
            finished.add(message.sender)
        lines.append(f"    {source}->>{target}: {_mermaid_text(label)}")
    for alert in recording.alerts:
        source, target = _participants(alert.sender)
        arrow = "-x" if alert.level == "fatal" else "-->>"
        lines.append(f"    {source}{arrow}{target}: {_mermaid_text('alert: ' + alert.description)}")
    if not recording.ok:
        lines.append("    Note over Client,Server: the handshake failed")
    return "\n".join(lines)


def _participants(sender: str) -> tuple[str, str]:
    return ("Client", "Server") if sender == "client" else ("Server", "Client")


def _mermaid_text(text: str) -> str:
    # Mermaid ends a message at ';' or a newline and reads '#' as an entity; none may appear.
    return "".join(" " if ch in ";#\n\r" else ch for ch in text).strip()
