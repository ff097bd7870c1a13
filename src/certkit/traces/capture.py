"""Run the real curl, openssl ``s_client`` and Java against a lab server; keep the text.

Each function runs one tool against ``127.0.0.1:port`` with the files and command line that
the server's [`ClientKit`][certkit.tls.clientkit.ClientKit] wrote and printed (the same lines
``certkit serve`` tells a reader to type), with the tool's tracing turned on, and returns what
the tool printed as a [`Captured`][certkit.traces.capture.Captured]: the raw text, and the text
with its volatile values replaced by
[`normalise`][certkit.traces.text.normalise.normalise], which is what a page shows.

* [`curl_verbose`][certkit.traces.capture.curl_verbose]: ``curl -v`` (standard error).
* [`curl_trace_ascii`][certkit.traces.capture.curl_trace_ascii]: ``curl --trace-ascii -``.
* [`s_client_msg`][certkit.traces.capture.s_client_msg]: ``openssl s_client -msg -state``.
* [`s_client_trace`][certkit.traces.capture.s_client_trace]: ``openssl s_client -trace``.
* [`java_client`][certkit.traces.capture.java_client]: ``Fetch.java`` (compiled once with
  ``javac`` into the kit's directory) with ``-Djavax.net.debug=ssl:handshake`` or ``all``.
* [`java_server`][certkit.traces.capture.java_server]: the other way round, Java is the server:
  ``ServeOnce.java`` (shipped in ``certkit/data``, compiled once with ``javac``) serves one
  connection with ``javax.net.debug`` on, and ``curl -v`` connects to it; the capture is what
  the server's JVM printed, as a Liberty server on Semeru (whose JSSE is OpenJDK's) would log
  the same handshake.

Every tool sends one ``GET /`` and reads the answer, so a TLS 1.3 server that rejects the
client after its handshake is seen. ``client_cert=False`` leaves the client certificate out
of a command line that would send one: against a server that requires one, the capture shows
the failure.

The certificates must be the same every day for the captures to be: use
[`capture_pki`][certkit.traces.capture.capture_pki], whose dates are fixed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from certkit.certificates.pki import Lab, LabPKI, java_truststore
from certkit.datafiles import read_text
from certkit.defaults import LAB_HOSTS, STORE_PASSWORD
from certkit.errors import InputError
from certkit.tls.clientkit import ClientKit
from certkit.tls.handshake import Options
from certkit.traces.text.normalise import normalise

__all__ = [
    "CAPTURE_NOW",
    "HTTP_REQUEST",
    "Captured",
    "capture_pki",
    "curl_trace_ascii",
    "curl_verbose",
    "java_client",
    "java_server",
    "s_client_msg",
    "s_client_trace",
]

CAPTURE_NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
"""The lab clock of [`capture_pki`][certkit.traces.capture.capture_pki]: its certificates start
then."""

_UNTIL = dt.datetime(2049, 12, 31, tzinfo=dt.UTC)  # UTCTime ends with 2049: one date encoding
_DAYS = (_UNTIL - CAPTURE_NOW).days

HTTP_REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
"""What ``s_client`` sends (on its standard input, with ``-ign_eof``)."""

_TIMEOUT = 60.0
_TICKETS = 2
_SUMMARY = re.compile(r"^New, (TLSv1\.[0-3]|\(NONE\)), Cipher is ")
# The options that name the client's certificate and key, and how many values each takes.
_CERT_OPTIONS = {"--cert": 1, "--key": 1, "-cert": 1, "-key": 1, "-cert_chain": 1}
_JAVA_KEYSTORE = "-Djavax.net.ssl.keyStore"


@dataclass(frozen=True)
class Captured:
    """What one tool printed.

    Attributes:
        tool: ``curl``, ``openssl`` or ``java``.
        argv: The command line that ran (paths as they were).
        raw: The text as printed (for Java: standard error, then standard output).
        text: ``raw`` normalised: stable across runs, machines, time zones and days.
        returncode: The tool's exit status.
    """

    tool: str
    argv: tuple[str, ...]
    raw: str
    text: str
    returncode: int


def capture_pki(seed: str = "certkit-traces", key_type: str = "ec-p256") -> LabPKI:
    """The lab PKI for captures: deterministic keys, dates fixed from 2025 to 2049.

    Real tools check dates against the real clock, and [`lab_pki`][certkit.tls.handshake.lab_pki]
    follows the current day, so its certificate bytes (and every dump of them) change daily.
    These certificates are valid from [`CAPTURE_NOW`][certkit.traces.capture.CAPTURE_NOW] to the
    end of 2049 and are signed with RFC 6979 nonces: the same bytes every day.

    Args:
        seed: The lab seed.
        key_type: The key type of every certificate.

    Returns:
        Root, intermediate, server (``localhost``, ``127.0.0.1``) and client certificates.

    Examples:
        >>> pki = capture_pki()
        >>> pki.server.certificate.not_valid_after_utc.isoformat()
        '2049-12-31T00:00:00+00:00'
        >>> capture_pki().server.pem == pki.server.pem
        True
    """
    lab = Lab(seed=seed, now=CAPTURE_NOW)
    root = lab.root_ca("certkit Lab Root CA", key_type=key_type, days=_DAYS)
    intermediate = lab.intermediate_ca(
        root, "certkit Lab Intermediate CA", key_type=key_type, days=_DAYS
    )
    return LabPKI(
        root=root,
        intermediate=intermediate,
        server=lab.server(intermediate, list(LAB_HOSTS), key_type=key_type, days=_DAYS),
        client=lab.client(intermediate, "certkit lab client", key_type=key_type, days=_DAYS),
    )


def curl_verbose(
    kit: ClientKit, port: int, *, client_cert: bool = True, timeout: float = _TIMEOUT
) -> Captured:
    """``curl -v`` against the lab server: the kit's curl command, as a reader runs it.

    Args:
        kit: The server's client kit (its files written).
        port: The server's port on 127.0.0.1.
        client_cert: Send the client certificate when the server asks for one.
        timeout: Seconds curl may take.

    Returns:
        What curl printed on standard error (``-v``), then its standard output.
    """
    argv = _curl(kit, port, client_cert)
    return _run("curl", kit, port, argv, timeout=timeout)


def curl_trace_ascii(
    kit: ClientKit, port: int, *, client_cert: bool = True, timeout: float = _TIMEOUT
) -> Captured:
    """``curl --trace-ascii -`` against the lab server (the trace on standard output).

    Args:
        kit: The server's client kit (its files written).
        port: The server's port on 127.0.0.1.
        client_cert: Send the client certificate when the server asks for one.
        timeout: Seconds curl may take.

    Returns:
        The trace, with the body curl printed after it.
    """
    argv = ["--trace-ascii" if a == "-v" else a for a in _curl(kit, port, client_cert)]
    argv.insert(argv.index("--trace-ascii") + 1, "-")
    return _run("curl", kit, port, argv, timeout=timeout)


def s_client_msg(
    kit: ClientKit, port: int, *, client_cert: bool = True, timeout: float = _TIMEOUT
) -> Captured:
    """``openssl s_client -msg -state`` against the lab server, sending one request.

    Args:
        kit: The server's client kit (its files written).
        port: The server's port on 127.0.0.1.
        client_cert: Send the client certificate when the server asks for one.
        timeout: Seconds s_client may take.

    Returns:
        What s_client printed: standard output (messages, summary, the answer), then
        standard error (the ``-state`` lines and errors).
    """
    argv = [*_openssl(kit, port, client_cert), "-state", "-ign_eof"]
    return _s_client(kit, port, argv, client_cert=client_cert, timeout=timeout)


def s_client_trace(
    kit: ClientKit, port: int, *, client_cert: bool = True, timeout: float = _TIMEOUT
) -> Captured:
    """``openssl s_client -trace`` against the lab server, sending one request.

    Args:
        kit: The server's client kit (its files written).
        port: The server's port on 127.0.0.1.
        client_cert: Send the client certificate when the server asks for one.
        timeout: Seconds s_client may take.

    Returns:
        What s_client printed: standard output, then standard error.
    """
    argv = [a for a in _openssl(kit, port, client_cert) if a != "-msg"]
    argv += ["-trace", "-ign_eof"]
    return _s_client(kit, port, argv, client_cert=client_cert, timeout=timeout)


def java_client(
    kit: ClientKit,
    port: int,
    *,
    debug: str = "ssl:handshake",
    client_cert: bool = True,
    timeout: float = _TIMEOUT,
) -> Captured:
    """``Fetch.java`` with ``-Djavax.net.debug=DEBUG`` against the lab server.

    The first call imports the root CA into the kit's trust store (the kit's ``keytool``
    line) and compiles ``Fetch.java`` with ``javac`` into the kit's directory; later calls
    run the class, one JVM each.

    Args:
        kit: The server's client kit (its files written).
        port: The server's port on 127.0.0.1.
        debug: The ``javax.net.debug`` value (``ssl:handshake``, ``all``...).
        client_cert: Send the client certificate when the server asks for one.
        timeout: Seconds each of keytool, javac and java may take.

    Returns:
        The debug log (standard error), then what ``Fetch`` printed.

    Raises:
        InputError: If no JDK (``java``, ``javac``, ``keytool``) is on ``PATH``, or keytool or
            javac fail.
    """
    commands = kit.commands(port)
    tools = {name: shutil.which(name) for name in ("java", "javac", "keytool")}
    missing = [name for name, path in tools.items() if path is None]
    if missing:
        raise InputError(f"no {', '.join(missing)} on PATH: install a JDK, version 11 or later")
    directory = kit.directory
    if not (directory / "truststore.p12").exists():
        _check(commands["keytool"], timeout)
    if not (directory / "Fetch.class").exists():
        _check([str(tools["javac"]), "-d", str(directory), str(kit.files["Fetch.java"])], timeout)
    argv = [str(tools["java"]), "-XX:TieredStopAtLevel=1", "-cp", str(directory)]
    for arg in commands["java"][1:]:
        if arg.startswith("-Djavax.net.debug="):
            argv.append(f"-Djavax.net.debug={debug}")
        elif arg.startswith("-D"):
            if client_cert or not arg.startswith(_JAVA_KEYSTORE):
                argv.append(arg)
        elif arg.endswith("Fetch.java"):
            argv.append("Fetch")
        else:
            argv.append(arg)
    return _run("java", kit, port, argv, timeout=timeout, env={**os.environ, "TZ": "UTC"})


def java_server(
    pki: LabPKI,
    directory: Path,
    *,
    tls: Literal["1.2", "1.3"],
    client_auth: Literal["required", "optional"] = "required",
    debug: str = "ssl:handshake",
    client_cert: bool = True,
    timeout: float = _TIMEOUT,
) -> Captured:
    """A JSSE server's ``-Djavax.net.debug=DEBUG`` log of one connection from ``curl -v``.

    Writes a [`ClientKit`][certkit.tls.clientkit.ClientKit] for curl into ``directory``, and
    beside it the server's PKCS #12 key store (its key and chain, without the root) and a
    trust store holding the lab root CA, written at each call. The first call compiles
    ``ServeOnce.java`` there with ``javac``. Each call starts one JVM with the stores as
    ``javax.net.ssl.*`` properties; it enables only the one TLS version, asks for a client
    certificate (``needClientAuth`` when ``client_auth`` is ``required``,
    ``wantClientAuth`` when it is ``optional``), prints its port, and serves one connection
    on one thread: handshake, request, answer, then it reads until curl closes and closes
    too. Then curl runs the kit's command line against it, and the JVM ends.

    Args:
        pki: The lab PKI (use [`capture_pki`][certkit.traces.capture.capture_pki]).
        directory: Where the files go (the kit's, the stores, the class).
        tls: The one TLS version the server enables.
        client_auth: ``required`` (needClientAuth) or ``optional`` (wantClientAuth).
        debug: The ``javax.net.debug`` value (``ssl:handshake``, ``all``...).
        client_cert: Give curl the lab client's certificate and key.
        timeout: Seconds each of javac, the JVM and curl may take.

    Returns:
        The server's debug log (standard error), then what ``ServeOnce`` printed: its port,
        and ``served PROTOCOL SUITE`` or ``failed EXCEPTION: MESSAGE`` (exit status 1).

    Raises:
        InputError: If no ``java``, ``javac`` or ``curl`` is on ``PATH``, or javac fails, or
            the server ends without saying its port.
    """
    tools = {name: shutil.which(name) for name in ("java", "javac", "curl")}
    missing = [name for name, path in tools.items() if path is None]
    if missing:
        raise InputError(f"no {', '.join(missing)} on PATH: install a JDK (11 or later) and curl")
    kit = ClientKit(pki, Options(tls=tls, client_auth=client_auth), directory)
    kit.write()
    keystore, truststore = directory / "server.p12", directory / "server-trust.p12"
    keystore.write_bytes(pki.server.pkcs12(STORE_PASSWORD, alias="server", include_root=False))
    truststore.write_bytes(java_truststore([pki.root.certificate], STORE_PASSWORD))
    keystore.chmod(0o600)
    if not (directory / "ServeOnce.class").exists():
        source = directory / "ServeOnce.java"
        source.write_text(read_text("ServeOnce.java"), encoding="utf-8")
        _check([str(tools["javac"]), "-d", str(directory), str(source)], timeout)
    argv = [str(tools["java"]), "-XX:TieredStopAtLevel=1", "-cp", str(directory)]
    argv += [f"-Djavax.net.ssl.keyStore={keystore}", "-Djavax.net.ssl.keyStoreType=PKCS12"]
    argv += [f"-Djavax.net.ssl.keyStorePassword={STORE_PASSWORD}"]
    argv += [f"-Djavax.net.ssl.trustStore={truststore}", "-Djavax.net.ssl.trustStoreType=PKCS12"]
    argv += [f"-Djavax.net.ssl.trustStorePassword={STORE_PASSWORD}"]
    argv += [f"-Djavax.net.debug={debug}", "ServeOnce", f"TLSv{tls}"]
    argv.append("need" if client_auth == "required" else "want")
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        # The debug log goes to a file: read through a pipe only at the end, it would fill it.
        process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "TZ": "UTC"},
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            if not (match := re.fullmatch(r"listening on port (\d+)\n", first)):
                raise InputError(f"ServeOnce did not say its port: {first.strip()[:120]!r}")
            port = int(match[1])
            subprocess.run(
                _curl(kit, port, client_cert),
                capture_output=True,
                timeout=timeout,
                check=False,
            )
            rest = process.stdout.read()
            process.wait(timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        log.seek(0)
        raw = log.read() + first + rest
    text = normalise(raw, tool="java", directory=str(directory), port=port)
    return Captured("java", tuple(argv), raw, text, process.returncode)


# -- internals ------------------------------------------------------------------------------


def _without_cert(argv: list[str]) -> list[str]:
    kept: list[str] = []
    skip = 0
    for arg in argv:
        if skip:
            skip -= 1
        elif arg in _CERT_OPTIONS:
            skip = _CERT_OPTIONS[arg]
        else:
            kept.append(arg)
    return kept


def _curl(kit: ClientKit, port: int, client_cert: bool) -> list[str]:
    argv = kit.commands(port)["curl"]
    # Captured, curl draws a progress meter that can split a -v line; a terminal shows none.
    argv = [argv[0], "--no-progress-meter", *argv[1:]]
    return argv if client_cert else _without_cert(argv)


def _openssl(kit: ClientKit, port: int, client_cert: bool) -> list[str]:
    argv = kit.commands(port)["openssl"]
    return argv if client_cert else _without_cert(argv)


def _s_client(
    kit: ClientKit, port: int, argv: list[str], *, client_cert: bool, timeout: float
) -> Captured:
    """Run s_client; send the request once the handshake and its TLS 1.3 tickets are read.

    s_client sends what it reads on standard input as soon as it can, so when the request
    goes out among the messages that follow the handshake would depend on timing. It is
    written when s_client has printed its summary (``New, TLSv1.x, Cipher is``) and, in TLS
    1.3, the server's tickets (``_TICKETS``, Python's and OpenSSL's default). Without a
    certificate, to a server that requires one, nothing is sent: a TLS 1.3 client learns of
    the refusal after its handshake.
    """
    refused = kit.options.client_auth == "required" and not client_cert
    process = subprocess.Popen(
        _line_buffered(argv),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    out: list[str] = []
    err: list[str] = []
    ready = threading.Event()

    def read_stdout() -> None:
        assert process.stdout is not None
        waiting: int | None = None
        for line in process.stdout:
            out.append(line)
            if match := _SUMMARY.match(line):
                waiting = _TICKETS if match[1] == "TLSv1.3" else 0
            elif waiting and "NewSessionTicket" in line:
                waiting -= 1
            if waiting == 0:
                ready.set()
        ready.set()

    def read_stderr() -> None:
        assert process.stderr is not None
        err.extend(process.stderr)

    readers = [threading.Thread(target=f, daemon=True) for f in (read_stdout, read_stderr)]
    for reader in readers:
        reader.start()
    assert process.stdin is not None
    try:
        if not refused:
            ready.wait(timeout)
            with contextlib.suppress(OSError):
                process.stdin.write(HTTP_REQUEST)
        with contextlib.suppress(OSError):
            process.stdin.close()
        process.wait(timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for reader in readers:
        reader.join(timeout)
    raw = "".join(out) + "".join(err)
    text = normalise(raw, tool="openssl", directory=str(kit.directory), port=port)
    return Captured("openssl", tuple(argv), raw, text, process.returncode)


def _line_buffered(argv: list[str]) -> list[str]:
    """Run s_client with standard output line-buffered, as at a terminal.

    s_client writes its trace through stdio (fully buffered into a pipe) and the answer it
    reads with ``write``: without this, how they interleave depends on timing.
    """
    stdbuf = shutil.which("stdbuf")
    return [stdbuf, "-oL", *argv] if stdbuf else argv


def _check(argv: list[str], timeout: float) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise InputError(f"{Path(argv[0]).name} failed: {tail[0][:150]}")


def _run(
    tool: str,
    kit: ClientKit,
    port: int,
    argv: list[str],
    *,
    timeout: float,
    env: dict[str, str] | None = None,
) -> Captured:
    done = subprocess.run(
        argv,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )
    raw = done.stdout + done.stderr if "--trace-ascii" in argv else done.stderr + done.stdout
    text = normalise(raw, tool=tool, directory=str(kit.directory), port=port)
    return Captured(tool, tuple(argv), raw, text, done.returncode)
