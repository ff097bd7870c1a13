"""Real TLS handshakes in memory, recorded message by message.

[`run`][certkit.tls.handshake.run] connects a client and a server ``ssl.SSLContext`` through two
pairs
of ``ssl.MemoryBIO`` objects: no socket, no network, and every byte that would cross the wire
passes through certkit, which records it. The peers are OpenSSL, through Python's ``ssl`` module,
doing a real handshake: nothing is simulated.

The result, a [`Recording`][certkit.tls.handshake.Recording], holds

* every TLS record in both directions (from the wire bytes),
* every handshake message with its number, name, sender, length and whether it travelled
  encrypted (from OpenSSL's message callback, which sees the plaintext of encrypted messages),
* alerts, each side's exception, the negotiated version, cipher and group, the peer chains,
  timings and the key log (the secrets, in the NSS key log format).

The message callback is ``SSLContext._msg_callback``, a private CPython attribute. It is used in
one place (the private class ``_MessageTap``); when it is missing, certkit falls back
to the handshake messages it can read from the plaintext records on the wire (encrypted ones are
then counted as records only), and says so in the ``source`` attribute of the
[`Recording`][certkit.tls.handshake.Recording].
"""

from __future__ import annotations

import _ssl  # the C module under ssl: see _MessageTap
import atexit
import datetime as dt
import os
import ssl
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from certkit.certificates.pki import Lab, LabPKI
from certkit.errors import InputError

__all__ = [
    "ALERTS",
    "CONTENT_TYPES",
    "GROUPS",
    "HANDSHAKE_TYPES",
    "HRR_RANDOM",
    "MESSAGE_TITLES",
    "Alert",
    "Message",
    "Options",
    "Record",
    "Recording",
    "certificates_in",
    "contexts",
    "hello_extensions",
    "is_hello_retry_request",
    "key_exchange",
    "lab_pki",
    "negotiated_version",
    "run",
    "shown_encrypted",
]

Side = Literal["client", "server"]

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

_VERSIONS = {
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}
_WIRE_VERSIONS = {0x0301: "TLSv1.0", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2", 0x0304: "TLSv1.3"}


@dataclass(frozen=True)
class Record:
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


@dataclass(frozen=True)
class Message:
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


@dataclass(frozen=True)
class Alert:
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


@dataclass
class Recording:
    """Everything one handshake did, as seen on the wire and by the peers.

    Attributes:
        ok: Both sides completed the handshake and the application-data round trip (when
            requested) without error.
        version: The negotiated version (``TLSv1.2``/``TLSv1.3``), or ``None``.
        cipher: The negotiated cipher suite in OpenSSL's spelling, or ``None``.
        group: The key exchange group read from the handshake (ServerHello key_share in
            TLS 1.3, ServerKeyExchange in TLS 1.2), or ``None``.
        records: Every record, both directions, in wire order.
        messages: Every handshake message and ChangeCipherSpec, in order.
        alerts: Alerts sent by either side.
        client_error: The client's exception text, if any.
        server_error: The server's exception text, if any.
        client_reason: OpenSSL's reason code for the client's error (e.g.
            ``CERTIFICATE_VERIFY_FAILED``), stable across Python versions, unlike the text.
        server_reason: The same for the server.
        client_completed: Whether the client's ``do_handshake`` returned: it believed the
            handshake was over (in TLS 1.3 even when the server then rejects its certificate).
        server_completed: The same for the server.
        server_chain: The certificates the server sent, in order.
        client_chain: The certificates the client sent (empty when it sent none).
        keylog: The NSS key log lines (``CLIENT_RANDOM ...`` for TLS 1.2, traffic secrets for
            1.3).
        timings: Seconds for the handshake and the whole run.
        resumed: Whether this connection resumed an earlier session.
        alpn: The protocol agreed by ALPN, if any.
        source: ``callback`` (messages from OpenSSL's message callback) or ``wire`` (the
            fallback: only the plaintext messages visible on the wire).
    """

    ok: bool = False
    version: str | None = None
    cipher: str | None = None
    group: str | None = None
    records: list[Record] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    client_error: str | None = None
    server_error: str | None = None
    client_reason: str | None = None
    server_reason: str | None = None
    client_completed: bool = False
    server_completed: bool = False
    server_chain: list[x509.Certificate] = field(default_factory=list)
    client_chain: list[x509.Certificate] = field(default_factory=list)
    keylog: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    resumed: bool = False
    alpn: str | None = None
    source: str = "callback"

    def to_text(self) -> str:
        """One line per message (number, direction, name, length, encrypted), then the outcome."""
        lines = []
        for m in self.messages:
            arrow = "C -> S" if m.sender == "client" else "S -> C"
            enc = "  (encrypted)" if m.encrypted else ""
            lines.append(f"{m.number:2} {arrow}  {m.name:22} {m.length:5} bytes{enc}")
        outcome = f"{self.version} {self.cipher}" if self.ok else "FAILED"
        return "\n".join([*lines, outcome])

    def to_dict(self) -> dict[str, Any]:
        """The recording as JSON-ready data: records and messages with their bytes in hex."""
        return {
            "ok": self.ok,
            "version": self.version,
            "cipher": self.cipher,
            "group": self.group,
            "resumed": self.resumed,
            "alpn": self.alpn,
            "source": self.source,
            "client_error": self.client_error,
            "server_error": self.server_error,
            "messages": [
                {
                    "number": m.number,
                    "sender": m.sender,
                    "type": m.type,
                    "name": m.name,
                    "length": m.length,
                    "encrypted": m.encrypted,
                    "label_version": m.label_version,
                    "data": m.data.hex(),
                }
                for m in self.messages
            ],
            "records": [
                {
                    "sender": r.sender,
                    "content_type": r.content_type,
                    "name": r.name,
                    "version": r.version,
                    "length": r.length,
                    "data": r.data.hex(),
                }
                for r in self.records
            ],
            "alerts": [
                {"sender": a.sender, "level": a.level, "description": a.description, "code": a.code}
                for a in self.alerts
            ],
            "server_chain": [_certificate_dict(c) for c in self.server_chain],
            "client_chain": [_certificate_dict(c) for c in self.client_chain],
            "keylog": self.keylog,
        }


def _certificate_dict(certificate: x509.Certificate) -> dict[str, str]:
    return {
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "not_after": certificate.not_valid_after_utc.isoformat(),
        "sha256": certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
    }


@dataclass(frozen=True)
class Options:
    """What to configure on the two sides of a lab handshake.

    Attributes:
        tls: ``"1.2"`` or ``"1.3"`` to allow only that version; ``None`` for both.
        server_max: Cap the server's highest version (``"1.2"``): the client still offers 1.3,
            as in the course's curl trace.
        cipher: OpenSSL cipher string for TLS 1.2 (e.g. ``ECDHE-RSA-AES256-GCM-SHA384``), set
            on the server. Python's ``ssl`` cannot restrict TLS 1.3 suites.
        client_cipher: OpenSSL cipher string for TLS 1.2 set on the client.
        client_auth: ``none``, ``optional`` or ``required``.
        client_cert: Whether the client has a certificate to send (default: when the server
            asks for one).
        server_hostname: The name the client connects to (SNI and verification).
        alpn: Protocols to offer (client) and accept (server).
        curve: A single ECDHE group for the server (``set_ecdh_curve``), e.g. ``secp384r1``.
        tls13_ciphers: TLS 1.3 suites for the server, e.g. ``TLS_CHACHA20_POLY1305_SHA256``
            (colon-separated). Python's ``ssl`` has no API for them; certkit calls OpenSSL's
            ``SSL_CTX_set_ciphersuites`` on the context (see ``_openssl_ctx``).
        groups: Key exchange groups offered by the client and accepted by the server, in
            order (OpenSSL's ``SSL_CTX_set1_groups_list``), e.g. ``("secp384r1", "x25519")``.
        app_data: After the handshake, send one application-data round trip (a TLS 1.3 server
            that rejects the client certificate is only noticed there).
        resume: Run a second handshake resuming the first one's session; the recording
            returned is the second's.
    """

    tls: Literal["1.2", "1.3"] | None = None
    server_max: Literal["1.2", "1.3"] | None = None
    cipher: str | None = None
    client_cipher: str | None = None
    client_auth: Literal["none", "optional", "required"] = "none"
    client_cert: bool | None = None
    server_hostname: str = "localhost"
    alpn: tuple[str, ...] = ()
    curve: str | None = None
    tls13_ciphers: str | None = None
    groups: tuple[str, ...] = ()
    app_data: bool = True
    resume: bool = False


def lab_pki(
    seed: str | bytes | None = "handshake",
    key_type: str = "ec-p256",
    now: dt.datetime | None = None,
) -> LabPKI:
    """A lab PKI whose certificates are valid now, for real handshakes.

    Python's ``ssl`` checks certificates against the real clock (OpenSSL's verification time is
    not exposed), so a handshake needs certificates valid today. The keys still come from the
    seed; the dates, and so the certificate bytes, follow the current day.

    Args:
        seed: The lab seed (``None``: random).
        key_type: Key type of every certificate.
        now: The lab clock; the start of the current UTC day by default.

    Returns:
        Root, intermediate, server (``localhost``, ``127.0.0.1``) and client certificates.
    """
    if now is None:
        now = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return Lab(seed=seed, now=now).pki(["localhost", "127.0.0.1"], key_type=key_type)


def contexts(pki: LabPKI, options: Options = Options()) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """Client and server contexts for a lab PKI, configured by ``options``.

    Args:
        pki: The certificates (the server's chain, the client's chain, the root as trust).
        options: What to configure.

    Returns:
        ``(client_context, server_context)``.

    Raises:
        InputError: If an option is not usable (an unknown version, cipher string or curve).
    """
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    for context in (client, server):
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if options.tls is not None:
            version = _version(options.tls)
            context.minimum_version = version
            context.maximum_version = version
    if options.server_max is not None:
        server.maximum_version = _version(options.server_max)
    _load_chain(server, pki.server.fullchain_pem(), pki.server.key_pem())
    client.load_verify_locations(cadata=pki.root.pem)
    wants_cert = options.client_auth != "none"
    if options.client_cert if options.client_cert is not None else wants_cert:
        _load_chain(client, pki.client.fullchain_pem(), pki.client.key_pem())
    if wants_cert:
        server.load_verify_locations(cadata=pki.root.pem)
        server.verify_mode = (
            ssl.CERT_REQUIRED if options.client_auth == "required" else ssl.CERT_OPTIONAL
        )
    for context, cipher in ((server, options.cipher), (client, options.client_cipher)):
        if cipher:
            try:
                context.set_ciphers(cipher)
            except ssl.SSLError:
                raise InputError(
                    f"cipher {cipher!r} matches no TLS 1.2 suite OpenSSL offers here; "
                    "list them with: openssl ciphers -v"
                ) from None
    if options.curve:
        try:
            server.set_ecdh_curve(options.curve)
        except ValueError:
            raise InputError(
                f"curve {options.curve!r} is unknown; try prime256v1 or secp384r1"
            ) from None
    if options.alpn:
        client.set_alpn_protocols(list(options.alpn))
        server.set_alpn_protocols(list(options.alpn))
    if options.tls13_ciphers:
        _set_tls13_ciphers(server, options.tls13_ciphers)
    if options.groups:
        for context in (client, server):
            _set_groups(context, options.groups)
    return client, server


def _openssl_ctx(context: ssl.SSLContext) -> tuple[Any, int]:
    """The libssl library and the ``SSL_CTX *`` behind a Python ``SSLContext``.

    The pointer is the first field after the object header of CPython's ``PySSLContext``. This
    is private: it is checked against the security level Python reports before any use, and
    the tests fail loudly if CPython's layout changes.

    Raises:
        InputError: If the layout check fails.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("ssl")
    if name is None:
        raise InputError("libssl was not found: TLS 1.3 suites and groups cannot be set here")
    lib = ctypes.CDLL(name)
    pointer = ctypes.c_void_p.from_address(id(context) + object.__basicsize__).value
    lib.SSL_CTX_get_security_level.argtypes = [ctypes.c_void_p]
    lib.SSL_CTX_get_security_level.restype = ctypes.c_int
    if not pointer or lib.SSL_CTX_get_security_level(pointer) != context.security_level:
        raise InputError(
            "cannot reach OpenSSL's context from this Python: TLS 1.3 suites and groups "
            "cannot be set (use OpenSSL's defaults)"
        )
    return lib, pointer


def _set_tls13_ciphers(context: ssl.SSLContext, suites: str) -> None:
    import ctypes

    lib, pointer = _openssl_ctx(context)
    lib.SSL_CTX_set_ciphersuites.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.SSL_CTX_set_ciphersuites.restype = ctypes.c_int
    wanted = [s for s in suites.split(":") if s]
    ok = lib.SSL_CTX_set_ciphersuites(pointer, suites.encode("ascii"))
    got = [c["name"] for c in context.get_ciphers() if c["protocol"] == "TLSv1.3"]
    if not ok or not got or set(got) - set(wanted):
        raise InputError(
            f"TLS 1.3 suites {suites!r}: use names such as TLS_AES_128_GCM_SHA256, "
            "TLS_AES_256_GCM_SHA384 or TLS_CHACHA20_POLY1305_SHA256"
        )


def _set_groups(context: ssl.SSLContext, groups: tuple[str, ...]) -> None:
    import ctypes

    lib, pointer = _openssl_ctx(context)
    lib.SSL_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_long, ctypes.c_char_p]
    lib.SSL_CTX_ctrl.restype = ctypes.c_long
    ssl_ctrl_set_groups_list = 92  # SSL_CTX_set1_groups_list is a macro over SSL_CTX_ctrl
    if not lib.SSL_CTX_ctrl(pointer, ssl_ctrl_set_groups_list, 0, ":".join(groups).encode("ascii")):
        raise InputError(
            f"groups {', '.join(groups)}: use names such as x25519, secp256r1 (P-256), "
            "secp384r1, secp521r1, ffdhe2048"
        )


def run(
    client: ssl.SSLContext,
    server: ssl.SSLContext,
    options: Options = Options(),
    *,
    session: ssl.SSLSession | None = None,
) -> Recording:
    """Run a real handshake between two contexts, in memory, and record it.

    The contexts are used as given, except that certkit sets their message callback and key
    log file for the duration of the call (and restores them).

    Args:
        client: The client context.
        server: The server context.
        options: ``server_hostname``, ``app_data`` and ``resume`` are used here.
        session: A session to resume (what ``options.resume`` does for you).

    Returns:
        The recording of the handshake (of the resumed one when ``options.resume``).
    """
    if options.resume and session is None:
        first = _Connection(client, server, options, None)
        first.go()
        if first.session is None:
            raise InputError("the first handshake produced no session to resume")
        return _Connection(client, server, options, first.session).go()
    return _Connection(client, server, options, session).go()


def _version(name: str) -> ssl.TLSVersion:
    try:
        return _VERSIONS[name]
    except KeyError:
        raise InputError(f"TLS version {name!r}: use 1.2 or 1.3") from None


def _load_chain(context: ssl.SSLContext, chain_pem: str, key_pem: str) -> None:
    with tempfile.TemporaryDirectory(prefix="certkit-hs-") as tmp:
        cert_file = Path(tmp) / "chain.pem"
        key_file = Path(tmp) / "key.pem"
        cert_file.write_text(chain_pem, encoding="ascii")
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key_pem)
        context.load_cert_chain(cert_file, key_file)


class _MessageTap:
    """The one place that uses CPython's private ``SSLContext._msg_callback``.

    It is installed on the client context, which sees both directions: ``write`` is what the
    client sends, ``read`` what the server sent. OpenSSL calls it with each record header
    (pseudo content type 256), the inner content type of decrypted TLS 1.3 records (257), and
    each message in plaintext.
    """

    HEADER = 256
    INNER_CONTENT_TYPE = 257

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.alerts: list[Alert] = []
        self._outer: dict[Side, int] = {"client": 0, "server": 0}
        self._ccs: dict[Side, bool] = {"client": False, "server": False}
        # OpenSSL reports a received ChangeCipherSpec record's header but not always its
        # content: such a CCS is added when the next event from that side arrives.
        self._pending_ccs: dict[Side, bool] = {"client": False, "server": False}

    @staticmethod
    def _descriptor() -> Any:
        # The C-level attribute under ssl.SSLContext._msg_callback: setting it directly skips
        # the Python wrapper that turns every argument into an enum (a third of the cost).
        return getattr(_ssl._SSLContext, "__dict__", {}).get("_msg_callback")

    @staticmethod
    def available(context: ssl.SSLContext) -> bool:
        return _MessageTap._descriptor() is not None and hasattr(context, "_msg_callback")

    def install(self, context: ssl.SSLContext) -> Callable[[], None]:
        descriptor = self._descriptor()
        previous = descriptor.__get__(context)
        descriptor.__set__(context, self._callback)

        def restore() -> None:
            descriptor.__set__(context, previous)

        return restore

    def _callback(
        self, conn: Any, direction: str, version: Any, content_type: Any, msg_type: Any, data: bytes
    ) -> None:
        sender: Side = "client" if direction == "write" else "server"
        content = int(content_type)
        label = _label_version(version)
        if content == self.HEADER:
            self.flush(sender, label)
            self._outer[sender] = data[0] if data else 0
            self._pending_ccs[sender] = self._outer[sender] == 20
            return
        if content == self.INNER_CONTENT_TYPE:
            return
        if content == 20:
            self._pending_ccs[sender] = False
            self._ccs[sender] = True
            self._add(sender, None, "change_cipher_spec", len(data), False, label, data)
            return
        self.flush(sender, label)
        encrypted = self._outer[sender] == 23 or self._ccs[sender]
        if content == 22 and data[:1] in (b"\x01", b"\x02"):
            # Hellos are never protected; in TLS 1.3 a HelloRetryRequest exchange sends the
            # second ClientHello after the dummy ChangeCipherSpec, still in plaintext.
            encrypted = False
        if content == 22 and len(data) >= 4:
            kind = data[0]
            name = HANDSHAKE_TYPES.get(kind, f"unknown({kind})")
            self._add(sender, kind, name, len(data) - 4, encrypted, label, data)
        elif content == 21 and len(data) >= 2:
            level = {1: "warning", 2: "fatal"}.get(data[0], str(data[0]))
            self.alerts.append(
                Alert(sender, level, ALERTS.get(data[1], f"alert({data[1]})"), data[1])
            )

    def flush(self, sender: Side, label: str) -> None:
        """Add a ChangeCipherSpec whose content OpenSSL did not report."""
        if self._pending_ccs[sender]:
            self._pending_ccs[sender] = False
            self._ccs[sender] = True
            self._add(sender, None, "change_cipher_spec", 1, False, label, b"\x01")

    def _add(
        self,
        sender: Side,
        kind: int | None,
        name: str,
        length: int,
        encrypted: bool,
        label: str,
        data: bytes,
    ) -> None:
        number = len(self.messages) + 1
        self.messages.append(Message(number, sender, kind, name, length, encrypted, label, data))


def _label_version(version: Any) -> str:
    try:
        value = int(version)
    except (TypeError, ValueError):
        return str(version)
    return _WIRE_VERSIONS.get(value, f"0x{value:04x}")


class _Wire:
    """Splits the bytes of one direction into records."""

    def __init__(self, sender: Side) -> None:
        self.sender = sender
        self.buffer = b""
        self.records: list[Record] = []

    def feed(self, data: bytes) -> list[Record]:
        self.buffer += data
        new: list[Record] = []
        while len(self.buffer) >= 5:
            length = int.from_bytes(self.buffer[3:5], "big")
            if len(self.buffer) < 5 + length:
                break
            raw, self.buffer = self.buffer[: 5 + length], self.buffer[5 + length :]
            version = _WIRE_VERSIONS.get(int.from_bytes(raw[1:3], "big"), raw[1:3].hex())
            new.append(Record(self.sender, raw[0], version, length, raw))
        self.records.extend(new)
        return new


class _Connection:
    def __init__(
        self,
        client: ssl.SSLContext,
        server: ssl.SSLContext,
        options: Options,
        session: ssl.SSLSession | None,
    ) -> None:
        self.client_ctx = client
        self.server_ctx = server
        self.options = options
        self.session_in = session
        self.session: ssl.SSLSession | None = None

    def go(self) -> Recording:
        recording = Recording()
        tap = _MessageTap()
        restore: Callable[[], None] | None = None
        if _MessageTap.available(self.client_ctx):
            restore = tap.install(self.client_ctx)
        else:
            recording.source = "wire"
        previous_keylog = self.client_ctx.keylog_filename
        keylog = _keylog_file()
        offset = keylog.stat().st_size
        self.client_ctx.keylog_filename = str(keylog)
        try:
            self._exchange(recording)
        finally:
            self.client_ctx.keylog_filename = previous_keylog
            if restore is not None:
                restore()
        with keylog.open("rb") as handle:
            handle.seek(offset)
            lines = handle.read().decode("ascii").splitlines()
        recording.keylog = [line for line in lines if line and not line.startswith("#")]
        if recording.source == "callback":
            tap.flush("client", "")
            tap.flush("server", "")
            recording.messages = tap.messages
            recording.alerts = tap.alerts
        else:
            recording.messages = _messages_from_wire(recording.records)
            recording.alerts = _alerts_from_wire(recording.records)
        _fill_from_messages(recording)
        return recording

    def _exchange(self, recording: Recording) -> None:
        c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
        client = self.client_ctx.wrap_bio(
            c_in, c_out, server_hostname=self.options.server_hostname, session=self.session_in
        )
        server = self.server_ctx.wrap_bio(s_in, s_out, server_side=True)
        wires = {"client": _Wire("client"), "server": _Wire("server")}
        done = {"client": False, "server": False}
        errors: dict[Side, BaseException | None] = {"client": None, "server": None}
        start = time.perf_counter()

        def pump() -> bool:
            moved = False
            data = c_out.read()
            if data:
                recording.records.extend(wires["client"].feed(data))
                s_in.write(data)
                moved = True
            data = s_out.read()
            if data:
                recording.records.extend(wires["server"].feed(data))
                c_in.write(data)
                moved = True
            return moved

        for _ in range(100):
            sides: tuple[tuple[Side, ssl.SSLObject], ...] = (("client", client), ("server", server))
            for side, obj in sides:
                if done[side] or errors[side] is not None:
                    continue
                try:
                    obj.do_handshake()
                    done[side] = True
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    pass
                except (ssl.SSLError, OSError) as exc:
                    errors[side] = exc
            moved = pump()
            if all(done.values()) or (not moved and (any(errors.values()) or any(done.values()))):
                break
        recording.timings["handshake"] = time.perf_counter() - start
        if done["client"]:
            # Before the round trip: a TLS 1.3 rejection there leaves the connection unusable.
            recording.version = client.version()
            cipher = client.cipher()
            recording.cipher = cipher[0] if cipher else None
        if done["client"] and self.options.app_data:
            self._round_trip(client, server, pump, errors, server_ok=done["server"])
        pump()
        recording.timings["total"] = time.perf_counter() - start
        recording.client_error = _describe(errors["client"])
        recording.server_error = _describe(errors["server"])
        recording.client_completed, recording.server_completed = done["client"], done["server"]
        recording.client_reason = getattr(errors["client"], "reason", None)
        recording.server_reason = getattr(errors["server"], "reason", None)
        recording.ok = all(done.values()) and not any(errors.values())
        if done["client"]:
            recording.resumed = client.session_reused
            recording.alpn = client.selected_alpn_protocol()
            if self.options.resume:
                self.session = client.session

    @staticmethod
    def _round_trip(
        client: ssl.SSLObject,
        server: ssl.SSLObject,
        pump: Callable[[], bool],
        errors: dict[Side, BaseException | None],
        *,
        server_ok: bool,
    ) -> None:
        # TLS 1.3: the server checks the client's certificate after its own Finished, so a
        # rejection reaches the client only with its next read.
        steps: list[tuple[Side, Callable[[], object]]] = [("client", lambda: client.write(b"ping"))]
        if server_ok:
            steps += [
                ("server", lambda: server.read(4)),
                ("server", lambda: server.write(b"pong")),
            ]
        steps.append(("client", lambda: client.read(4)))
        for side, step in steps:
            for _ in range(10):
                try:
                    step()
                    break
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    if not pump():
                        break
                except (ssl.SSLError, OSError) as exc:
                    errors[side] = exc
                    pump()
                    return
            pump()


_KEYLOG: Path | None = None


def _keylog_file() -> Path:
    """One private key log file per process; each run reads only the lines it added."""
    global _KEYLOG
    if _KEYLOG is None or not _KEYLOG.exists():
        fd, name = tempfile.mkstemp(prefix="certkit-keylog-", suffix=".txt")
        os.close(fd)
        _KEYLOG = Path(name)
        atexit.register(_KEYLOG.unlink, missing_ok=True)
    return _KEYLOG


def _describe(exc: BaseException | None) -> str | None:
    if exc is None:
        return None
    return f"{type(exc).__name__}: {exc}"


def _messages_from_wire(records: list[Record]) -> list[Message]:
    messages: list[Message] = []
    buffers: dict[Side, bytes] = {"client": b"", "server": b""}
    encrypted: dict[Side, bool] = {"client": False, "server": False}
    for record in records:
        body = record.data[5:]
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
                    body,
                )
            )
        elif record.content_type == 22 and not encrypted[record.sender]:
            buffers[record.sender] += body
            buf = buffers[record.sender]
            while len(buf) >= 4 and len(buf) >= 4 + int.from_bytes(buf[1:4], "big"):
                size = int.from_bytes(buf[1:4], "big")
                raw, buf = buf[: 4 + size], buf[4 + size :]
                name = HANDSHAKE_TYPES.get(raw[0], f"unknown({raw[0]})")
                messages.append(
                    Message(
                        len(messages) + 1,
                        record.sender,
                        raw[0],
                        name,
                        size,
                        False,
                        record.version,
                        raw,
                    )
                )
            buffers[record.sender] = buf
    return messages


def _alerts_from_wire(records: list[Record]) -> list[Alert]:
    alerts = []
    for record in records:
        if record.content_type == 21 and record.length == 2:
            level = {1: "warning", 2: "fatal"}.get(record.data[5], str(record.data[5]))
            alerts.append(
                Alert(
                    record.sender,
                    level,
                    ALERTS.get(record.data[6], str(record.data[6])),
                    record.data[6],
                )
            )
    return alerts


def _fill_from_messages(recording: Recording) -> None:
    for message in recording.messages:
        body = message.data[4:]
        if message.name == "certificate":
            chain = certificates_in(body, tls13=recording.version == "TLSv1.3")
            if message.sender == "server":
                recording.server_chain = chain
            else:
                recording.client_chain = chain
        elif message.name == "server_hello" and recording.group is None:
            recording.group = _key_share_group(body)
        elif message.name == "server_key_exchange" and len(body) >= 3 and body[0] == 3:
            recording.group = GROUPS.get(int.from_bytes(body[1:3], "big"))


def certificates_in(body: bytes, *, tls13: bool) -> list[x509.Certificate]:
    """The certificates of a Certificate message body (an empty list if it does not parse)."""
    try:
        pos = 0
        if tls13:
            pos = 1 + body[0]  # certificate_request_context
        total = int.from_bytes(body[pos : pos + 3], "big")
        pos += 3
        end = pos + total
        chain = []
        while pos < end:
            size = int.from_bytes(body[pos : pos + 3], "big")
            pos += 3
            chain.append(x509.load_der_x509_certificate(body[pos : pos + size]))
            pos += size
            if tls13:
                pos += 2 + int.from_bytes(body[pos : pos + 2], "big")  # entry extensions
        return chain
    except (IndexError, ValueError):
        return []


def _key_share_group(body: bytes) -> str | None:
    # ServerHello: version(2) random(32) session_id(1+n) cipher(2) compression(1) extensions
    try:
        pos = 2 + 32
        pos += 1 + body[pos]
        pos += 3
        end = pos + 2 + int.from_bytes(body[pos : pos + 2], "big")
        pos += 2
        while pos + 4 <= end:
            ext_type = int.from_bytes(body[pos : pos + 2], "big")
            size = int.from_bytes(body[pos + 2 : pos + 4], "big")
            if ext_type == 0x0033 and size >= 2:  # key_share
                group = int.from_bytes(body[pos + 4 : pos + 6], "big")
                return GROUPS.get(group, f"0x{group:04x}")
            pos += 4 + size
    except IndexError:
        return None
    return None


# The ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest").
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")

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


def key_exchange(cipher: str | None) -> str | None:
    """The TLS 1.2 key exchange of an OpenSSL suite name: ``ecdhe``, ``dhe``, ``rsa`` or None."""
    if not cipher or cipher.startswith("TLS_"):
        return None
    if cipher.startswith(("ECDHE-", "ECDH-")):
        return "ecdhe"
    if cipher.startswith(("DHE-", "EDH-")):
        return "dhe"
    return "rsa"


def negotiated_version(recording: Recording) -> str | None:
    """The negotiated version; for a failed handshake, what the ServerHello chose."""
    if recording.version:
        return recording.version
    for message in recording.messages:
        if message.name == "server_hello" and not is_hello_retry_request(message):
            return "TLSv1.3" if 0x002B in hello_extensions(message) else "TLSv1.2"
    return None


def hello_extensions(message: Message) -> list[int]:
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


def shown_encrypted(message: Message, *, tls13: bool) -> bool:
    """Whether a message travelled encrypted, as the traces show it."""
    # In TLS 1.3 a ChangeCipherSpec changes nothing: the hellos after a HelloRetryRequest
    # travel in clear even though a (dummy) CCS came before them.
    if tls13 and message.name in ("client_hello", "server_hello"):
        return False
    return message.encrypted


def is_hello_retry_request(message: Message) -> bool:
    """Whether a server_hello is a HelloRetryRequest (RFC 8446 section 4.1.3)."""
    return message.name == "server_hello" and message.data[6:38] == HRR_RANDOM
