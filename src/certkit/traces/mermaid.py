"""A Mermaid sequence diagram of a handshake, in the notation of the RFC figures."""

from __future__ import annotations

from certkit.tls.recording import Recording

__all__ = ["mermaid"]


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
        >>> from certkit.tls.handshake import Options, contexts, lab_pki, run
        >>> from certkit.traces.mermaid import mermaid
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
    tls13 = recording.negotiated_version == "TLSv1.3"
    lines = ["sequenceDiagram", "    participant Client", "    participant Server"]
    encrypting: set[str] = set()
    finished: set[str] = set()
    for message in recording.messages:
        source, target = _participants(message.sender)
        label = message.title
        if message.name == "change_cipher_spec":
            label = "ChangeCipherSpec (compatibility, ignored)" if tls13 else "[ChangeCipherSpec]"
        elif message.encrypted:
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
