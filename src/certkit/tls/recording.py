"""A handshake's recording: what crossed the wire and what each side saw, built in one place.

A connection is recorded by a [`Capture`][certkit.tls.recording.Capture]: it keeps the bytes
each side sent (split into records once, at the end), the events of OpenSSL's message callback
(through the [`MessageTap`][certkit.tls.recording.MessageTap]) and the key log, and
[`finish`][certkit.tls.recording.Capture.finish] turns them into a
[`Recording`][certkit.tls.recording.Recording], which is immutable. The in-memory handshakes of
[`run`][certkit.tls.handshake.run], the server of [`Server`][certkit.tls.serve.Server] and the
client of [`connect`][certkit.tls.serve.connect] all record this way.

The message callback is ``SSLContext._msg_callback``, a private CPython attribute, used only by
``MessageTap``. When it is missing, certkit falls back to the handshake messages it can read from
the plaintext records on the wire (encrypted ones are then counted as records only), and says
so in the recording's ``source``.
"""

from __future__ import annotations

import _ssl  # the C module under ssl: see MessageTap
import atexit
import contextlib
import dataclasses
import functools
import os
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, overload

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from certkit.errors import InputError
from certkit.tls.ciphersuites import explain
from certkit.tls.wire import (
    ALERTS,
    HANDSHAKE_TYPES,
    VERSIONS,
    Alert,
    Message,
    Record,
    RecordSplitter,
    Side,
    WireError,
    alerts_from_records,
    certificate_list,
    key_share_group,
    messages_from_records,
    other_side,
    parse_hello,
    server_key_exchange_group,
)

__all__ = ["Capture", "Deferred", "KeyLog", "MessageTap", "Recording"]


_T = TypeVar("_T")


class Deferred(Sequence[_T]):
    """An immutable sequence whose items are made when first used, then kept.

    A recording's records, messages and alerts are read from the bytes and events of the
    connection only when someone looks at them: recording costs little, and a recording nobody
    reads costs nothing more.
    """

    __slots__ = ("_items", "_make")

    def __init__(self, make: Callable[[], Iterable[_T]]) -> None:
        self._make: Callable[[], Iterable[_T]] | None = make
        self._items: tuple[_T, ...] | None = None

    def _all(self) -> tuple[_T, ...]:
        items = self._items
        if items is None:
            make = self._make
            if make is None:  # another thread made them meanwhile (_items is set first)
                assert self._items is not None
                return self._items
            items = tuple(make())
            self._items, self._make = items, None
        return items

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[_T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            return self._all() == other._all()
        return self._all() == other

    def __hash__(self) -> int:
        return hash(self._all())

    def __add__(self, other: Iterable[_T]) -> tuple[_T, ...]:
        return self._all() + tuple(other)

    def __radd__(self, other: Iterable[_T]) -> tuple[_T, ...]:
        return tuple(other) + self._all()

    def __repr__(self) -> str:
        return repr(self._all())


@dataclass(frozen=True)
class Recording:
    """Everything one handshake did, as seen on the wire and by the peers.

    Built by [`Capture.finish`][certkit.tls.recording.Capture.finish]; immutable. The chains and
    the group are read from the recorded messages when first asked for.

    Attributes:
        ok: Both sides completed the handshake and the application-data round trip (when
            requested) without error.
        version: The negotiated version (``TLSv1.2``/``TLSv1.3``), or ``None``.
        cipher: The negotiated cipher suite in OpenSSL's spelling, or ``None``.
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
    records: Sequence[Record] = ()
    messages: Sequence[Message] = ()
    alerts: Sequence[Alert] = ()
    client_error: str | None = None
    server_error: str | None = None
    client_reason: str | None = None
    server_reason: str | None = None
    client_completed: bool = False
    server_completed: bool = False
    keylog: Sequence[str] = ()
    timings: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    resumed: bool = False
    alpn: str | None = None
    source: str = "callback"

    def __post_init__(self) -> None:
        for name in ("records", "messages", "alerts", "keylog"):
            value = getattr(self, name)
            if not isinstance(value, tuple | Deferred):
                object.__setattr__(self, name, tuple(value))
        if not isinstance(self.timings, MappingProxyType):
            object.__setattr__(self, "timings", MappingProxyType(dict(self.timings)))

    @functools.cached_property
    def negotiated_version(self) -> str | None:
        """The negotiated version; for a failed handshake, what the ServerHello chose.

        Python reports no version once a TLS 1.3 connection has failed after the handshake
        (the server rejected the client certificate): the ServerHello still says what was
        agreed.
        """
        if self.version:
            return self.version
        for message in self.messages:
            if message.name == "server_hello" and not message.is_hello_retry_request:
                try:
                    hello = parse_hello(message)
                except WireError:
                    return None
                return "TLSv1.3" if hello.extension(0x002B) is not None else "TLSv1.2"
        return None

    @functools.cached_property
    def key_exchange(self) -> str | None:
        """The TLS 1.2 key exchange of the cipher: ``ecdhe``, ``dhe`` or ``rsa``.

        ``None`` for TLS 1.3, whose suites do not name it, and when no cipher was agreed.
        """
        if not self.cipher:
            return None
        try:
            exchange = explain(self.cipher).key_exchange
        except InputError:
            return None
        if exchange is None:
            return None
        if exchange.startswith("ECDH"):
            return "ecdhe"
        if exchange.startswith("DH"):
            return "dhe"
        return "rsa"

    @functools.cached_property
    def group(self) -> str | None:
        """The key exchange group: ServerHello key_share in TLS 1.3, ServerKeyExchange in 1.2."""
        for message in self.messages:
            try:
                if message.name == "server_hello" and not message.is_hello_retry_request:
                    group = key_share_group(message)
                    if group is not None:
                        return group
                elif message.name == "server_key_exchange":
                    return server_key_exchange_group(message.body)
            except WireError:
                continue
        return None

    @functools.cached_property
    def server_chain(self) -> tuple[x509.Certificate, ...]:
        """The certificates the server sent, in order (empty if none was recorded)."""
        return self._chain("server")

    @functools.cached_property
    def client_chain(self) -> tuple[x509.Certificate, ...]:
        """The certificates the client sent (empty when it sent none)."""
        return self._chain("client")

    def _chain(self, sender: Side) -> tuple[x509.Certificate, ...]:
        tls13 = self.negotiated_version == "TLSv1.3"
        for message in self.messages:
            if message.name == "certificate" and message.sender == sender:
                try:
                    return tuple(
                        x509.load_der_x509_certificate(der)
                        for der in certificate_list(message.body, tls13=tls13)
                    )
                except (WireError, ValueError):
                    return ()
        return ()

    def to_text(self) -> str:
        """One line per message (number, direction, name, length, encrypted), then the outcome."""
        lines = []
        for m in self.messages:
            arrow = "C -> S" if m.sender == "client" else "S -> C"
            enc = "  (encrypted)" if m.encrypted else ""
            lines.append(f"{m.number:2} {arrow}  {m.name:22} {m.length:5} bytes{enc}")
        outcome = f"{self.version} {self.cipher}" if self.ok else "FAILED"
        return "\n".join([*lines, outcome])

    # Deliberate boilerplate: to_dict lists the fields as JSON keys, as every result type's does.
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
            "keylog": list(self.keylog),
        }


_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Recording) if f.name != "timings"}
"""Each Recording field's default (timings aside, which Capture.finish always sets)."""


def _certificate_dict(certificate: x509.Certificate) -> dict[str, str]:
    return {
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "not_after": certificate.not_valid_after_utc.isoformat(),
        "sha256": certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
    }


class MessageTap:
    """The one place that uses CPython's private ``SSLContext._msg_callback``.

    OpenSSL calls it with each record header (pseudo content type 256), the inner content type
    of decrypted TLS 1.3 records (257), and each message in plaintext, in both directions:
    ``write`` is what the context's own side sends, ``read`` what it received. During the
    connection the tap only keeps the events; [`result`][certkit.tls.recording.MessageTap.result]
    turns them into messages and alerts afterwards, in one pass.

    Args:
        side: The side whose context the tap is installed on (``client`` for an in-memory
            handshake, which sees both directions; ``server`` for a server).
    """

    HEADER = 256
    INNER_CONTENT_TYPE = 257

    def __init__(self, side: Side = "client") -> None:
        self.side: Side = side
        self.events: list[tuple[str, int, int, bytes]] = []

    @staticmethod
    @functools.cache
    def _descriptor() -> Any:
        # The C-level attribute under ssl.SSLContext._msg_callback: setting it directly skips
        # the Python wrapper that turns every argument into an enum (a third of the cost).
        return getattr(_ssl._SSLContext, "__dict__", {}).get("_msg_callback")

    @staticmethod
    def available(context: ssl.SSLContext) -> bool:
        """Whether this Python has the message callback certkit relies on."""
        # Not hasattr(context, "_msg_callback"): ssl.py's getter fails once a callback is
        # set below it, as attach() does.
        return MessageTap._descriptor() is not None and isinstance(context, _ssl._SSLContext)

    @staticmethod
    def attach(context: ssl.SSLContext, callback: Callable[..., None] | None) -> Callable[[], None]:
        """Set a context's message callback; return the function that restores the previous one.

        Args:
            context: The context.
            callback: Called as ``callback(conn, direction, version, content_type, msg_type,
                data)`` for every event of every connection of the context.
        """
        descriptor = MessageTap._descriptor()
        previous = descriptor.__get__(context)
        descriptor.__set__(context, callback)

        def restore() -> None:
            descriptor.__set__(context, previous)

        return restore

    def install(self, context: ssl.SSLContext) -> Callable[[], None]:
        """Record every event of ``context``; return the function that uninstalls the tap."""
        return self.attach(context, self.callback)

    def callback(
        self, conn: Any, direction: str, version: int, content_type: int, msg_type: int, data: bytes
    ) -> None:
        """What OpenSSL calls: keep the event, nothing more (it runs inside the handshake)."""
        self.events.append((direction, version, content_type, data))

    def result(self) -> tuple[list[Message], list[Alert]]:
        """The messages (ChangeCipherSpec included) and alerts of the events, in order."""
        messages: list[Message] = []
        alerts: list[Alert] = []
        append = messages.append
        # Per side (0: this context's own side, 1: its peer): the outer content type of the
        # last record header, whether a ChangeCipherSpec came, and whether one is pending:
        # OpenSSL reports a received ChangeCipherSpec record's header but not always its
        # content, so such a CCS is added when the next event from that side arrives.
        outer = [0, 0]
        ccs = [False, False]
        pending = [False, False]
        names: tuple[Side, Side] = (self.side, other_side(self.side))
        labels: dict[int, str] = {}
        for direction, version, content, data in self.events:
            who = 0 if direction == "write" else 1
            label = labels.get(version)
            if label is None:
                label = labels[version] = _label_version(version)
            if pending[who] and content != 20 and content != 257:  # 257: inner content type
                pending[who] = False
                ccs[who] = True
                number = len(messages) + 1
                append(
                    Message(
                        number, names[who], None, "change_cipher_spec", 1, False, label, b"\x01"
                    )
                )
            if content == 256:  # a record header
                outer[who] = data[0] if data else 0
                pending[who] = outer[who] == 20
            elif content == 20:
                pending[who] = False
                ccs[who] = True
                number = len(messages) + 1
                append(
                    Message(
                        number,
                        names[who],
                        None,
                        "change_cipher_spec",
                        len(data),
                        False,
                        label,
                        data,
                    )
                )
            elif content == 22 and len(data) >= 4:
                kind = data[0]
                # Hellos are never protected; in TLS 1.3 a HelloRetryRequest exchange sends
                # the second ClientHello after the dummy ChangeCipherSpec, in plaintext.
                encrypted = kind not in (1, 2) and (outer[who] == 23 or ccs[who])
                name = HANDSHAKE_TYPES.get(kind) or f"unknown({kind})"
                number = len(messages) + 1
                append(
                    Message(number, names[who], kind, name, len(data) - 4, encrypted, label, data)
                )
            elif content == 21 and len(data) >= 2:
                level = {1: "warning", 2: "fatal"}.get(data[0], str(data[0]))
                code = data[1]
                alerts.append(Alert(names[who], level, ALERTS.get(code, f"alert({code})"), code))
        for who in (0, 1):
            if pending[who]:
                number = len(messages) + 1
                append(
                    Message(number, names[who], None, "change_cipher_spec", 1, False, "", b"\x01")
                )
        return messages, alerts


def _label_version(version: Any) -> str:
    try:
        value = int(version)
    except (TypeError, ValueError):
        return str(version)
    return VERSIONS.get(value, f"0x{value:04x}")


class KeyLog:
    """A private NSS key log that OpenSSL appends to, read back a connection at a time.

    Python's ``ssl`` writes key logs only to a named file (``SSLContext.keylog_filename``).
    On Linux the file is an anonymous memory file (``memfd_create``) named through
    ``/proc/self/fd``: the secrets never touch a disk and vanish with the process, even if it
    is killed. Elsewhere it is a 0600 temporary file, removed by
    [`close`][certkit.tls.recording.KeyLog.close] (or at exit).

    Readers never read it whole. A connection calls [`begin`][certkit.tls.recording.KeyLog.begin]
    before its handshake and [`end`][certkit.tls.recording.KeyLog.end] after it, which returns
    the bytes written in between (its lines, and perhaps another connection's, told apart by
    the client random: see [`select`][certkit.tls.recording.KeyLog.select]). When no connection
    is between the two, the log is emptied, so that it stays as small as the connections in
    flight however many came before. CPython opens ``keylog_filename`` in append mode, so
    OpenSSL's next line goes to the new end of the emptied file, not to where it last wrote.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = 0  # connections between begin() and end()
        self._name: str | None = None
        if hasattr(os, "memfd_create") and Path("/proc/self/fd").is_dir():
            self._fd = os.memfd_create("certkit-keylog", os.MFD_CLOEXEC)
            self.path = f"/proc/self/fd/{self._fd}"
        else:  # pragma: no cover - not Linux
            self._fd, name = tempfile.mkstemp(prefix="certkit-keylog-", suffix=".txt")
            self.path = self._name = name
            atexit.register(self.close)

    def size(self) -> int:
        """The log's size now, in bytes (0 once it is closed)."""
        with self._lock:
            return self._size()

    def _size(self) -> int:
        if self._fd < 0:
            return 0
        return os.lseek(self._fd, 0, os.SEEK_END)  # cheaper than fstat; reads use pread

    def begin(self) -> int:
        """Note that a connection starts: the log is not emptied until it ends.

        Returns:
            The offset its lines start after, for [`end`][certkit.tls.recording.KeyLog.end].
        """
        with self._lock:
            self._open += 1
            return self._size()

    def end(self, offset: int) -> bytes:
        """The bytes written since ``offset`` (taken by `begin`); the connection is over.

        When no other connection is between `begin` and `end`, the log is emptied.

        Args:
            offset: What [`begin`][certkit.tls.recording.KeyLog.begin] returned.

        Returns:
            The log's bytes after ``offset`` (nothing if the log was closed meanwhile).
        """
        with self._lock:
            self._open = max(0, self._open - 1)
            if self._fd < 0:
                return b""
            size = self._size()
            data = os.pread(self._fd, size - offset, offset) if size > offset else b""
            if self._open == 0 and size:
                os.ftruncate(self._fd, 0)
            return data

    def lines_since(self, offset: int, client_random: bytes | None = None) -> tuple[str, ...]:
        """The key log lines written after ``offset`` (for one client random, if given)."""
        with self._lock:
            size = self._size()
            if size <= offset:
                return ()
            data = os.pread(self._fd, size - offset, offset)
        return self.select(data, client_random)

    @staticmethod
    def select(data: bytes, client_random: bytes | None = None) -> tuple[str, ...]:
        """The key log lines in ``data`` (for one client random, if given), comments left out.

        Args:
            data: Key log bytes, e.g. what [`end`][certkit.tls.recording.KeyLog.end] returned.
            client_random: The ClientHello's random whose lines are wanted (``None``: all).
        """
        text = data.decode("ascii", "replace")
        wanted = client_random.hex() if client_random is not None else None
        found = []
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            if wanted is not None:
                parts = line.split()
                if len(parts) != 3 or parts[1].lower() != wanted:
                    continue
            found.append(line)
        return tuple(found)

    def close(self) -> None:
        """Release the log: its lines are gone (a temporary file is removed). Safe to repeat."""
        with self._lock:
            fd, self._fd = self._fd, -1
            name, self._name = self._name, None
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        if name is not None:  # pragma: no cover - not Linux
            with contextlib.suppress(OSError):
                os.unlink(name)


_PROCESS_KEYLOG: KeyLog | None = None
_PROCESS_KEYLOG_LOCK = threading.Lock()


def process_keylog() -> KeyLog:
    """The key log of this process's in-memory handshakes (made on first use).

    It stays small: [`run`][certkit.tls.handshake.run] takes each handshake's bytes out of it
    with [`begin`][certkit.tls.recording.KeyLog.begin] and
    [`end`][certkit.tls.recording.KeyLog.end], and it is emptied whenever no handshake is
    running.
    """
    global _PROCESS_KEYLOG
    with _PROCESS_KEYLOG_LOCK:
        if _PROCESS_KEYLOG is None:
            _PROCESS_KEYLOG = KeyLog()
        return _PROCESS_KEYLOG


class Capture:
    """What one connection sent and saw, while it runs; `finish` makes the Recording.

    Args:
        tap: The message tap of the connection, or ``None`` when this Python has no message
            callback (the recording's messages then come from the plaintext records).
    """

    def __init__(self, tap: MessageTap | None) -> None:
        self.tap = tap
        self.chunks: list[tuple[Side, bytes]] = []
        self.timings: dict[str, float] = {}

    def sent(self, sender: Side, data: bytes) -> None:
        """Note bytes that ``sender`` put on the wire (split into records at the end)."""
        self.chunks.append((sender, data))

    def records(self) -> list[Record]:
        """The records of the bytes sent so far, in wire order."""
        splitters = {"client": RecordSplitter("client"), "server": RecordSplitter("server")}
        found: list[Record] = []
        for sender, data in self.chunks:
            found.extend(splitters[sender].feed(data))
        return found

    def finish(self, *, keylog: Sequence[str] = (), **outcome: Any) -> Recording:
        """The recording: the records, the messages and alerts, the key log and ``outcome``.

        Args:
            keylog: The key log lines of this connection.
            **outcome: The other [`Recording`][certkit.tls.recording.Recording] fields (``ok``,
                ``version``, ``cipher``, errors, ``resumed``, ``alpn`` ...).
        """
        records: Deferred[Record] = Deferred(self.records)
        tap = self.tap
        if tap is not None:
            events: Deferred[tuple[list[Message], list[Alert]]] = Deferred(lambda: [tap.result()])
            messages: Deferred[Message] = Deferred(lambda: events[0][0])
            alerts: Deferred[Alert] = Deferred(lambda: events[0][1])
            source = "callback"
        else:
            messages = Deferred(lambda: messages_from_records(records))
            alerts = Deferred(lambda: alerts_from_records(records))
            source = "wire"
        if not _DEFAULTS.keys() >= outcome.keys():
            raise TypeError(f"not Recording fields: {sorted(outcome.keys() - _DEFAULTS.keys())}")
        fields = dict(_DEFAULTS, **outcome)
        fields.update(
            records=records,
            messages=messages,
            alerts=alerts,
            keylog=keylog if isinstance(keylog, tuple | Deferred) else tuple(keylog),
            timings=MappingProxyType(dict(self.timings)),
            source=source,
        )
        # Built without the dataclass __init__ (17 frozen-field assignments, a tenth of what
        # recording a handshake costs): every field is set here, already in its final type.
        recording = object.__new__(Recording)
        recording.__dict__.update(fields)
        return recording

    def client_random(self) -> bytes | None:
        """The ClientHello's random, from the first client record (for the key log)."""
        buffer = b""
        for sender, data in self.chunks:
            if sender != "client":
                continue
            buffer += data
            if len(buffer) >= 5 + 4 + 2 + 32:
                if buffer[0] != 22 or buffer[5] != 1:
                    return None
                return buffer[11:43]
        return None
