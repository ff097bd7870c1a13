"""The server rides out accept() errors: it backs off, says so once, and serves again after.

The real condition is made in a real ``certkit serve``: once it listens, the test lowers its
open-file limit (``prlimit``) to the lowest free descriptor number, so that ``accept()`` fails
with EMFILE, connects, waits for the one line the server prints, raises the limit again and
finishes the TLS handshake of the connection that waited in the queue. The back-off's policy
(how long each wait, one line per episode) is checked on its own, without waiting.
"""

from __future__ import annotations

import errno
import os
import resource
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from timeouts import Lines

from certkit.errors import MESSAGE_LIMIT
from certkit.tls.clientkit import HOST
from certkit.tls.serve import AcceptBackoff

TIMEOUT = 60
CERTKIT = str(Path(sys.executable).parent / "certkit")


def emfile() -> OSError:
    return OSError(errno.EMFILE, os.strerror(errno.EMFILE))


def test_backoff_doubles_from_10_ms_to_1_s_and_says_so_once_per_episode() -> None:
    lines: list[str] = []
    backoff = AcceptBackoff(lines.append)
    delays = [backoff.failed(emfile()) for _ in range(12)]
    assert delays == [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.0, 1.0, 1.0, 1.0, 1.0]
    assert len(lines) == 1  # twelve failures, one line
    assert "Too many open files (EMFILE)" in lines[0] and "ulimit -n" in lines[0]
    assert len(lines[0]) <= MESSAGE_LIMIT and "\n" not in lines[0]
    backoff.succeeded()  # the episode is over: the next failure starts a new one
    aborted = OSError(errno.ECONNABORTED, os.strerror(errno.ECONNABORTED))
    assert backoff.failed(aborted) == 0.01
    assert len(lines) == 2 and "(ECONNABORTED)" in lines[1] and "ulimit" not in lines[1]
    assert backoff.failures == 13


@pytest.mark.parametrize(
    ("code", "transient"),
    [
        (errno.EMFILE, True),
        (errno.ENFILE, True),
        (errno.ENOBUFS, True),
        (errno.ENOMEM, True),
        (errno.ECONNABORTED, True),
        (errno.EBADF, False),  # the listener was closed: stop
        (errno.EINVAL, False),  # not listening: stop
    ],
)
def test_which_errors_are_retried(code: int, transient: bool) -> None:
    assert AcceptBackoff.transient(OSError(code, os.strerror(code))) is transient


def lowest_free_descriptor(pid: int) -> int:
    used = {int(name) for name in os.listdir(f"/proc/{pid}/fd")}
    return next(n for n in range(len(used) + 1) if n not in used)


def test_certkit_serve_keeps_serving_after_running_out_of_file_descriptors(
    tmp_path: Path,
) -> None:
    argv = [CERTKIT, "serve", "--connections", "1", "--lifetime", str(TIMEOUT)]
    argv += ["--dir", str(tmp_path)]
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            stdout, stderr = Lines(process.stdout), Lines(process.stderr)
            # It listens before it prints its instructions; the curl line is the last of them
            # that names the port and the CA.
            first = stdout.wait_for(lambda line: "listening on" in line, TIMEOUT, "listening")
            port = int(first.split(f"{HOST}:")[1].split()[0])
            stdout.wait_for(lambda line: line.startswith("  curl "), TIMEOUT, "curl line")
            limits = resource.prlimit(process.pid, resource.RLIMIT_NOFILE)
            # Every descriptor number below the limit is taken: the next accept() fails.
            low = lowest_free_descriptor(process.pid)
            resource.prlimit(process.pid, resource.RLIMIT_NOFILE, (low, limits[1]))
            with socket.create_connection((HOST, port), timeout=TIMEOUT) as raw:
                line = stderr.wait_for(lambda _: True, TIMEOUT, "the accept error line")
                resource.prlimit(process.pid, resource.RLIMIT_NOFILE, limits)
                # The connection that waited in the queue is served as any other.
                context = ssl.create_default_context(cafile=str(tmp_path / "root-ca.pem"))
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    reply = b""
                    while chunk := tls.recv(4096):
                        reply += chunk
            report = stdout.wait_for(
                lambda text: text.startswith("connection 1:"), TIMEOUT, "the report"
            )
            process.wait(timeout=TIMEOUT)
            rest = stderr.rest(TIMEOUT)
        finally:
            process.kill()
    assert "Too many open files (EMFILE)" in line, line
    assert line.startswith("certkit serve: cannot accept connections: ")
    assert len(line.rstrip("\n")) <= MESSAGE_LIMIT
    assert rest == ""  # one line for the whole episode, however many retries
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n"), reply
    assert report.startswith("connection 1: TLSv1.3 ")
    assert process.returncode == 0
