"""``certkit serve`` on hostile input and hostile events, through the real command.

Bad options give exit status 2 and one line on standard error, and leave nothing behind. The
signals that stop a server (Ctrl-C, a second Ctrl-C while it stops, SIGTERM, SIGHUP) leave
nothing behind either: each test points ``TMPDIR`` at an empty directory of its own, reads the
temporary paths from what the server prints, sends the signal, waits for the process to end and
lists what is left. A client's certificate subject full of control characters is printed
escaped, on one line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from timeouts import Lines, server_is_serving

from certkit import Lab
from certkit.errors import MESSAGE_LIMIT
from certkit.tls.clientkit import HOST
from certkit.tls.handshake import Options, contexts, lab_pki
from certkit.tls.serve import connect

TIMEOUT = 60
CERTKIT = str(Path(sys.executable).parent / "certkit")


def environment(tmp: Path) -> dict[str, str]:
    """The child's environment: its temporary files go to ``tmp``, which the test lists."""
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp)}


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("certkit: error: "), result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert len(result.stderr) - 1 <= MESSAGE_LIMIT, result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


HOSTILE_OPTIONS = {
    "port out of range": (["--port", "70000"], "--port 70000: give a port from 1 to 65535"),
    "port negative": (["--port", "-1"], "--port -1: give a port"),
    "port huge": (["--port", "9" * 5000], "--port ...999"),
    "port not a number": (["--port", "http"], "--port http: give a port"),
    "port a float": (["--port", "80.5"], "--port 80.5: give a port"),
    # Escaped (how many backslashes is errors.quote's and one_line's business), never raw.
    "port with an escape": (["--port", "\x1b[2J80"], "x1b[2J80': give a port"),
    "port missing": (["--port"], "--port: expected one argument"),
    "lifetime nan": (["--lifetime", "nan"], "--lifetime nan: give a number of seconds above 0"),
    "lifetime inf": (["--lifetime", "inf"], "--lifetime inf: give a number of seconds"),
    "lifetime overflowing": (["--lifetime", "1e999"], "--lifetime 1e999: give a number"),
    "lifetime negative": (["--lifetime", "-5"], "--lifetime -5: give a number of seconds"),
    "lifetime -inf": (["--lifetime=-inf"], "--lifetime -inf: give a number of seconds"),
    "lifetime zero": (["--lifetime", "0"], "--lifetime 0: give a number of seconds"),
    "lifetime huge": (["--lifetime", "1e300"], "--lifetime 1e300: give a number of seconds"),
    "lifetime over a day": (["--lifetime", "86401"], "at most 86400 (a day)"),
    "lifetime not a number": (["--lifetime", "soon"], "--lifetime soon: give a number"),
    "connections zero": (["--connections", "0"], "--connections 0: give 1 to 1000000"),
    "connections negative": (["--connections", "-3"], "--connections -3: give 1 to"),
    "connections huge": (["--connections", "10000000000"], "--connections 10000000000: give"),
    "connections not a number": (["--connections", "all"], "--connections all: give 1 to"),
}


@pytest.mark.parametrize("case", HOSTILE_OPTIONS)
def test_hostile_options_exit_2_with_one_line(case: str, tmp_path: Path) -> None:
    argv, fragment = HOSTILE_OPTIONS[case]
    result = subprocess.run(
        [CERTKIT, "serve", *argv],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=environment(tmp_path / "tmp"),
        check=False,
    )
    assert_one_line_error(result, fragment)
    assert result.stdout == ""
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_port_in_use_exits_2_with_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [CERTKIT, "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=environment(tmp_path / "tmp"),
            check=False,
        )
    assert_one_line_error(result, f"cannot listen on {HOST}:{port}", "choose another port")
    assert list((tmp_path / "tmp").iterdir()) == []


# -- signals -------------------------------------------------------------------------------------


# Started with SIGINT as a terminal gives it: a test run started in the background (``cmd &`` in
# a script) has SIGINT ignored, every child inherits that, and certkit leaves an ignored signal
# ignored. The same process then runs certkit (exec), so the signals reach it.
DEFAULT_SIGINT = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])",
]


class Serving:
    """A running ``certkit serve`` (default temporary directory), its output read as it comes."""

    def __init__(self, tmp: Path, *extra: str) -> None:
        argv = [*DEFAULT_SIGINT, CERTKIT, "serve", "--lifetime", str(TIMEOUT * 2), *extra]
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(tmp),
        )
        assert self.process.stdout is not None and self.process.stderr is not None
        self.stdout, self.stderr = Lines(self.process.stdout), Lines(self.process.stderr)
        # The server listens before it prints its instructions; "files in DIR" names the
        # directory of the client files, inside the private temporary directory.
        first = self.stdout.wait_for(lambda line: "listening on" in line, TIMEOUT, "listening")
        self.port = int(first.split(f"{HOST}:")[1].split()[0])
        files = self.stdout.wait_for(lambda line: line.startswith("files in "), TIMEOUT, "files")
        found = re.match(r"files in (.+): ", files)
        assert found, files
        self.files = Path(found.group(1))
        self.stdout.wait_for(lambda line: line.startswith("  java "), TIMEOUT, "the java line")

    def finish(self) -> int:
        """Wait for the process to end (generously); its exit status."""
        return self.process.wait(timeout=TIMEOUT)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=TIMEOUT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Serving]:
    server = Serving(tmp_path / "tmp")
    try:
        yield server
    finally:
        server.close()


def assert_nothing_left(server: Serving, tmp: Path) -> None:
    assert tmp in server.files.parents  # the default --dir: under the private directory
    assert not server.files.exists() and not server.files.parent.exists()
    assert list(tmp.iterdir()) == [], list(tmp.iterdir())


@pytest.mark.parametrize(
    ("signum", "status", "said"),
    [
        (signal.SIGINT, 0, "certkit serve: stopped (Ctrl-C)"),
        (signal.SIGTERM, 128 + signal.SIGTERM, "certkit serve: stopped (SIGTERM)"),
        (signal.SIGHUP, 128 + signal.SIGHUP, "certkit serve: stopped (SIGHUP)"),
    ],
)
def test_a_signal_stops_it_and_it_cleans_up(
    serving: Serving, tmp_path: Path, signum: int, status: int, said: str
) -> None:
    assert serving.files.is_dir() and (serving.files / "root-ca.pem").is_file()
    serving.process.send_signal(signum)
    assert serving.finish() == status
    assert serving.stderr.rest(TIMEOUT) == f"{said}\n"
    assert_nothing_left(serving, tmp_path / "tmp")


def test_a_second_ctrl_c_while_stopping_stops_at_once_and_cleans_up(
    serving: Serving, tmp_path: Path
) -> None:
    # A client that sent its ClientHello and then nothing keeps a connection open: after the
    # first Ctrl-C the server waits for it (up to its I/O timeout); the second stops the wait.
    with server_is_serving(serving.port, TIMEOUT):
        serving.process.send_signal(signal.SIGINT)
        waiting = serving.stderr.wait_for(lambda _: True, TIMEOUT, "the stopping line")
        assert waiting == (
            "certkit serve: stopping (Ctrl-C): waiting for 1 open connection; "
            "Ctrl-C again to stop now\n"
        )
        serving.process.send_signal(signal.SIGINT)
        assert serving.finish() == 128 + signal.SIGINT  # before the client went away
    assert serving.stderr.rest(TIMEOUT) == "certkit serve: stopping now (Ctrl-C)\n"
    assert_nothing_left(serving, tmp_path / "tmp")


def test_sigterm_while_stopping_also_stops_at_once(serving: Serving, tmp_path: Path) -> None:
    with server_is_serving(serving.port, TIMEOUT):
        serving.process.send_signal(signal.SIGINT)
        serving.stderr.wait_for(lambda _: True, TIMEOUT, "the stopping line")
        serving.process.send_signal(signal.SIGTERM)
        assert serving.finish() == 128 + signal.SIGTERM
    assert serving.stderr.rest(TIMEOUT) == "certkit serve: stopping now (SIGTERM)\n"
    assert_nothing_left(serving, tmp_path / "tmp")


def test_an_ignored_sighup_stays_ignored(tmp_path: Path) -> None:
    # As under nohup: SIGHUP ignored when certkit starts is not turned into a stop.
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        server = Serving(tmp_path / "tmp")  # inherits the ignored SIGHUP
    finally:
        signal.signal(signal.SIGHUP, previous)
    try:
        server.process.send_signal(signal.SIGHUP)
        # Still serving: it answers a connection (the event), then Ctrl-C stops it.
        with server_is_serving(server.port, TIMEOUT):
            pass
        server.process.send_signal(signal.SIGINT)
        assert server.finish() == 0
        assert_nothing_left(server, tmp_path / "tmp")
    finally:
        server.close()


# -- what a client sends -------------------------------------------------------------------------


def test_a_client_certificate_subject_with_control_characters_is_printed_escaped(
    tmp_path: Path,
) -> None:
    seed = "serve-hostile-subject"
    argv = [CERTKIT, "serve", "--seed", seed, "--client-auth", "required", "--connections", "1"]
    argv += ["--lifetime", str(TIMEOUT)]
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(tmp_path / "tmp"),
    )
    try:
        stdout, stderr = Lines(process.stdout), Lines(process.stderr)
        first = stdout.wait_for(lambda line: "listening on" in line, TIMEOUT, "listening")
        port = int(first.split(f"{HOST}:")[1].split()[0])
        stdout.wait_for(lambda line: line.startswith("  java "), TIMEOUT, "the java line")
        # The same lab (same seed, so the same CA keys) issues a client certificate whose
        # subject would clear the screen and forge a report line if printed raw.
        pki = lab_pki(seed=seed)
        today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        evil = Lab(seed=seed, now=today).client(
            pki.intermediate, "evil\x1b[2J\nconnection 99: TLSv1.3 forged\r"
        )
        client, _ = contexts(dataclasses.replace(pki, client=evil), Options(client_auth="required"))
        assert connect(port, client, io_timeout=TIMEOUT).ok
        assert process.wait(timeout=TIMEOUT) == 0
        out = stdout.rest(TIMEOUT)
        err = stderr.rest(TIMEOUT)
    finally:
        process.kill()
        process.wait(timeout=TIMEOUT)
    assert err == ""
    assert out.count("\n") == 1 and "\x1b" not in out and "\r" not in out, repr(out)
    assert out.startswith("connection 1: TLSv1.3 ")
    assert out.endswith(
        ", client certificate 'CN=evil\\x1b[2J\\nconnection 99: TLSv1.3 forged\\r'\n"
    ), repr(out)
