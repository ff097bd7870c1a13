"""The message lines of a Java ``-Djavax.net.debug=ssl:handshake`` log."""

from __future__ import annotations

from certkit.errors import InputError
from certkit.tls.recording import Recording
from certkit.tls.wire import Message, Side, WireError, parse_hello

__all__ = ["jsse_summary"]


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
    negotiated = recording.negotiated_version
    tls13 = negotiated == "TLSv1.3"
    kx = recording.key_exchange
    lines: list[str] = []
    for message in recording.messages:
        produced = message.sender == side
        line = _jsse_line(message, produced, tls13=tls13, kx=kx)
        if line is not None:
            lines.append(line)
        if message.name == "client_hello" and side == "server" and not produced:
            if _offers_supported_versions(message):
                lines.append("Consumed extension: supported_versions")
            if negotiated:
                lines.append(f"Negotiated protocol version: {negotiated}")
        if (
            message.name == "server_hello"
            and side == "client"
            and not produced
            and not message.is_hello_retry_request
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
    if message.is_hello_retry_request:
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
    title = message.title
    return f"{verb} {title} handshake message"


def _offers_supported_versions(hello: Message) -> bool:
    try:
        return parse_hello(hello).extension(0x002B) is not None
    except WireError:
        return False
