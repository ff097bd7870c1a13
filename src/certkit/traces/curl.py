"""The lines ``curl -v`` prints for a handshake (curl built with OpenSSL)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Sequence

from cryptography import x509

from certkit.tls.recording import Recording
from certkit.tls.wire import Alert, Message

__all__ = ["CURL_ALERT_NAMES", "CURL_MESSAGE_NAMES", "curl_trace"]

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
    * the message name is curl's own
      ([`CURL_MESSAGE_NAMES`][certkit.traces.curl.CURL_MESSAGE_NAMES]):
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
            [`Server`][certkit.tls.serve.Server]) works too, but its version labels are the
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
    version = recording.negotiated_version
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


def _client_done_index(messages: Sequence[Message]) -> int | None:
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
    chain = recording.server_chain
    if chain:
        lines.extend(_curl_certificate(chain[0], host))
    return lines


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
