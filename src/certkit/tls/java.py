"""OpenJDK's JSSE against OpenSSL, on 127.0.0.1: real handshakes between two TLS stacks.

Every other handshake in certkit is OpenSSL talking to OpenSSL (through Python's ``ssl``).
This module runs the JVM's own TLS implementation, JSSE, as a client or a server against an
OpenSSL peer, so that a page can show what each stack sends and says instead of assuming that
all stacks behave like OpenSSL.

[`JavaPeer`][certkit.tls.java.JavaPeer] starts one JVM running ``JssePeer.java`` (shipped with
certkit, run with Java's source launcher, Java 11 or later) and gives it commands one at a
time, so a whole table of handshakes costs one JVM start.
[`interop`][certkit.tls.java.interop] runs [`Scenario`][certkit.tls.java.Scenario]s in up to three
pairings: OpenSSL server and client, a JSSE server with an OpenSSL client, an OpenSSL server
with a JSSE client. The OpenSSL side of each pairing records the handshake with OpenSSL's
message callback (certkit's [`Server`][certkit.tls.serve.Server] and
[`connect`][certkit.tls.serve.connect]), which sees the alerts of both sides, including encrypted
TLS 1.3 alerts; the JSSE side reports its exception.

The results are OpenJDK's (the ``java`` on ``PATH``). IBM's JSSE (IBM Java 8, used by older
Liberty on z/OS) is a different implementation and may choose differently.
"""

from __future__ import annotations

import contextlib
import queue
import shutil
import subprocess
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from certkit.certificates.pki import LabPKI, java_truststore
from certkit.datafiles import read_text
from certkit.defaults import STORE_PASSWORD
from certkit.errors import InputError
from certkit.tls.ciphersuites import explain
from certkit.tls.handshake import Options, contexts
from certkit.tls.recording import Recording
from certkit.tls.serve import Server, connect
from certkit.tls.wire import (
    ALERTS,
    Alert,
    Side,
    WireError,
    extension_list,
    parse_hello,
    ticket_lifetime,
)

__all__ = [
    "JavaPeer",
    "JavaResult",
    "Pairing",
    "Scenario",
    "encrypted_extensions",
    "interop",
    "report",
    "server_hello_extensions",
    "ticket_lifetimes",
]

Stack = Literal["OpenSSL", "JSSE"]


_PROTOCOLS = {None: "TLSv1.3,TLSv1.2", "1.2": "TLSv1.2", "1.3": "TLSv1.3"}
_TIMEOUT = 60.0


@dataclass(frozen=True)
class JavaResult:
    """What the JSSE side of one connection reported.

    Attributes:
        ok: The handshake and the HTTP exchange worked.
        step: Where it ended: ``handshake``, ``request``, ``response`` or ``done``.
        protocol: The negotiated version (``TLSv1.3``), or ``None`` if no handshake completed.
        suite: The negotiated cipher suite (Java's name), or ``None``.
        text: The HTTP status line, or the exception as ``class: message``.
    """

    ok: bool
    step: str
    protocol: str | None
    suite: str | None
    text: str

    @property
    def handshake_completed(self) -> bool:
        """Whether JSSE finished its handshake (a TLS 1.3 rejection can come after it)."""
        return self.step != "handshake"

    @property
    def exception(self) -> str | None:
        """The exception without its package, e.g. ``SSLHandshakeException: ...``."""
        if self.ok:
            return None
        name, _, message = self.text.partition(": ")
        return f"{name.rsplit('.', 1)[-1]}: {message}"

    @classmethod
    def parse(cls, line: str) -> JavaResult:
        """Read a ``result client|server ...`` line of ``JssePeer.java``."""
        words = line.split(" ", 6)
        if len(words) != 7 or words[0] != "result":
            raise InputError(f"JssePeer answered {line!r}, not a result line")
        _, _, status, step, protocol, suite, text = words
        return cls(
            status == "ok",
            step,
            None if protocol == "-" else protocol,
            None if suite == "-" else suite,
            text,
        )


class JavaPeer:
    """One JVM running ``JssePeer.java``, given commands one at a time.

    Use it as a context manager. Key and trust stores are PKCS #12 files in a private
    temporary directory, written with [`store`][certkit.tls.java.JavaPeer.store] and named in the
    commands.

    Args:
        java: The ``java`` command (default: the one on ``PATH``).
        timeout: Seconds any one answer of the JVM may take (the first includes compiling).

    Attributes:
        vm: The JVM's name and specification version, e.g. ``OpenJDK 64-Bit Server VM 17``.

    Raises:
        InputError: If no ``java`` is found or it does not start.
    """

    def __init__(self, java: str | None = None, *, timeout: float = _TIMEOUT) -> None:
        self._java = java or shutil.which("java")
        if self._java is None:
            raise InputError("no java command: install a JDK, version 11 or later")
        self._timeout = timeout
        self._process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._pending: list[str] = []
        self._directory: Path | None = None
        self._stderr: IO[str] | None = None
        self.vm = ""

    def __enter__(self) -> JavaPeer:
        self._directory = Path(tempfile.mkdtemp(prefix="certkit-jsse-"))
        source = self._directory / "JssePeer.java"
        source.write_text(read_text("JssePeer.java"), "utf-8")
        self._stderr = (self._directory / "stderr.txt").open("w+", encoding="utf-8")
        assert self._java is not None
        self._process = subprocess.Popen(
            [self._java, "-XX:TieredStopAtLevel=1", str(source), str(self._directory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        threading.Thread(target=self._read, args=(self._process.stdout,), daemon=True).start()
        try:
            self.vm = self._expect("ready ").removeprefix("ready ")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    # Deliberate boilerplate: the context-manager signature, as in serve.Server.
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        process = self._process
        if process is not None:
            with contextlib.suppress(OSError):
                assert process.stdin is not None
                process.stdin.write("quit\n")
                process.stdin.close()
            try:
                process.wait(timeout=self._timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=self._timeout)
            self._process = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None

    def store(self, name: str, content: bytes) -> None:
        """Write a PKCS #12 file (password ``changeit``) the JVM can name as ``name``."""
        assert self._directory is not None, "use JavaPeer as a context manager"
        (self._directory / f"{name}.p12").write_bytes(content)

    def fetch(self, url: str, *, trust: str = "trust") -> str:
        """GET ``url`` with ``HttpsURLConnection`` (endpoint identification HTTPS).

        Returns:
            The HTTP status (``200``), or ``failed`` and the exception as ``class: message``.
        """
        self._send(f"fetch {url} trust={trust}")
        return self._expect("fetch ").removeprefix("fetch ")

    def client(
        self,
        port: int,
        *,
        host: str = "localhost",
        protocols: str = _PROTOCOLS[None],
        ciphers: str | None = None,
        keystore: str | None = None,
        trust: str = "trust",
    ) -> JavaResult:
        """Connect to 127.0.0.1:``port`` as a JSSE client and send one HTTP/1.1 request.

        Args:
            port: The server's port.
            host: The name for SNI and for checking the server's certificate.
            protocols: Enabled versions, comma-separated (``TLSv1.2,TLSv1.3``).
            ciphers: Enabled suites (Java names), comma-separated; the JDK's default if None.
            keystore: The client's key store, or None for no client certificate.
            trust: The trust store.
        """
        self._send(
            f"client {port} host={host} protocols={protocols} trust={trust}"
            + (f" ciphers={ciphers}" if ciphers else "")
            + (f" keystore={keystore}" if keystore else "")
        )
        return JavaResult.parse(self._expect("result client "))

    def listen(
        self,
        *,
        protocols: str = _PROTOCOLS[None],
        ciphers: str | None = None,
        client_auth: bool = False,
        keystore: str = "server",
        trust: str = "trust",
    ) -> int:
        """Start a JSSE server for one connection, in the background.

        Connect to it (with an OpenSSL client, or with [`client`][certkit.tls.java.JavaPeer.client]
        in the same JVM), then collect its result with
        [`result`][certkit.tls.java.JavaPeer.result].

        Returns:
            The port it listens on (127.0.0.1).
        """
        self._send(
            f"server protocols={protocols} keystore={keystore} trust={trust}"
            + (f" ciphers={ciphers}" if ciphers else "")
            + (" auth=required" if client_auth else "")
        )
        return int(self._expect("listening ").split()[1])

    def result(self) -> JavaResult:
        """The result of the connection that the last `listen` took."""
        return JavaResult.parse(self._expect("result server "))

    # -- internals -----------------------------------------------------------------------------

    def _read(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _send(self, command: str) -> None:
        process = self._process
        assert process is not None and process.stdin is not None, "use JavaPeer as a context"
        try:
            process.stdin.write(command + "\n")
            process.stdin.flush()
        except OSError:
            raise InputError(f"the JVM has stopped: {self._stderr_tail()}") from None

    def _expect(self, prefix: str) -> str:
        """The next line starting with ``prefix``; other lines wait for their own call."""
        deadline = time.monotonic() + self._timeout
        while True:
            for line in self._pending:
                if line.startswith(prefix):
                    self._pending.remove(line)
                    return line
            try:
                got = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise InputError(
                    f"JssePeer did not say {prefix.strip()!r} within {self._timeout} s"
                ) from None
            if got is None:
                raise InputError(f"the JVM has stopped: {self._stderr_tail()}")
            if got.startswith("error "):
                raise InputError(f"JssePeer: {got}")
            self._pending.append(got)

    def _stderr_tail(self) -> str:
        if self._process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=self._timeout)
        if self._stderr is None:
            return "no output"
        self._stderr.seek(0)
        return self._stderr.read()[-2000:].strip() or "no output"


@dataclass(frozen=True)
class Scenario:
    """One handshake to try between the stacks.

    Attributes:
        name: What it shows.
        server_tls: ``"1.2"`` or ``"1.3"`` to let the server speak only that version; ``None``
            for both.
        client_tls: The same for the client.
        server_cipher: The one TLS 1.2 suite the server allows (any spelling), or ``None``.
        client_cipher: The same for the client.
        client_auth: Whether the server requires a client certificate.
        client_cert: Whether the client has one to send.
        pki: The server's certificates, and the root both sides trust (default: the one given
            to [`interop`][certkit.tls.java.interop]).
        client_pki: Where the client's certificate comes from (default: ``pki``); give another
            lab's PKI for a certificate from a CA the server does not know.
        hostname: The name the client connects to.
        pairings: Which pairings to run, as ``(server, client)``.
    """

    name: str
    server_tls: Literal["1.2", "1.3"] | None = None
    client_tls: Literal["1.2", "1.3"] | None = None
    server_cipher: str | None = None
    client_cipher: str | None = None
    client_auth: bool = False
    client_cert: bool = True
    pki: LabPKI | None = None
    client_pki: LabPKI | None = None
    hostname: str = "localhost"
    pairings: tuple[tuple[Stack, Stack], ...] = (
        ("OpenSSL", "OpenSSL"),
        ("JSSE", "OpenSSL"),
        ("OpenSSL", "JSSE"),
        ("JSSE", "JSSE"),
    )


@dataclass(frozen=True)
class Pairing:
    """One scenario between one server stack and one client stack.

    Attributes:
        server: ``OpenSSL`` or ``JSSE``.
        client: ``OpenSSL`` or ``JSSE``.
        ok: The handshake and the HTTP exchange worked.
        alerts: The alerts either side sent, except ``close_notify``, as the OpenSSL side
            recorded them.
        server_says: What the server reported: OpenSSL's reason code or JSSE's exception
            (``None`` if it reported nothing).
        client_says: The same for the client.
        client_completed: Whether the client finished its handshake before the failure.
        openssl: The OpenSSL side's recording (the client's when both are OpenSSL; ``None``
            when both are JSSE, and then ``alerts`` come from each receiver's
            ``Received fatal alert`` exception).
        java: The JSSE side's result (the client's when both are JSSE).
        java_server: The JSSE server's result when both are JSSE.
    """

    server: Stack
    client: Stack
    ok: bool
    alerts: tuple[Alert, ...]
    server_says: str | None
    client_says: str | None
    client_completed: bool
    openssl: Recording | None = field(default=None, repr=False)
    java: JavaResult | None = None
    java_server: JavaResult | None = None

    @property
    def sender(self) -> str:
        """``server sends unknown_ca`` and the like, for the first alert; ``no alert``."""
        if not self.alerts:
            return "no alert"
        first = self.alerts[0]
        return f"{first.sender} sends {first.description}"


def interop(
    pki: LabPKI,
    scenarios: list[Scenario],
    *,
    peer: JavaPeer | None = None,
) -> dict[str, list[Pairing]]:
    """Run each scenario in its pairings of OpenSSL and JSSE, on 127.0.0.1.

    Args:
        pki: The lab's certificates (e.g. [`lab_pki`][certkit.tls.handshake.lab_pki]()): the
            server's chain, the client's, and the root both sides trust.
        scenarios: What to try.
        peer: A running [`JavaPeer`][certkit.tls.java.JavaPeer] to use; one is started (and
            stopped) for the call when it is ``None``.

    Returns:
        For each scenario name, its pairings in the order asked.
    """
    if peer is None:
        with JavaPeer() as started:
            return interop(pki, scenarios, peer=started)
    results: dict[str, list[Pairing]] = {}
    for number, scenario in enumerate(scenarios):
        results[scenario.name] = [
            _pair(peer, pki, scenario, f"s{number}", server, client)
            for server, client in scenario.pairings
        ]
    return results


def report(results: dict[str, list[Pairing]], *, width: int = 78) -> str:
    """The results of [`interop`][certkit.tls.java.interop] as text.

    Per scenario and pairing: who sent which alert, and what each JSSE side said (OpenSSL's
    reason codes are left out).

    Args:
        results: What [`interop`][certkit.tls.java.interop] returned.
        width: Where to wrap JSSE's messages.

    Returns:
        Lines such as ``JSSE server, OpenSSL client: server sends bad_certificate``.
    """
    lines = []
    for name, pairings in results.items():
        failed = [p for p in pairings if not p.ok]
        late = bool(failed) and all(p.client_completed for p in failed)
        lines.append(f"{name}: the client's handshake completes first" if late else name)
        for p in pairings:
            verdict = "no failure" if p.ok else p.sender
            if not p.ok and p.client_completed and not late:
                verdict += " after the client's handshake"
            lines.append(f"  {p.server} server, {p.client} client: {verdict}")
            for side, stack, says in (
                ("server", p.server, p.server_says),
                ("client", p.client, p.client_says),
            ):
                if stack == "JSSE" and says:
                    lines.append(
                        textwrap.fill(
                            f"{side}: {says}",
                            width,
                            initial_indent="    ",
                            subsequent_indent="      ",
                            break_on_hyphens=False,
                        )
                    )
    return "\n".join(lines)


def server_hello_extensions(recording: Recording) -> list[str]:
    """The extensions of the ServerHello in a recording, in the order the server sent them.

    Args:
        recording: A recording with the server's messages (a client's or a server's).

    Returns:
        Extension names (``key_share``, ``supported_versions``, ...).
    """
    hello = next((m for m in recording.messages if m.name == "server_hello"), None)
    if hello is None:
        return []
    try:
        return [extension.name for extension in parse_hello(hello).extensions]
    except WireError:
        return []


def _pair(
    peer: JavaPeer, default: LabPKI, scenario: Scenario, name: str, server: Stack, client: Stack
) -> Pairing:
    pki = scenario.pki or default
    client_pki = scenario.client_pki or pki
    trust = f"{name}-trust"
    if "JSSE" in (server, client):
        peer.store(trust, java_truststore([pki.root.certificate], STORE_PASSWORD))
    keystore: str | None = None
    if client == "JSSE" and scenario.client_cert:
        keystore = f"{name}-client"
        peer.store(keystore, client_pki.client.pkcs12(STORE_PASSWORD, include_root=False))
    client_options = Options(
        tls=scenario.client_tls,
        client_cipher=_openssl_suite(scenario.client_cipher),
        client_cert=scenario.client_cert,
        server_hostname=scenario.hostname,
    )
    client_context, _ = contexts(
        LabPKI(pki.root, pki.intermediate, pki.server, client_pki.client), client_options
    )

    def java_client(port: int) -> JavaResult:
        return peer.client(
            port,
            host=scenario.hostname,
            protocols=_PROTOCOLS[scenario.client_tls],
            ciphers=_java_suite(scenario.client_cipher),
            keystore=keystore,
            trust=trust,
        )

    java_server: JavaResult | None = None
    java: JavaResult | None = None
    recording: Recording | None = None  # the OpenSSL side's; the client's when both are
    server_reason: str | None = None
    if server == "JSSE":
        peer.store(f"{name}-server", pki.server.pkcs12(STORE_PASSWORD, include_root=False))
        port = peer.listen(
            protocols=_PROTOCOLS[scenario.server_tls],
            ciphers=_java_suite(scenario.server_cipher),
            client_auth=scenario.client_auth,
            keystore=f"{name}-server",
            trust=trust,
        )
        if client == "JSSE":
            java = java_client(port)
        else:
            recording = connect(port, client_context, server_hostname=scenario.hostname)
        java_server = peer.result()
    else:
        server_options = Options(
            tls=scenario.server_tls,
            cipher=_openssl_suite(scenario.server_cipher),
            client_auth="required" if scenario.client_auth else "none",
            server_hostname=scenario.hostname,
        )
        with Server(pki, server_options, lifetime=_TIMEOUT, max_connections=1) as openssl:
            if client == "JSSE":
                java = java_client(openssl.port)
            else:
                recording = connect(openssl.port, client_context, server_hostname=scenario.hostname)
            served = openssl.wait(1, timeout=_TIMEOUT)
        if not served:
            raise InputError(f"{scenario.name}: the OpenSSL server recorded no connection")
        server_reason = served[0].server_reason
        recording = recording or served[0]
    if recording is not None:
        alerts = tuple(a for a in recording.alerts if a.description != "close_notify")
    else:
        alerts = _received(java_server, java)
    return Pairing(
        server=server,
        client=client,
        ok=all(r.ok for r in (recording, java_server, java) if r is not None),
        alerts=alerts,
        server_says=java_server.exception if java_server else server_reason,
        client_says=java.exception if java else recording.client_reason if recording else None,
        client_completed=java.handshake_completed
        if java
        else bool(recording and recording.client_completed),
        openssl=recording,
        java=java or java_server,
        java_server=java_server if java else None,
    )


def _received(server: JavaResult | None, client: JavaResult | None) -> tuple[Alert, ...]:
    """The alerts two JSSE peers sent, from each receiver's ``Received fatal alert: X``."""
    codes = {name: code for code, name in ALERTS.items()}
    alerts = []
    pairs: tuple[tuple[Side, JavaResult | None], ...] = (("server", client), ("client", server))
    for sender, receiver in pairs:
        text = receiver.text if receiver else ""
        if "Received fatal alert: " in text:
            description = text.split("Received fatal alert: ", 1)[1].split()[0]
            alerts.append(Alert(sender, "fatal", description, codes.get(description, -1)))
    return tuple(alerts)


def encrypted_extensions(recording: Recording) -> list[str]:
    """The extensions of a TLS 1.3 EncryptedExtensions message, in the server's order."""
    message = next((m for m in recording.messages if m.name == "encrypted_extensions"), None)
    if message is None:
        return []
    try:
        return [extension.name for extension in extension_list(message.body)]
    except WireError:
        return []


def ticket_lifetimes(recording: Recording) -> list[int]:
    """The lifetime, in seconds, of each NewSessionTicket the server sent."""
    return [
        ticket_lifetime(m.body)
        for m in recording.messages
        if m.name == "new_session_ticket" and len(m.body) >= 4
    ]


def _openssl_suite(name: str | None) -> str | None:
    return explain(name).openssl if name else None


def _java_suite(name: str | None) -> str | None:
    return explain(name).java if name else None
