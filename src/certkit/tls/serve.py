"""A real TLS server on 127.0.0.1, recorded from the server's side.

[`Server`][certkit.tls.serve.Server] listens on the loopback address with a lab PKI and the
[`Options`][certkit.tls.handshake.Options] of a lab handshake (version cap, cipher, client
authentication), answers each HTTP/1.1 request with ``200 OK``, and keeps a
[`Recording`][certkit.tls.recording.Recording] of every connection as the server saw it: the wire
records, the handshake messages (from OpenSSL's message callback on the server context), alerts,
version, cipher, group, chains and key log. Real clients (``curl``, ``openssl s_client``, Java)
can then be compared with what certkit recorded. [`connect`][certkit.tls.serve.connect] is the
other end: an OpenSSL client over a socket to any server on 127.0.0.1, recorded from the
client's side.

After a failed handshake both close in order: the alert is sent, the output is shut down, and the
input is read until the peer closes (boundedly). Closing a socket that still has unread input
makes the kernel answer with a reset, and a peer that is still writing (a TLS 1.3 client sending
its request) would then report a reset connection instead of the alert it was sent.

It writes the files the clients need (the root CA and ``Fetch.java``; when the server asks for a
client certificate, also the client's chain, key and PKCS #12 file and the intermediate CA) into a
directory, and
[`commands`][certkit.tls.serve.Server.commands] gives the exact command lines that connect with
them.

The server only ever listens on ``127.0.0.1``. It runs in a background thread, for a bounded
time (``lifetime``), and every socket operation has a timeout (``io_timeout``). When ``accept``
fails for a reason that passes (out of file descriptors, a client that gave up while queued),
it waits and tries again, longer each time, and says so once: see
[`AcceptBackoff`][certkit.tls.serve.AcceptBackoff]. Its key log stays as small as the
connections in flight (see [`KeyLog`][certkit.tls.recording.KeyLog]).

Examples:
    >>> from certkit.tls.serve import Server
    >>> with Server() as server:
    ...     server.url.startswith("https://localhost:")
    True
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from certkit.certificates.pki import LabPKI
from certkit.errors import InputError, one_line
from certkit.tls.clientkit import HOST, ClientKit
from certkit.tls.handshake import Options, contexts, lab_pki
from certkit.tls.recording import Capture, KeyLog, MessageTap, Recording
from certkit.tls.wire import Side, other_side
from certkit.values import number

__all__ = ["MAX_SECONDS", "AcceptBackoff", "Server", "connect"]


_T = TypeVar("_T")

MAX_SECONDS = 86400.0
"""The longest ``lifetime`` (and ``io_timeout``) a [`Server`][certkit.tls.serve.Server] takes: a
day."""


class AcceptBackoff:
    """What the accept loop does when ``accept()`` fails: wait, longer each time; say so once.

    ``accept()`` fails for reasons that pass: the process or the system is out of file
    descriptors (``EMFILE``, ``ENFILE``) or buffers, or a client gave up while it was queued
    (``ECONNABORTED``). The waiting connection stays queued and the listener stays ready, so
    trying again at once would spin. After the first failure the loop waits ``first`` seconds,
    then twice as long after each further failure, at most ``most``; a successful ``accept``
    ends the episode. The first failure of an episode is reported with one line through ``log``;
    the retries are quiet.

    Args:
        log: Called with the one line of each episode.
        first: Seconds to wait after the first failure.
        most: The longest wait.

    Attributes:
        failures: The failures so far, all episodes together.

    Examples:
        >>> lines = []
        >>> backoff = AcceptBackoff(lines.append)
        >>> [backoff.failed(OSError(24, "Too many open files")) for _ in range(9)]
        [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.0, 1.0]
        >>> len(lines)
        1
    """

    TRANSIENT = frozenset(
        getattr(errno, name)
        for name in (
            "EMFILE",
            "ENFILE",
            "ENOBUFS",
            "ENOMEM",
            "ECONNABORTED",
            "EPROTO",
            "EPERM",
            "ENETDOWN",
            "ENOPROTOOPT",
            "EHOSTDOWN",
            "ENONET",
            "EHOSTUNREACH",
            "EOPNOTSUPP",
            "ENETUNREACH",
            "EAGAIN",
            "EINTR",
        )
        if hasattr(errno, name)
    )
    """The ``errno`` values after which ``accept`` is tried again (Linux's accept(2) list)."""

    def __init__(self, log: Callable[[str], None], first: float = 0.01, most: float = 1.0) -> None:
        self._log = log
        self._first = first
        self._most = most
        self._delay = 0.0
        self.failures = 0

    @classmethod
    def transient(cls, error: OSError) -> bool:
        """Whether ``accept`` may succeed later after this error (else the loop stops)."""
        return error.errno in cls.TRANSIENT

    def failed(self, error: OSError) -> float:
        """Note a failed ``accept``; report it if it starts an episode.

        Args:
            error: What ``accept`` raised.

        Returns:
            The seconds to wait before trying again.
        """
        self.failures += 1
        if self._delay == 0:
            self._delay = self._first
            self._log(self.describe(error))
        else:
            self._delay = min(self._delay * 2, self._most)
        return self._delay

    def succeeded(self) -> None:
        """Note a successful ``accept``: the episode, if any, is over."""
        self._delay = 0.0

    def describe(self, error: OSError) -> str:
        """The line that reports an episode: what failed, and what happens (or to do) now."""
        name = errno.errorcode.get(error.errno or 0, "")
        what = f"{error.strerror or error} ({name})" if name else str(error.strerror or error)
        hint = ""
        if error.errno in (errno.EMFILE, errno.ENFILE):
            hint = "close some connections or raise the limit (ulimit -n); "
        return (
            f"certkit serve: cannot accept connections: {what}; {hint}retrying every "
            f"{self._first * 1000:g} ms to {self._most:g} s until it clears"
        )


def _print_to_stderr(line: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(one_line(line), file=sys.stderr, flush=True)


class Server:
    """A TLS server on 127.0.0.1 with a lab PKI, in a background thread.

    Use it as a context manager, or call [`start`][certkit.tls.serve.Server.start] and
    [`stop`][certkit.tls.serve.Server.stop]. Each connection gets a TLS handshake, one HTTP/1.1
    exchange (any request gets ``200 OK`` with a line naming the version and cipher), a
    ``close_notify``, and a server-side [`Recording`][certkit.tls.recording.Recording] in
    ``recordings``.

    Args:
        pki: The certificates (default: [`lab_pki`][certkit.tls.handshake.lab_pki]``()``): the
            server sends its chain, and trusts the root for client certificates.
        options: The server's side of the handshake options (default: ``Options()``):
            ``tls``, ``server_max``, ``cipher``, ``client_auth``, ``curve`` and ``alpn`` are
            used.
        port: The port; 0 (the default) lets the system pick a free one.
        directory: Where to write the files the clients need; a temporary directory
            (removed by [`stop`][certkit.tls.serve.Server.stop]) by default.
        lifetime: Seconds after which the server stops accepting connections.
        io_timeout: Seconds any one socket operation may wait.
        max_connections: Stop accepting after this many connections (``None``: no limit).
        log: Called with one line when something goes wrong that the server rides out (``accept``
            failing for a while); by default the line is printed on standard error.

    Attributes:
        pki: The lab PKI.
        options: The handshake options.
        recordings: One server-side recording per finished connection, in order.
        directory: Where the files for the clients are.
        kit: The files and command lines for real clients.
    """

    def __init__(
        self,
        pki: LabPKI | None = None,
        options: Options | None = None,
        *,
        port: int = 0,
        directory: str | Path | None = None,
        lifetime: float = 600.0,
        io_timeout: float = 10.0,
        max_connections: int | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        number(port, "port", minimum=0, maximum=65535, give="a port from 1 to 65535, or 0")
        for name, seconds in (("lifetime", lifetime), ("io_timeout", io_timeout)):
            number(seconds, name, above=0, maximum=MAX_SECONDS)
        if max_connections is not None:
            number(max_connections, "max_connections", minimum=1)
        self.pki = pki if pki is not None else lab_pki()
        self.options = options if options is not None else Options()
        self.recordings: list[Recording] = []
        self._requested_port = port
        self._given_directory = Path(directory) if directory is not None else None
        self.directory: Path = self._given_directory or Path(".")
        self.kit = ClientKit(self.pki, self.options, self.directory)
        self._lifetime = lifetime
        self._io_timeout = io_timeout
        self._max_connections = max_connections
        self._log = log if log is not None else _print_to_stderr
        self._context: ssl.SSLContext | None = None
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._handlers: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._changed = threading.Condition()
        self._taps: dict[ssl.SSLObject, MessageTap] = {}
        self._taps_lock = threading.Lock()
        self._keylog: KeyLog | None = None
        self._private: Path | None = None
        self._accepted = 0
        self._port = 0

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Server:
        """Write the client files, listen on 127.0.0.1 and start serving in the background.

        Returns:
            The server itself.

        Raises:
            InputError: If an option is unusable, the server is already running, or the port
                is taken.
        """
        if self._thread is not None:
            raise InputError("the server is already running; stop it before starting it again")
        _, context = contexts(self.pki, self.options)
        try:
            self._listen(context)
        except BaseException:
            self.stop(wait=False)  # nothing left behind, whatever interrupted the start
            raise
        self._stopping.clear()
        self._deadline = time.monotonic() + self._lifetime
        self._thread = threading.Thread(target=self._accept_loop, name="certkit-serve", daemon=True)
        self._thread.start()
        return self

    def _listen(self, context: ssl.SSLContext) -> None:
        """Make the private directory and the key log, listen, and write the client files."""
        self._private = Path(tempfile.mkdtemp(prefix="certkit-serve-"))
        self._keylog = KeyLog()
        context.keylog_filename = self._keylog.path
        if MessageTap.available(context):
            MessageTap.attach(context, self._dispatch)
        self._context = context
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener = listener
        try:
            listener.bind((HOST, self._requested_port))
        except OSError as exc:
            raise InputError(
                f"cannot listen on {HOST}:{self._requested_port} ({exc.strerror}); "
                "choose another port, or 0 for any free one"
            ) from None
        listener.listen(16)
        listener.settimeout(0.2)
        self._port = listener.getsockname()[1]
        if self._given_directory is None:
            self.directory = self._private / "files"
        self.kit.directory = self.directory
        self.kit.write()  # all or none; a link planted in the directory is refused

    def stop(self, wait: bool = True) -> None:
        """Stop accepting and clean up: the temporary directory and the key log are removed.

        Safe to call more than once, and after a failed [`start`][certkit.tls.serve.Server.start].

        Args:
            wait: Wait (boundedly: ``io_timeout`` and a second for each) for open connections
                to finish first. With ``False`` it cleans up at once: connections still open
                are cut short, and their recordings may lack key log lines.
        """
        self._stopping.set()
        thread = self._thread
        if wait:
            if thread is not None:
                thread.join(timeout=5)
            for handler in list(self._handlers):
                handler.join(timeout=self._io_timeout + 1)
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._thread = None
        self._cleanup()

    def __enter__(self) -> Server:
        return self.start()

    # Deliberate boilerplate: the context-manager signature, as in java.JavaPeer.
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server still accepts connections."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def open_connections(self) -> int:
        """How many connections are being served now (accepted, not yet recorded)."""
        return sum(handler.is_alive() for handler in list(self._handlers))

    @property
    def keylog(self) -> KeyLog | None:
        """The server's key log while it runs (each recording gets its own lines from it)."""
        return self._keylog

    def wait_stopped(self, timeout: float = 10.0) -> bool:
        """Wait until the server stops accepting (its lifetime or connection limit reached).

        Args:
            timeout: Seconds to wait at most.

        Returns:
            Whether it has stopped accepting.
        """
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    @property
    def port(self) -> int:
        """The port the server listens on (0 before [`start`][certkit.tls.serve.Server.start])."""
        return self._port

    @property
    def url(self) -> str:
        """``https://localhost:PORT/``: the name in the server certificate."""
        return f"https://{self.options.server_hostname}:{self.port}/"

    def wait(self, count: int = 1, timeout: float = 10.0) -> list[Recording]:
        """Wait until at least ``count`` connections have finished.

        Args:
            count: How many recordings to wait for.
            timeout: Seconds to wait at most.

        Returns:
            The recordings so far (fewer than ``count`` if the time ran out).
        """
        end = time.monotonic() + timeout
        with self._changed:
            while len(self.recordings) < count:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return list(self.recordings)

    # -- how to connect ------------------------------------------------------------------------

    @property
    def files(self) -> dict[str, Path]:
        """The files written for the clients, by name (see `ClientKit`)."""
        return self.kit.files

    def commands(self) -> dict[str, list[str]]:
        """The command lines that connect to this server (see `ClientKit.commands`)."""
        return self.kit.commands(self.port)

    def instructions(self) -> str:
        """How to connect with curl, openssl s_client and Java, ready to copy."""
        return self.kit.instructions(self.port)

    # -- internals -----------------------------------------------------------------------------

    def _cleanup(self) -> None:
        keylog, self._keylog = self._keylog, None
        if keylog is not None:
            keylog.close()
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None  # only once removed: an interrupted removal is tried again

    def _dispatch(
        self, conn: Any, direction: str, version: Any, content_type: Any, msg_type: Any, data: bytes
    ) -> None:
        with self._taps_lock:
            tap = self._taps.get(conn)
        if tap is not None:
            tap.callback(conn, direction, version, content_type, msg_type, data)

    def _accept_loop(self) -> None:
        listener, context, keylog = self._listener, self._context, self._keylog
        assert listener is not None and context is not None and keylog is not None
        backoff = AcceptBackoff(self._log)
        while not self._stopping.is_set() and (left := self._deadline - time.monotonic()) > 0:
            if self._max_connections is not None and self._accepted >= self._max_connections:
                break
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError as exc:
                if self._stopping.is_set():
                    break
                if not backoff.transient(exc):
                    self._log(f"certkit serve: stopped accepting connections: {exc}")
                    break
                self._stopping.wait(min(backoff.failed(exc), left))
                continue
            backoff.succeeded()
            self._accepted += 1
            handler = threading.Thread(
                target=self._handle,
                args=(sock, context, keylog),
                name="certkit-serve-conn",
                daemon=True,
            )
            self._handlers = [h for h in self._handlers if h.is_alive()]
            self._handlers.append(handler)
            handler.start()

    def _handle(self, sock: socket.socket, context: ssl.SSLContext, keylog: KeyLog) -> None:
        try:
            recording = self._serve(sock, context, keylog)
        finally:
            sock.close()
        with self._changed:
            self.recordings.append(recording)
            self._changed.notify_all()

    def _serve(self, sock: socket.socket, context: ssl.SSLContext, keylog: KeyLog) -> Recording:
        sock.settimeout(self._io_timeout)
        tap = MessageTap("server") if MessageTap.available(context) else None
        capture = Capture(tap)
        pump = _SocketPump(sock, "server", capture, deadline=3 * self._io_timeout)
        obj = context.wrap_bio(pump.incoming, pump.outgoing, server_side=True)
        if tap is not None:
            with self._taps_lock:
                self._taps[obj] = tap
        offset = keylog.begin()
        start = time.perf_counter()
        outcome: dict[str, Any] = {}
        shook = False
        error: BaseException | None = None
        try:
            pump.call(obj.do_handshake)
            shook = True
            capture.timings["handshake"] = time.perf_counter() - start
            # Read these now: after the close, Python reports no version.
            cipher = obj.cipher()
            outcome.update(
                version=obj.version(),
                cipher=cipher[0] if cipher else None,
                resumed=obj.session_reused,
                alpn=obj.selected_alpn_protocol(),
            )
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                chunk = pump.call(lambda: obj.read(16384))
                if not chunk:
                    break
                request += chunk
            pump.call(lambda: obj.write(_response(request, obj)))
            self._close(obj, pump.call, sock)
        except (ssl.SSLError, OSError, ValueError) as exc:
            error = exc
            with contextlib.suppress(OSError):
                pump.flush()
            _linger(sock, self._io_timeout)
        finally:
            logged = keylog.end(offset)
            with self._taps_lock:
                self._taps.pop(obj, None)
        capture.timings["total"] = time.perf_counter() - start
        client_random = capture.client_random()
        lines = keylog.select(logged, client_random) if client_random else ()
        return capture.finish(
            keylog=lines,
            server_error=f"{type(error).__name__}: {error}" if error else None,
            server_reason=getattr(error, "reason", None),
            server_completed=shook,
            ok=shook and error is None,
            **outcome,
        )

    def _close(
        self, obj: ssl.SSLObject, call: Callable[[Callable[[], Any]], Any], sock: Any
    ) -> None:
        """Send close_notify, then give the client a moment to send its own."""
        with contextlib.suppress(ssl.SSLWantReadError):
            obj.unwrap()
        call(lambda: None)  # flush the close_notify
        sock.settimeout(min(self._io_timeout, 1.0))
        with contextlib.suppress(ssl.SSLError, OSError):
            call(obj.unwrap)


def connect(
    port: int,
    context: ssl.SSLContext,
    *,
    server_hostname: str = "localhost",
    io_timeout: float = 10.0,
) -> Recording:
    """Connect to ``127.0.0.1:port`` as an OpenSSL client and record it from the client's side.

    The client does the handshake, sends ``GET / HTTP/1.1`` and reads the answer to its end,
    so that a server that rejects the client's certificate after a TLS 1.3 handshake is
    noticed. Any server will do: certkit's [`Server`][certkit.tls.serve.Server], or another TLS
    stack (see [`certkit.tls.java`][certkit.tls.java]). certkit sets the context's message callback
    for
    the duration of the call (and restores it).

    Args:
        port: The server's port on 127.0.0.1.
        context: The client context (e.g. the first of
            [`contexts`][certkit.tls.handshake.contexts]).
        server_hostname: The name sent in SNI and checked against the server's certificate.
        io_timeout: Seconds any one socket operation may wait.

    Returns:
        The client's recording: messages and alerts of both sides as the client saw them,
        version, cipher, ``client_error``, ``client_reason`` and ``client_completed``.

    Raises:
        InputError: If nothing listens on the port.
    """
    tap = MessageTap("client") if MessageTap.available(context) else None
    capture = Capture(tap)
    restore = tap.install(context) if tap is not None else None
    try:
        sock = socket.create_connection((HOST, port), timeout=io_timeout)
    except OSError as exc:
        if restore is not None:
            restore()
        raise InputError(
            f"cannot connect to {HOST}:{port} ({exc}); is the server running?"
        ) from None
    error: BaseException | None = None
    outcome: dict[str, Any] = {}
    start = time.perf_counter()
    try:
        pump = _SocketPump(sock, "client", capture, deadline=3 * io_timeout)
        obj = context.wrap_bio(pump.incoming, pump.outgoing, server_hostname=server_hostname)
        request = f"GET / HTTP/1.1\r\nHost: {server_hostname}\r\nConnection: close\r\n\r\n"
        try:
            pump.call(obj.do_handshake)
            outcome["client_completed"] = True
            capture.timings["handshake"] = time.perf_counter() - start
            cipher = obj.cipher()
            outcome.update(version=obj.version(), cipher=cipher[0] if cipher else None)
            pump.call(lambda: obj.write(request.encode("ascii")))
            with contextlib.suppress(ssl.SSLZeroReturnError):
                while pump.call(lambda: obj.read(16384)):
                    pass
            with contextlib.suppress(ssl.SSLWantReadError):
                obj.unwrap()
            pump.flush()
        except (ssl.SSLError, OSError, ValueError) as exc:
            error = exc
            with contextlib.suppress(OSError):
                pump.flush()
        _linger(sock, io_timeout)
    finally:
        sock.close()
        if restore is not None:
            restore()
    capture.timings["total"] = time.perf_counter() - start
    return capture.finish(
        client_error=f"{type(error).__name__}: {error}" if error else None,
        client_reason=getattr(error, "reason", None),
        ok=bool(outcome.get("client_completed")) and error is None,
        **outcome,
    )


class _SocketPump:
    """Moves TLS bytes between a socket and an ``SSLObject``'s memory BIOs, recording them.

    ``me`` is the side this end plays: what it sends is recorded as that side's records.
    """

    def __init__(self, sock: socket.socket, me: Side, capture: Capture, *, deadline: float) -> None:
        self.sock = sock
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self._me, self._peer = me, other_side(me)
        self._capture = capture
        self._deadline = time.monotonic() + deadline

    def flush(self) -> None:
        """Send what the TLS object has written."""
        data = self.outgoing.read()
        if data:
            self._capture.sent(self._me, data)
            self.sock.sendall(data)

    def receive(self) -> None:
        """Read what the peer sent into the TLS object (end of stream included)."""
        if time.monotonic() > self._deadline:
            raise TimeoutError("the peer took too long")
        data = self.sock.recv(65536)
        if not data:
            if self.incoming.eof:
                raise ConnectionResetError("the peer closed the connection")
            self.incoming.write_eof()
            return
        self._capture.sent(self._peer, data)
        self.incoming.write(data)

    def call(self, step: Callable[[], _T]) -> _T:
        """Run one TLS step, moving bytes until it no longer waits for them."""
        while True:
            try:
                result = step()
            except ssl.SSLWantReadError:
                self.flush()
                self.receive()
                continue
            except ssl.SSLWantWriteError:
                self.flush()
                continue
            self.flush()
            return result


def _linger(sock: socket.socket, timeout: float) -> None:
    """Close in order after a failure: end our output, then read until the peer closes.

    See the module's description: without it a peer that is still writing may see a reset
    connection instead of the alert.
    """
    deadline = time.monotonic() + timeout
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            if not sock.recv(65536):
                break


def _response(request: bytes, obj: ssl.SSLObject) -> bytes:
    first = request.split(b"\r\n", 1)[0].decode("latin-1")
    if len(first.split()) != 3 or not first.split()[2].startswith("HTTP/"):
        body = "certkit serve: send an HTTP/1.1 request, e.g. GET / HTTP/1.1\n"
        status = "400 Bad Request"
    else:
        cipher = obj.cipher()
        body = f"certkit serve: {obj.version()} {cipher[0] if cipher else ''}\n"
        peer = obj.getpeercert()
        if peer:
            subject = ", ".join(
                f"{pair[0]}={pair[1]}" for rdn in peer.get("subject", ()) for pair in rdn
            )
            body += f"client certificate: {subject}\n"
        status = "200 OK"
    payload = body.encode("utf-8")
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + payload
