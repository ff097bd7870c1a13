"""certkit.tls.serve: a real TLS server on 127.0.0.1, driven by the real curl, openssl and Java.

Each test connects a real client with the command line the server prints, then checks that what
the client printed agrees with certkit: curl's TLS lines must equal ``curl_trace`` of an
in-memory handshake with the same options, line for line, and name for name the messages of the
server's own recording of that very connection; openssl's ``-msg`` lines must list the server's
recorded messages with their lengths; Java's ``javax.net.debug`` lines must be what
``jsse_summary`` writes for the client side.
"""

from __future__ import annotations

import math
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from timeouts import Lines, server_is_serving

from certkit import InputError
from certkit.certificates.pki import LabPKI
from certkit.tls.clientkit import HOST
from certkit.tls.handshake import Options, contexts, lab_pki, run
from certkit.tls.recording import Recording
from certkit.tls.serve import Server, connect
from certkit.traces.curl import CURL_MESSAGE_NAMES, curl_trace
from certkit.traces.jsse import jsse_summary

TIMEOUT = 60

TRACE_LINE = re.compile(
    r"^\* (TLSv1\.[0-3]) \((OUT|IN)\), (TLS handshake|TLS change cipher|TLS alert), "
    r"(.+) \((-?\d+)\):$"
)
CURL_TLS_LINES = (
    "* SSL connection using ",
    "* ALPN: server ",
    "* Server certificate:",
    "*  subject: ",
    "*  start date: ",
    "*  expire date: ",
    "*  subjectAltName",
    "*  issuer: ",
    "*  SSL certificate verify ok.",
)
# openssl s_client -msg: ">>> TLS 1.2, Handshake [length 0136], ClientHello"
MSG_LINE = re.compile(
    r"^(>>>|<<<) (TLS 1\.[0-3]|\?\?\?), (Handshake|ChangeCipherSpec|Alert) "
    r"\[length ([0-9a-f]{4})\](?:, (.*))?$"
)
OPENSSL_NAMES = {
    "ClientHello": "client_hello",
    "ServerHello": "server_hello",
    "EncryptedExtensions": "encrypted_extensions",
    "Certificate": "certificate",
    "ServerKeyExchange": "server_key_exchange",
    "CertificateRequest": "certificate_request",
    "ServerHelloDone": "server_hello_done",
    "CertificateVerify": "certificate_verify",
    "ClientKeyExchange": "client_key_exchange",
    "Finished": "finished",
    "NewSessionTicket": "new_session_ticket",
    "KeyUpdate": "key_update",
}
HTTP_REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

DECK = Options(server_max="1.2", cipher="ECDHE-RSA-AES256-GCM-SHA384", client_auth="required")
CASES = {
    "deck": DECK,
    "tls13-mutual": Options(tls="1.3", client_auth="required"),
    "tls12-server-only": Options(tls="1.2"),
    "default": Options(),
}

pytestmark = pytest.mark.skipif(
    not (shutil.which("curl") and shutil.which("openssl")),
    reason="curl and openssl are installed by .ci/system-deps",
)


@pytest.fixture(scope="module")
def pki() -> LabPKI:
    return lab_pki(seed="serve-tests", key_type="rsa-2048")


def in_memory(pki: LabPKI, options: Options, *, curl_like: bool) -> Recording:
    """An in-memory handshake whose client behaves like the command-line clients.

    curl and openssl s_client offer TLS 1.2 and 1.3 whatever the server allows (``tls`` in the
    options pins the server only); curl also asks for no session ticket (SSL_OP_NO_TICKET).
    """
    client, server = contexts(pki, options)
    client.minimum_version = ssl.TLSVersion.TLSv1_2
    client.maximum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED
    if curl_like:
        client.options |= ssl.OP_NO_TICKET
    return run(client, server, options)


def curl(argv: list[str]) -> tuple[int, str, list[str]]:
    """Run curl; its exit status, body and the -v lines about TLS.

    With its output captured, curl draws a progress meter on stderr, without a newline, as time
    passes: on a busy machine a -v line then starts after the meter and no longer matches.
    --no-progress-meter keeps the meter out (a reader's terminal shows none either).
    """
    argv = [argv[0], "--no-progress-meter", *argv[1:]]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    lines = [
        line
        for line in result.stderr.splitlines()
        if TRACE_LINE.match(line) or line.startswith(CURL_TLS_LINES)
    ]
    return result.returncode, result.stdout, lines


def is_close_notify(line: str) -> bool:
    return ", TLS alert, close notify (" in line


def curl_sequence(lines: list[str]) -> list[tuple[str, str]]:
    """(sender, curl's name) of each handshake and CCS line."""
    found = []
    for line in lines:
        match = TRACE_LINE.match(line)
        if match and match.group(3) != "TLS alert":
            sender = "client" if match.group(2) == "OUT" else "server"
            found.append((sender, match.group(4)))
    return found


def recorded_sequence(rec: Recording) -> list[tuple[str, str]]:
    """The same for a recording, without the server's CCS (curl never prints it)."""
    found = []
    for m in rec.messages:
        if m.name == "change_cipher_spec":
            if m.sender == "client":
                found.append(("client", "Change cipher spec"))
        else:
            found.append((m.sender, CURL_MESSAGE_NAMES.get(m.type or -1, "Unknown")))
    return found


@pytest.mark.parametrize("case", CASES)
def test_curl_agrees_with_the_recording(pki: LabPKI, case: str) -> None:
    options = CASES[case]
    with Server(pki, options, lifetime=TIMEOUT) as server:
        status, body, lines = curl(server.commands()["curl"])
        served = server.wait(1, timeout=TIMEOUT)
    assert status == 0, lines
    assert len(served) == 1 and served[0].ok, served[0].server_error if served else None
    rec = served[0]
    assert body == f"certkit serve: {rec.version} {rec.cipher}\n" + (
        "client certificate: commonName=certkit lab client\n"
        if options.client_auth != "none"
        else ""
    )
    # 1. curl's lines are curl_trace of an in-memory handshake with the same options, line for
    #    line (close_notify comes after the HTTP exchange, which the in-memory run has not).
    handshake = [line for line in lines if not is_close_notify(line)]
    assert handshake == curl_trace(in_memory(pki, options, curl_like=True)).splitlines()
    # 2. The server's own recording of this connection: same version and cipher, and the same
    #    messages in the same order.
    assert f"* SSL connection using {rec.version} / {rec.cipher}" in lines
    assert curl_sequence(lines) == recorded_sequence(rec)
    # 3. The close_notify alerts curl printed are in the server's recording too.
    alerts = {(a.sender, a.description) for a in rec.alerts}
    for line in filter(is_close_notify, lines):
        sender = "client" if "(OUT)" in line else "server"
        assert (sender, "close_notify") in alerts, line


def test_curl_prints_the_decks_trace(pki: LabPKI) -> None:
    # The real curl, against a server capped at TLS 1.2 with the deck's cipher and mutual
    # authentication, prints exactly the deck's handshake lines (the deck pads the numbers:
    # "(01)"; curl prints "%d").
    deck = [
        ("TLSv1.3", "OUT", "TLS handshake", "Client hello", 1),
        ("TLSv1.3", "IN", "TLS handshake", "Server hello", 2),
        ("TLSv1.2", "IN", "TLS handshake", "Certificate", 11),
        ("TLSv1.2", "IN", "TLS handshake", "Server key exchange", 12),
        ("TLSv1.2", "IN", "TLS handshake", "Request CERT", 13),
        ("TLSv1.2", "IN", "TLS handshake", "Server finished", 14),
        ("TLSv1.2", "OUT", "TLS handshake", "Certificate", 11),
        ("TLSv1.2", "OUT", "TLS handshake", "Client key exchange", 16),
        ("TLSv1.2", "OUT", "TLS handshake", "CERT verify", 15),
        ("TLSv1.2", "OUT", "TLS change cipher", "Change cipher spec", 1),
        ("TLSv1.2", "OUT", "TLS handshake", "Finished", 20),
        ("TLSv1.2", "IN", "TLS handshake", "Finished", 20),
    ]
    with Server(pki, DECK, lifetime=TIMEOUT) as server:
        _, _, lines = curl(server.commands()["curl"])
    got = []
    for line in lines:
        match = TRACE_LINE.match(line)
        if match and not is_close_notify(line):
            version, direction, record_type, name, number = match.groups()
            got.append((version, direction, record_type, name, int(number)))
    assert got == deck
    assert "* SSL connection using TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384" in lines


def test_curl_without_a_client_certificate_under_tls13(pki: LabPKI) -> None:
    # The rejection arrives after curl's handshake: curl prints "SSL connection using", then
    # the alert OpenSSL 3.0 has no name for (certificate_required = 116, fatal: 628).
    options = Options(tls="1.3", client_auth="required")
    with Server(pki, options, lifetime=TIMEOUT) as server:
        argv = server.commands()["curl"]
        argv = [a for a in argv if a not in ("--cert", "--key")]
        argv = [a for a in argv if not a.endswith(("client-fullchain.pem", "client-key.pem"))]
        status, _, lines = curl(argv)
        served = server.wait(1, timeout=TIMEOUT)
    assert status != 0
    expected = in_memory(
        pki, Options(tls="1.3", client_auth="required", client_cert=False), curl_like=True
    )
    assert lines == curl_trace(expected).splitlines()
    assert lines[-1] == "* TLSv1.3 (IN), TLS alert, unknown (628):"
    rec = served[0]
    assert not rec.ok and "PEER_DID_NOT_RETURN_A_CERTIFICATE" in (rec.server_error or "")
    assert [(a.sender, a.description) for a in rec.alerts] == [("server", "certificate_required")]
    # The server stops at the empty Certificate: the client's Finished reached it (it is in
    # the recorded wire records) but was never read as a message.
    assert curl_sequence(lines) == [*recorded_sequence(rec), ("client", "Finished")]
    assert rec.records[-2:][0].sender == "client"


def s_client(argv: list[str]) -> tuple[str, list[tuple[str, str, str, int, str]]]:
    result = subprocess.run(
        [*argv, "-ign_eof"],
        input=HTTP_REQUEST,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    found = []
    for line in result.stdout.splitlines():
        match = MSG_LINE.match(line)
        if match:
            direction, label, kind, length, name = match.groups()
            sender = "client" if direction == ">>>" else "server"
            found.append((sender, label.replace("TLS ", "TLSv"), kind, int(length, 16), name or ""))
    return result.stdout, found


@pytest.mark.parametrize("case", CASES)
def test_openssl_s_client_agrees_with_the_recording(pki: LabPKI, case: str) -> None:
    options = CASES[case]
    with Server(pki, options, lifetime=TIMEOUT) as server:
        out, msgs = s_client(server.commands()["openssl"])
        served = server.wait(1, timeout=TIMEOUT)
    rec = served[0]
    assert rec.ok, rec.server_error
    assert f"New, {rec.version}, Cipher is {rec.cipher}" in out
    assert f"certkit serve: {rec.version} {rec.cipher}" in out
    # Handshake messages and the client's CCS: who, what and how long, as the server recorded.
    seen = [
        (sender, "change_cipher_spec" if kind == "ChangeCipherSpec" else OPENSSL_NAMES[name], size)
        for sender, _, kind, size, name in msgs
        if kind != "Alert"
    ]
    expected = [
        (m.sender, m.name, m.length if m.name == "change_cipher_spec" else m.length + 4)
        for m in rec.messages
        if not (m.name == "change_cipher_spec" and m.sender == "server")
    ]
    assert seen == expected
    # s_client's version labels are the same callback's: they match certkit's in-memory
    # recording of a handshake with the same options (an OpenSSL client either way).
    labels = [(s, label) for s, label, kind, _, _ in msgs if kind != "Alert"]
    memory = in_memory(pki, options, curl_like=False)
    assert labels == [
        (m.sender, m.label_version)
        for m in memory.messages
        if not (m.name == "change_cipher_spec" and m.sender == "server")
    ]
    # Alerts s_client saw or sent (close_notify) are in the server's recording.
    alerts = {(a.sender, a.description) for a in rec.alerts}
    for sender, _, kind, _, name in msgs:
        if kind == "Alert":
            assert (sender, name.split()[-1]) in alerts


def jsse_lines(output: str) -> list[str]:
    """The message lines of a javax.net.debug log, normalised as jsse_summary writes them."""
    keep = ("Produced ", "Consuming ", "Negotiated protocol version", "Received alert message")
    found: list[str] = []
    for line in output.splitlines():
        if not line.startswith("javax.net.ssl|"):
            continue
        text = line.split("|", 6)[-1].removesuffix(" (").strip()
        if text == "Consumed extension: supported_versions":
            # JSSE logs it again as it goes on; jsse_summary keeps the first one.
            if found and found[-1].startswith("Consuming ServerHello"):
                found.append(text)
            continue
        if text.startswith(keep):
            found.append(text)
    return found


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("java") and shutil.which("keytool")), reason="Java 11 or later needed"
)
@pytest.mark.parametrize("case", ["deck", "tls13-mutual"])
def test_java_client_agrees_with_jsse_summary(pki: LabPKI, case: str, tmp_path: Path) -> None:
    with Server(pki, CASES[case], lifetime=TIMEOUT, directory=tmp_path) as server:
        commands = server.commands()
        subprocess.run(commands["keytool"], check=True, capture_output=True, timeout=TIMEOUT)
        result = subprocess.run(
            commands["java"], capture_output=True, text=True, timeout=TIMEOUT * 2, check=False
        )
        served = server.wait(1, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr[-2000:]
    rec = served[0]
    assert rec.ok, rec.server_error
    assert "200" in result.stdout.splitlines()
    assert f"certkit serve: {rec.version} {rec.cipher}" in result.stdout
    # On success the only alerts are close_notify, and whether Java reads the server's before it
    # closes depends on timing: leave them out on both sides.
    real = [line for line in jsse_lines(result.stdout + result.stderr) if "alert" not in line]
    ours = [line for line in jsse_summary(rec, side="client").splitlines() if "alert" not in line]
    assert real == ours


# -- the server itself -------------------------------------------------------------------------


def test_files_commands_and_cleanup(pki: LabPKI) -> None:
    server = Server(pki, Options(client_auth="required"), lifetime=TIMEOUT)
    with server:
        files = dict(server.files)
        assert sorted(files) == [
            "Fetch.java",
            "client-fullchain.pem",
            "client-key.pem",
            "client.p12",
            "intermediate-ca.pem",
            "root-ca.pem",
        ]
        assert files["client-key.pem"].stat().st_mode & 0o077 == 0
        assert files["root-ca.pem"].read_text() == pki.root.pem
        text = server.instructions()
        for path in files.values():
            assert str(path) in text
        assert f"--resolve localhost:{server.port}:127.0.0.1" in text
        assert server.url == f"https://localhost:{server.port}/"
        assert server.running
    assert not server.running
    assert not any(path.exists() for path in files.values())  # a temporary directory


def test_a_given_directory_is_kept(pki: LabPKI, tmp_path: Path) -> None:
    with Server(pki, directory=tmp_path / "out", lifetime=TIMEOUT) as server:
        assert sorted(server.files) == ["Fetch.java", "root-ca.pem"]
    assert (tmp_path / "out" / "root-ca.pem").exists()


def test_lifetime_and_connection_limit_are_bounded(pki: LabPKI) -> None:
    with Server(pki, lifetime=0.5) as server:
        assert server.wait_stopped(timeout=TIMEOUT)
    with Server(pki, lifetime=TIMEOUT, max_connections=1) as server:
        with socket.create_connection((HOST, server.port), timeout=5) as sock:
            sock.sendall(b"not TLS\r\n\r\n")
        rec = server.wait(1, timeout=TIMEOUT)[0]
        assert not rec.ok and rec.server_error
        assert server.wait_stopped(timeout=TIMEOUT)
    with Server(pki, lifetime=TIMEOUT) as server:  # the failing case: nothing stops it
        assert not server.wait_stopped(timeout=0.3)


def test_a_plain_http_client_is_turned_away(pki: LabPKI) -> None:
    # OpenSSL recognises an HTTP request where a ClientHello should be, and closes without an
    # alert; the server records why.
    with Server(pki, lifetime=TIMEOUT, io_timeout=2) as server:
        with socket.create_connection((HOST, server.port), timeout=5) as sock:
            sock.sendall(HTTP_REQUEST.encode())
            reply = sock.recv(100)
        rec = server.wait(1, timeout=TIMEOUT)[0]
    assert reply == b""
    assert not rec.ok and "HTTP_REQUEST" in (rec.server_error or "")


def test_a_silent_client_times_out(pki: LabPKI) -> None:
    with (
        Server(pki, lifetime=TIMEOUT, io_timeout=0.5) as server,
        socket.create_connection((HOST, server.port), timeout=5),
    ):
        rec = server.wait(1, timeout=10)
    assert rec and "timed out" in (rec[0].server_error or "")


def test_a_bad_request_gets_400(pki: LabPKI) -> None:
    client, _ = contexts(pki)
    with Server(pki, lifetime=TIMEOUT) as server:
        with (
            socket.create_connection((HOST, server.port), timeout=5) as raw,
            client.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            tls.sendall(b"hello\r\n\r\n")
            reply = b""
            while chunk := tls.recv(4096):
                reply += chunk
        rec = server.wait(1, timeout=TIMEOUT)[0]
    assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert rec.ok and rec.keylog  # the server's key log lines for this connection


def test_bad_input(pki: LabPKI) -> None:
    with pytest.raises(InputError, match="port"):
        Server(pki, port=70000)
    for seconds in (math.nan, math.inf, -1.0, 0.0, 1e9):
        with pytest.raises(InputError, match="lifetime"):
            Server(pki, lifetime=seconds)
        with pytest.raises(InputError, match="io_timeout"):
            Server(pki, io_timeout=seconds)
    with pytest.raises(InputError, match="max_connections 0"):
        Server(pki, max_connections=0)
    with pytest.raises(InputError, match="cipher"):
        Server(pki, Options(cipher="NO-SUCH-CIPHER")).start()
    with Server(pki, lifetime=TIMEOUT) as server:
        with pytest.raises(InputError, match="already running"):
            server.start()
        with pytest.raises(InputError, match="cannot listen"):
            Server(pki, port=server.port).start()


def test_a_failed_start_leaves_nothing_behind(
    pki: LabPKI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with Server(pki, lifetime=TIMEOUT) as server:
        taken = Server(pki, port=server.port, lifetime=TIMEOUT)
        with pytest.raises(InputError, match="cannot listen"):
            taken.start()
        assert taken.keylog is None and not taken.running
        assert len(list(tmp_path.iterdir())) == 1  # the running server's own directory
    assert list(tmp_path.iterdir()) == []
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    with pytest.raises(InputError, match="cannot be written"):
        Server(pki, directory=not_a_directory / "sub", lifetime=TIMEOUT).start()
    assert list(tmp_path.iterdir()) == [not_a_directory]


def test_stop_at_once_cuts_open_connections_short(
    pki: LabPKI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # stop(wait=False) cleans up without waiting for the connection the client keeps open;
    # the connection's thread then ends (when the client closes), without an exception, and is
    # recorded, without key log lines: the log was gone.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    errors: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    server = Server(pki, lifetime=TIMEOUT, io_timeout=TIMEOUT).start()
    with server_is_serving(server.port, TIMEOUT):
        assert server.open_connections == 1
        server.stop(wait=False)
        assert list(tmp_path.iterdir()) == [] and server.keylog is None and not server.running
    served = server.wait(1, timeout=TIMEOUT)
    assert len(served) == 1 and not served[0].ok and not served[0].keylog
    assert server.open_connections == 0 and errors == []
    server.stop()  # again: nothing left to do


# -- the command -------------------------------------------------------------------------------


def test_certkit_serve_command(tmp_path: Path) -> None:
    certkit = Path(sys.executable).parent / "certkit"
    argv = [str(certkit), "serve", "--connections", "1", "--trace", "curl", "--lifetime", "60"]
    argv += ["--client-auth", "required", "--server-max", "1.2", "--dir", str(tmp_path)]
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            # The readiness signal is the curl command line: the server listens before it
            # prints its instructions. Then, with --connections 1, it reports and exits.
            stdout = Lines(process.stdout)
            stderr = Lines(process.stderr)
            command = stdout.wait_for(lambda line: line.startswith("  curl "), TIMEOUT, "curl line")
            status, body, lines = curl(shlex.split(command))
            out = stdout.rest(TIMEOUT)
            err = stderr.rest(TIMEOUT)
            process.wait(timeout=TIMEOUT)
        finally:
            process.kill()
    printed = stdout.seen
    assert status == 0 and body.startswith("certkit serve: TLSv1.2 ")
    assert process.returncode == 0, err
    assert printed[0].startswith("certkit serve: listening on 127.0.0.1:")
    assert str(tmp_path / "client-key.pem") in command
    rest = out.splitlines()  # the instructions after the curl line, then the report
    start = next((i for i, line in enumerate(rest) if line.startswith("connection 1: ")), None)
    assert start is not None and rest[start - 1].startswith("  java "), out
    report = rest[start:]
    assert report[0].startswith("connection 1: TLSv1.2 ECDHE-")
    assert report[0].endswith(", client certificate 'CN=certkit lab client'")
    # The server's own view, as curl would print it: the same messages as the real curl's.
    served = [line for line in report[1:] if TRACE_LINE.match(line) and not is_close_notify(line)]
    assert (
        [TRACE_LINE.match(s).groups()[1:4] for s in served]
        == [  # type: ignore[union-attr]
            TRACE_LINE.match(c).groups()[1:4]  # type: ignore[union-attr]
            for c in lines
            if TRACE_LINE.match(c) and not is_close_notify(c)
        ]
    )


# -- connect: an OpenSSL client over a socket ----------------------------------------------------


def test_connect_records_the_client_side(pki: LabPKI) -> None:
    client, _ = contexts(pki)
    with Server(pki, lifetime=TIMEOUT) as server:
        rec = connect(server.port, client)
        served = server.wait(1, timeout=TIMEOUT)
    assert rec.ok and rec.client_completed and rec.source == "callback"
    assert (rec.version, rec.cipher) == (served[0].version, served[0].cipher)
    # Both ends recorded the same handshake messages, in the same order.
    assert [(m.sender, m.name) for m in rec.messages] == [
        (m.sender, m.name) for m in served[0].messages
    ]
    assert rec.server_chain == (pki.server.certificate, pki.intermediate.certificate)
    assert {(a.sender, a.description) for a in rec.alerts} == {
        ("server", "close_notify"),
        ("client", "close_notify"),
    }


def test_connect_sees_a_tls13_rejection_after_its_handshake(pki: LabPKI) -> None:
    # The server sends its alert, then closes in order (output first, then it reads to the end),
    # so the client reads the alert rather than a reset.
    client, _ = contexts(pki, Options(tls="1.3", client_auth="required", client_cert=False))
    with Server(pki, Options(tls="1.3", client_auth="required"), lifetime=TIMEOUT) as server:
        rec = connect(server.port, client)
        served = server.wait(1, timeout=TIMEOUT)
    assert rec.client_completed and not rec.ok
    assert rec.client_reason == "TLSV13_ALERT_CERTIFICATE_REQUIRED"
    assert [(a.sender, a.description) for a in rec.alerts] == [("server", "certificate_required")]
    assert served[0].server_reason == "PEER_DID_NOT_RETURN_A_CERTIFICATE"
    assert not served[0].server_completed
