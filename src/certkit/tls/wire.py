r"""TLS bytes, framed: the one parser of records and handshake messages in certkit.

Everything that reads TLS bytes goes through here: the recordings of
[`handshake`][certkit.tls.handshake] and [`serve`][certkit.tls.serve], the key schedule's
proof, the traces and the Java interop report. It knows the framing of RFC 5246 and RFC 8446
(records, handshake messages, hellos with their extensions, Certificate messages, alerts) and
the registries' names, and nothing of cryptography: it reads bytes only, so it can run wherever
Python runs (the ``.importlinter`` contract "text-only" holds it to that).

A structure that does not parse raises [`WireError`][certkit.tls.wire.WireError], which says
what was cut short; the readers built on it decide whether that is an error or a fact to show.

Examples:
    >>> from certkit.tls.wire import RecordSplitter, parse_hello, split_handshake
    >>> hello = bytes.fromhex("0303" + "11" * 32 + "00" + "0002c02f" + "0100")
    >>> hello += bytes.fromhex("0006" + "002b00020304")  # supported_versions: 1.3
    >>> record = bytes.fromhex("160301") + (4 + len(hello)).to_bytes(2, "big")
    >>> message = b"\x01" + len(hello).to_bytes(3, "big") + hello
    >>> [r.name for r in RecordSplitter("client").feed(record + message)]
    ['handshake']
    >>> messages, rest = split_handshake(message)
    >>> parsed = parse_hello(messages[0])
    >>> parsed.cipher_suites, [e.name for e in parsed.extensions], rest
    ((49199,), ['supported_versions'], b'')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

from certkit.errors import InputError

__all__ = [
    "ALERTS",
    "CONTENT_TYPES",
    "EXTENSIONS",
    "GROUPS",
    "HANDSHAKE_TYPES",
    "HRR_RANDOM",
    "MESSAGE_TITLES",
    "VERSIONS",
    "Alert",
    "Extension",
    "Hello",
    "Message",
    "Record",
    "RecordSplitter",
    "Side",
    "WireError",
    "alerts_from_records",
    "certificate_list",
    "digitally_signed",
    "extension_list",
    "key_share_group",
    "messages_from_records",
    "other_side",
    "parse_hello",
    "parse_record",
    "server_key_exchange_group",
    "server_key_exchange_params",
    "split_handshake",
    "ticket_lifetime",
]

Side = Literal["client", "server"]
"""Who sent something: the client or the server."""

CONTENT_TYPES = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data"}
"""TLS record content types (RFC 8446 section 5.1; RFC 5246 section 6.2.1)."""

HANDSHAKE_TYPES = {
    0: "hello_request",
    1: "client_hello",
    2: "server_hello",
    4: "new_session_ticket",
    5: "end_of_early_data",
    8: "encrypted_extensions",
    11: "certificate",
    12: "server_key_exchange",
    13: "certificate_request",
    14: "server_hello_done",
    15: "certificate_verify",
    16: "client_key_exchange",
    20: "finished",
    24: "key_update",
    254: "message_hash",
}
"""HandshakeType values of TLS 1.2 (RFC 5246 section 7.4) and 1.3 (RFC 8446 section 4)."""

MESSAGE_TITLES = {
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
"""The RFCs' spelling of each message name (``server_key_exchange``: ``ServerKeyExchange``)."""

ALERTS = {
    0: "close_notify",
    10: "unexpected_message",
    20: "bad_record_mac",
    22: "record_overflow",
    40: "handshake_failure",
    42: "bad_certificate",
    43: "unsupported_certificate",
    44: "certificate_revoked",
    45: "certificate_expired",
    46: "certificate_unknown",
    47: "illegal_parameter",
    48: "unknown_ca",
    49: "access_denied",
    50: "decode_error",
    51: "decrypt_error",
    70: "protocol_version",
    71: "insufficient_security",
    80: "internal_error",
    86: "inappropriate_fallback",
    90: "user_canceled",
    100: "no_renegotiation",
    109: "missing_extension",
    110: "unsupported_extension",
    112: "unrecognized_name",
    113: "bad_certificate_status_response",
    115: "unknown_psk_identity",
    116: "certificate_required",
    120: "no_application_protocol",
}
"""Alert descriptions (RFC 8446 section 6; RFC 5246 section 7.2)."""

GROUPS = {
    0x0017: "secp256r1",
    0x0018: "secp384r1",
    0x0019: "secp521r1",
    0x001D: "x25519",
    0x001E: "x448",
    0x0100: "ffdhe2048",
    0x0101: "ffdhe3072",
    0x0102: "ffdhe4096",
}
"""Named groups (RFC 8446 section 4.2.7)."""

EXTENSIONS = {
    0: "server_name",
    5: "status_request",
    10: "supported_groups",
    11: "ec_point_formats",
    13: "signature_algorithms",
    16: "application_layer_protocol_negotiation",
    22: "encrypt_then_mac",
    23: "extended_master_secret",
    35: "session_ticket",
    41: "pre_shared_key",
    42: "early_data",
    43: "supported_versions",
    45: "psk_key_exchange_modes",
    49: "post_handshake_auth",
    50: "signature_algorithms_cert",
    51: "key_share",
    65281: "renegotiation_info",
}
"""TLS ExtensionType names (IANA TLS ExtensionType Values registry) for the ones seen here."""

VERSIONS = {0x0301: "TLSv1.0", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}
"""Protocol versions as they appear on the wire, with OpenSSL's names."""

HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
"""The ServerHello.random of a HelloRetryRequest: SHA-256 of "HelloRetryRequest" (RFC 8446
section 4.1.3)."""


class WireError(InputError):
    """TLS bytes that do not parse: a length that runs past the end, a field cut short."""


def other_side(side: Side) -> Side:
    """The peer of ``side``."""
    return "server" if side == "client" else "client"


class Record(NamedTuple):
    """One TLS record as it crossed the wire.

    Attributes:
        sender: ``"client"`` or ``"server"``.
        content_type: The record's outer content type (23 for every encrypted TLS 1.3 record).
        version: The legacy version in the record header, e.g. ``"TLSv1.2"``.
        length: The length of the record's payload.
        data: The whole record: 5-byte header and payload.
    """

    sender: Side
    content_type: int
    version: str
    length: int
    data: bytes

    @property
    def name(self) -> str:
        """The content type's name, e.g. ``handshake``."""
        return CONTENT_TYPES.get(self.content_type, f"unknown({self.content_type})")

    @property
    def payload(self) -> bytes:
        """The record's payload, without the 5-byte header."""
        return self.data[5:]


class Message(NamedTuple):
    """One handshake message (or ChangeCipherSpec), in order.

    Attributes:
        number: 1 for the first message of the connection.
        sender: ``"client"`` or ``"server"``.
        type: The HandshakeType (``None`` for ChangeCipherSpec, which is not a handshake message).
        name: E.g. ``client_hello``, or ``change_cipher_spec``.
        length: The message body's length (without the 4-byte header).
        encrypted: Whether the record carrying it was encrypted.
        label_version: The version OpenSSL was using to interpret the message when it passed it
            to the callback: what ``curl -v`` prints in front of each line. Not a wire field.
        data: The message as hashed into the transcript: header and body (the 1-byte payload
            for ChangeCipherSpec).
    """

    number: int
    sender: Side
    type: int | None
    name: str
    length: int
    encrypted: bool
    label_version: str
    data: bytes

    @property
    def body(self) -> bytes:
        """The message body, without the 4-byte handshake header."""
        return self.data[4:]

    @property
    def is_hello_retry_request(self) -> bool:
        """Whether this ServerHello is a HelloRetryRequest (RFC 8446 section 4.1.3)."""
        return self.name == "server_hello" and self.data[6:38] == HRR_RANDOM

    @property
    def title(self) -> str:
        """The RFCs' name: ``ServerKeyExchange``, ``HelloRetryRequest``, ``ChangeCipherSpec``."""
        name = "hello_retry_request" if self.is_hello_retry_request else self.name
        return MESSAGE_TITLES.get(name, name)


class Alert(NamedTuple):
    """An alert sent by one side.

    Attributes:
        sender: Who sent it.
        level: ``warning`` or ``fatal``.
        description: E.g. ``unknown_ca``.
        code: The AlertDescription number.
    """

    sender: Side
    level: str
    description: str
    code: int

    @classmethod
    def parse(cls, sender: Side, payload: bytes) -> Alert:
        """An alert from its two bytes (level, description).

        Raises:
            WireError: If ``payload`` is not two bytes.
        """
        if len(payload) != 2:
            raise WireError(f"an alert is 2 bytes, not {len(payload)}")
        level = {1: "warning", 2: "fatal"}.get(payload[0], str(payload[0]))
        return cls(sender, level, ALERTS.get(payload[1], f"alert({payload[1]})"), payload[1])


class Extension(NamedTuple):
    """One extension of a hello or of EncryptedExtensions: its type and its bytes."""

    type: int
    data: bytes

    @property
    def name(self) -> str:
        """The registry name, e.g. ``key_share`` (``extension(N)`` for one not listed)."""
        return EXTENSIONS.get(self.type, f"extension({self.type})")


@dataclass(frozen=True, slots=True)
class Hello:
    """A ClientHello or ServerHello, parsed (RFC 5246 section 7.4.1; RFC 8446 section 4.1).

    Attributes:
        client: Whether this is a ClientHello.
        legacy_version: The version field, e.g. ``0x0303``.
        random: The 32 random bytes.
        session_id: The (legacy) session id.
        cipher_suites: The suites offered (ClientHello) or the one chosen (ServerHello).
        extensions: The extensions, in order.
    """

    # Deliberate boilerplate: a record's fields, one a line, like every dataclass here.
    client: bool
    legacy_version: int
    random: bytes
    session_id: bytes
    cipher_suites: tuple[int, ...]
    extensions: tuple[Extension, ...]

    def extension(self, kind: int) -> bytes | None:
        """The bytes of the first extension of this type, or ``None``."""
        return next((e.data for e in self.extensions if e.type == kind), None)

    @property
    def is_hello_retry_request(self) -> bool:
        """Whether this ServerHello is a HelloRetryRequest."""
        return not self.client and self.random == HRR_RANDOM


class _Reader:
    """Reads big-endian fields off bytes, raising WireError when they run out."""

    def __init__(self, data: bytes, what: str) -> None:
        self.data, self.pos, self.what = data, 0, what

    def take(self, size: int) -> bytes:
        end = self.pos + size
        if end > len(self.data):
            raise WireError(f"{self.what} is cut short at byte {self.pos} of {len(self.data)}")
        chunk, self.pos = self.data[self.pos : end], end
        return chunk

    def number(self, size: int) -> int:
        return int.from_bytes(self.take(size), "big")

    def vector(self, length_size: int) -> bytes:
        return self.take(self.number(length_size))

    @property
    def left(self) -> int:
        return len(self.data) - self.pos


def _extensions(data: bytes, what: str) -> tuple[Extension, ...]:
    reader = _Reader(data, what)
    found = []
    while reader.left:
        kind = reader.number(2)
        found.append(Extension(kind, reader.vector(2)))
    return tuple(found)


def extension_list(data: bytes) -> tuple[Extension, ...]:
    """The extensions of a 2-byte-length-prefixed extension list (EncryptedExtensions' body).

    Raises:
        WireError: If the list is cut short.
    """
    return _extensions(_Reader(data, "an extension list").vector(2), "an extension list")


def parse_hello(message: Message | bytes) -> Hello:
    """Parse a ClientHello or ServerHello (a recorded message, or its bytes with the header).

    Raises:
        WireError: If the message is not a hello or is cut short.
    """
    data = message.data if isinstance(message, Message) else message
    if data[:1] not in (b"\x01", b"\x02"):
        raise WireError("not a ClientHello or ServerHello")
    client = data[0] == 1
    what = "the ClientHello" if client else "the ServerHello"
    reader = _Reader(data[4:], what)
    version = reader.number(2)
    random = reader.take(32)
    session_id = reader.vector(1)
    if client:
        raw = reader.vector(2)
        suites = tuple(int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2))
        reader.vector(1)  # compression methods
    else:
        suites = (reader.number(2),)
        reader.take(1)  # compression method
    extensions = _extensions(reader.vector(2), what) if reader.left else ()
    return Hello(client, version, random, session_id, suites, extensions)


def key_share_group(server_hello: Message | bytes) -> str | None:
    """The group of a TLS 1.3 ServerHello's key_share, or ``None`` when it has none.

    Raises:
        WireError: If the message does not parse.
    """
    share = parse_hello(server_hello).extension(0x0033)
    if share is None or len(share) < 2:
        return None
    group = int.from_bytes(share[:2], "big")
    return GROUPS.get(group, f"0x{group:04x}")


def server_key_exchange_group(body: bytes) -> str | None:
    """The named group of a TLS 1.2 ECDHE ServerKeyExchange body (RFC 8422 section 5.4)."""
    if len(body) >= 3 and body[0] == 3:  # ECCurveType named_curve
        return GROUPS.get(int.from_bytes(body[1:3], "big"))
    return None


def certificate_list(body: bytes, *, tls13: bool) -> list[bytes]:
    """The DER certificates of a Certificate message body, in order.

    TLS 1.3 (RFC 8446 section 4.4.2) puts a request context first and extensions after each
    certificate; TLS 1.2 (RFC 5246 section 7.4.2) has only the list.

    Raises:
        WireError: If the body is cut short.
    """
    reader = _Reader(body, "the Certificate message")
    if tls13:
        reader.vector(1)  # certificate_request_context
    entries = _Reader(reader.vector(3), "the certificate list")
    found = []
    while entries.left:
        found.append(entries.vector(3))
        if tls13:
            entries.vector(2)  # the entry's extensions
    return found


class RecordSplitter:
    """Splits the bytes of one direction into records, however they arrive.

    Args:
        sender: Who sends these bytes.
    """

    def __init__(self, sender: Side) -> None:
        self.sender = sender
        # Appended to in place: bytes fed a few at a time are not copied again on every call.
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Record]:
        """The records completed by ``data``; a partial record waits for more bytes."""
        buffer = self._buffer
        buffer += data
        found: list[Record] = []
        pos, size = 0, len(buffer)
        while size - pos >= 5:
            length = int.from_bytes(buffer[pos + 3 : pos + 5], "big")
            end = pos + 5 + length
            if end > size:
                break
            found.append(_record(self.sender, bytes(buffer[pos:end])))
            pos = end
        del buffer[:pos]
        return found

    @property
    def pending(self) -> bytes:
        """Bytes of a record not yet complete."""
        return bytes(self._buffer)


def split_handshake(buffer: bytes) -> tuple[list[bytes], bytes]:
    """Complete handshake messages (header included) at the start of ``buffer``, and the rest.

    Handshake messages may span records and a record may hold several (RFC 8446 section 5.1):
    feed the concatenated payloads and keep the rest for the next record.
    """
    found = []
    pos, size = 0, len(buffer)
    while size - pos >= 4:
        end = pos + 4 + int.from_bytes(buffer[pos + 1 : pos + 4], "big")
        if end > size:
            break
        found.append(buffer[pos:end])
        pos = end
    return found, buffer[pos:]


def messages_from_records(records: Iterable[Record]) -> list[Message]:
    """The handshake messages visible in plaintext records, for when no message callback ran.

    Messages after a side's ChangeCipherSpec are encrypted and cannot be read from the wire:
    they are left out.
    """
    messages: list[Message] = []
    buffers: dict[Side, bytearray] = {"client": bytearray(), "server": bytearray()}
    encrypted: dict[Side, bool] = {"client": False, "server": False}
    for record in records:
        if record.content_type == 20:
            encrypted[record.sender] = True
            messages.append(
                Message(
                    len(messages) + 1,
                    record.sender,
                    None,
                    "change_cipher_spec",
                    1,
                    False,
                    record.version,
                    record.payload,
                )
            )
        elif record.content_type == 22 and not encrypted[record.sender]:
            buffer = buffers[record.sender]
            buffer += record.payload
            if len(buffer) < 4 or len(buffer) < 4 + int.from_bytes(buffer[1:4], "big"):
                continue  # the first message is not complete: wait without copying the buffer
            complete, rest = split_handshake(bytes(buffer))
            buffers[record.sender] = bytearray(rest)
            for raw in complete:
                name = HANDSHAKE_TYPES.get(raw[0], f"unknown({raw[0]})")
                messages.append(
                    Message(
                        len(messages) + 1,
                        record.sender,
                        raw[0],
                        name,
                        len(raw) - 4,
                        False,
                        record.version,
                        raw,
                    )
                )
    return messages


def alerts_from_records(records: Iterable[Record]) -> list[Alert]:
    """The alerts in plaintext records (an encrypted alert is not readable on the wire)."""
    return [
        Alert.parse(r.sender, r.payload) for r in records if r.content_type == 21 and r.length == 2
    ]


def digitally_signed(data: bytes) -> tuple[int, bytes]:
    """The signature scheme and signature of a ``DigitallySigned`` structure.

    What a CertificateVerify body is (RFC 8446 section 4.4.3; RFC 5246 section 4.7) and what
    ends a TLS 1.2 ServerKeyExchange.

    Raises:
        WireError: If the structure is cut short.
    """
    reader = _Reader(data, "the signature")
    scheme = reader.number(2)
    return scheme, reader.vector(2)


def server_key_exchange_params(body: bytes, key_exchange: str) -> tuple[bytes, bytes]:
    """A TLS 1.2 ServerKeyExchange body cut into its parameters and their signature.

    The parameters (what the signature covers, after the two randoms) are ``ServerECDHParams``
    for ECDHE (RFC 8422 section 5.4: curve type, named curve, public point) and
    ``ServerDHParams`` for DHE (RFC 5246 section 7.4.3: p, g, Ys).

    Args:
        body: The message body.
        key_exchange: ``ECDHE`` or ``DHE``.

    Returns:
        ``(params, digitally_signed)``.

    Raises:
        WireError: If the body is cut short or the key exchange has no signed parameters.
    """
    reader = _Reader(body, "the ServerKeyExchange")
    if key_exchange == "ECDHE":
        reader.take(3)  # curve type, named curve
        reader.vector(1)  # the public point
    elif key_exchange == "DHE":
        for _ in range(3):  # dh_p, dh_g, dh_Ys
            reader.vector(2)
    else:
        raise WireError(f"a {key_exchange} ServerKeyExchange has no signed parameters")
    return body[: reader.pos], body[reader.pos :]


def ticket_lifetime(body: bytes) -> int:
    """The lifetime in seconds of a NewSessionTicket (its first field in TLS 1.2 and 1.3).

    Raises:
        WireError: If the body is shorter than the field.
    """
    return _Reader(body, "the NewSessionTicket").number(4)


def parse_record(data: bytes, sender: Side = "client") -> Record:
    """Exactly one whole record, header and payload.

    Raises:
        WireError: If ``data`` is not one record, to the byte.
    """
    if len(data) < 5:
        raise WireError(f"a record has a 5-byte header; there are {len(data)} bytes")
    length = int.from_bytes(data[3:5], "big")
    if len(data) != 5 + length:
        raise WireError(f"the header says {length} bytes of payload, there are {len(data) - 5}")
    return _record(sender, bytes(data))


def _record(sender: Side, raw: bytes) -> Record:
    """A Record of one whole record's bytes (header checked by the caller)."""
    code = int.from_bytes(raw[1:3], "big")
    return Record(sender, raw[0], VERSIONS.get(code, raw[1:3].hex()), len(raw) - 5, raw)
