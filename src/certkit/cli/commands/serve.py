"""``certkit serve``: a real TLS server on 127.0.0.1 to try curl, openssl and Java against.

It prints how to connect, then one report per connection, and stops after ``--lifetime``
seconds, after ``--connections`` connections, or when a signal tells it to. However it stops,
it removes what it made: the temporary directory (the client files, unless ``--dir`` names
where they go) and the key log.

Signals and exit status:

* Ctrl-C (SIGINT), SIGTERM or SIGHUP: stop accepting, let open connections finish (each for at
  most about ten seconds), clean up and exit. After Ctrl-C the exit status is 0 (stopping is what
  it is for); after SIGTERM it is 143 and after SIGHUP 129: 128 + the signal's number, what a
  shell reports for a program that a signal ended.
* A second signal while it is stopping (a second Ctrl-C): it stops waiting, cleans up at once
  and exits with 128 + that signal's number (130 for Ctrl-C).
* A signal ignored when certkit started (SIGHUP under ``nohup``, SIGINT in a background job)
  stays ignored.

Bad input (a port in use, an unknown cipher, a ``--lifetime`` that is not a number of seconds)
gives one line on standard error and exit status 2. Text a client controls (the subject of its
certificate) is printed escaped, so a report is always one line.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from certkit.cli.options import add_handshake_options, handshake_options
from certkit.errors import one_line, quote
from certkit.tls.handshake import lab_pki
from certkit.tls.recording import Recording
from certkit.tls.serve import MAX_SECONDS, Server
from certkit.traces.curl import curl_trace
from certkit.traces.jsse import jsse_summary
from certkit.traces.mermaid import mermaid
from certkit.traces.steps import steps_text
from certkit.values import number

TRACES = ("line", "summary", "curl", "jsse", "steps", "mermaid", "none")
"""What ``--trace`` accepts: how to print each connection (``line`` by default)."""

MAX_CONNECTIONS = 1_000_000
"""The most ``--connections`` takes."""

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals that stop the server cleanly (see the module's description)."""

DESCRIPTION = f"""\
Serve HTTPS on 127.0.0.1 with a lab PKI made from --seed (certificates valid today, for
localhost and 127.0.0.1): any request gets 200 OK and a line naming the TLS version and cipher.
It writes the CA (and, with --client-auth, the client's certificate, key and PKCS #12 file) into
--dir, prints the curl, openssl s_client and Java commands that connect with them, then reports
each connection as the server recorded it (--trace). It stops after --lifetime seconds, after
--connections connections, or on Ctrl-C, SIGTERM or SIGHUP, and removes its temporary directory
and key log however it stops. Exit status: 0 when it ran its course or Ctrl-C stopped it; 143
after SIGTERM, 129 after SIGHUP, 130 after a second Ctrl-C while it was stopping (it then stops
waiting for open connections); 2 on bad input. --lifetime is at most {MAX_SECONDS:g} seconds
(a day)."""


# Deliberate boilerplate: registered in the shape of every command (see handshake).
def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the command."""
    parser = commands.add_parser(
        "serve",
        help="run a TLS server on 127.0.0.1 for curl, openssl and Java, and report each connection",
        description=DESCRIPTION,
    )
    add_handshake_options(parser)
    parser.add_argument(
        "--port", default="0", metavar="PORT", help="the port on 127.0.0.1 (default: any free one)"
    )
    parser.add_argument(
        "--dir",
        metavar="DIR",
        help="where to write the files the clients need (default: a temporary directory)",
    )
    parser.add_argument(
        "--lifetime",
        default="600",
        metavar="SECONDS",
        help=f"stop accepting connections after this many seconds (default 600, at most "
        f"{MAX_SECONDS:g})",
    )
    parser.add_argument(
        "--connections", metavar="N", help=f"stop after N connections (at most {MAX_CONNECTIONS})"
    )
    parser.add_argument(
        "--trace",
        choices=TRACES,
        default="line",
        help="how to report each connection, as the server saw it (default: one line)",
    )
    parser.set_defaults(handler=run_serve)


class _Signalled(BaseException):
    """A stop signal arrived (raised in the main thread, like KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _StopSignals:
    """Turns the stop signals into `_Signalled` while armed; ignores them while cleaning up."""

    def __init__(self) -> None:
        self.armed = True
        self._previous: dict[int, Callable[[int, FrameType | None], object] | int] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers; Ctrl-C still works there
        for signum in STOP_SIGNALS:
            previous = signal.getsignal(signum)
            if previous == signal.SIG_IGN:
                continue  # nohup, a background job: the caller wants it ignored
            self._previous[signum] = previous if previous is not None else signal.SIG_DFL
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.armed:
            raise _Signalled(signum)

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)


def _signal_of(stop: BaseException) -> int:
    return stop.signum if isinstance(stop, _Signalled) else int(signal.SIGINT)


def _signal_name(signum: int) -> str:
    return "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name


def _say(text: str, *, stderr: bool = False, stopping: bool = False) -> None:
    """Print (and flush) a line.

    While serving, a closed standard output (``certkit serve | head``) ends the command; once it
    is stopping, an output that went away (the terminal of a SIGHUP) does not stop the cleanup.
    """
    if not text:
        return
    with contextlib.suppress(*((OSError, ValueError) if stopping else ())):
        print(text, file=sys.stderr if stderr else sys.stdout, flush=True)


def run_serve(args: argparse.Namespace) -> int:
    """Serve until the lifetime or the connection count runs out, or a signal stops it."""
    port = int(
        number(
            args.port,
            "--port",
            minimum=0,
            maximum=65535,
            integer=True,
            give="a port from 1 to 65535, or 0 for any free one",
        )
    )
    lifetime = number(
        args.lifetime,
        "--lifetime",
        above=0,
        maximum=MAX_SECONDS,
        give=f"a number of seconds above 0 and at most {MAX_SECONDS:g} (a day)",
    )
    connections = None
    if args.connections is not None:
        connections = int(
            number(
                args.connections,
                "--connections",
                minimum=1,
                maximum=MAX_CONNECTIONS,
                integer=True,
                give=f"1 to {MAX_CONNECTIONS}",
            )
        )
    options = handshake_options(args)
    signals = _StopSignals()
    server: Server | None = None
    status = 0
    printed = 0

    def report_new(stopping: bool = False) -> None:
        nonlocal printed
        assert server is not None
        for recording in server.recordings[printed:]:
            printed += 1
            _say(report(printed, recording, args.trace), stopping=stopping)

    try:
        try:
            signals.install()
            pki = lab_pki(seed=args.seed, key_type=args.key_type)
            server = Server(
                pki,
                options,
                port=port,
                directory=Path(args.dir) if args.dir else None,
                lifetime=lifetime,
                max_connections=connections,
            )
            server.start()
            _say(server.instructions())
            while server.running:
                server.wait(printed + 1, timeout=0.5)
                report_new()
            server.stop()
        except (_Signalled, KeyboardInterrupt) as first:
            signum = _signal_of(first)
            status = 0 if signum == signal.SIGINT else 128 + signum
            _stop_gracefully(server, _signal_name(signum))
    except (_Signalled, KeyboardInterrupt) as second:  # while stopping, wherever it came
        signals.armed = False
        signum = _signal_of(second)
        status = 128 + signum
        _say(f"certkit serve: stopping now ({_signal_name(signum)})", stderr=True, stopping=True)
    finally:
        signals.armed = False
        if server is not None:
            server.stop(wait=False)  # at once; nothing left to wait for, or told not to wait
        signals.restore()
    if server is not None:
        report_new(stopping=True)
    return status


def _stop_gracefully(server: Server | None, why: str) -> None:
    """Stop accepting; let open connections finish (a second signal interrupts the wait)."""
    waiting = server.open_connections if server is not None else 0
    if waiting:
        plural = "s" if waiting > 1 else ""
        _say(
            f"certkit serve: stopping ({why}): waiting for {waiting} open connection{plural}; "
            "Ctrl-C again to stop now",
            stderr=True,
            stopping=True,
        )
    else:
        _say(f"certkit serve: stopped ({why})", stderr=True, stopping=True)
    if server is not None:
        server.stop()


def report(number: int, recording: Recording, trace: str) -> str:
    """One connection, as ``--trace`` asks: a line, the line and a rendering, or nothing.

    The line is one line whatever the client sent: the subject of its certificate is quoted
    (escaped and bounded), and the server's error is escaped.
    """
    if trace == "none":
        return ""
    if recording.ok:
        line = f"connection {number}: {recording.version} {recording.cipher}"
        if recording.group:
            line += f" ({recording.group})"
        if recording.client_chain:
            subject = recording.client_chain[0].subject.rfc4514_string()
            line += f", client certificate {quote(subject, 100)}"
    else:
        line = f"connection {number}: failed: {one_line(recording.server_error or 'no handshake')}"
        if recording.alerts:
            alerts = ", ".join(f"{a.sender} sent {a.description}" for a in recording.alerts)
            line += f" ({alerts})"
    renderers: dict[str, Callable[[], str]] = {
        "summary": recording.to_text,
        "curl": lambda: curl_trace(recording),
        "jsse": lambda: jsse_summary(recording, side="server"),
        "steps": lambda: steps_text(recording),
        "mermaid": lambda: mermaid(recording),
    }
    body = renderers.get(trace)
    return f"{line}\n{body()}" if body is not None else line
