"""``certkit serve``: a real TLS server on 127.0.0.1 to try curl, openssl and Java against.

It prints how to connect, then one report per connection, and stops after ``--lifetime``
seconds, after ``--connections`` connections, or on Ctrl-C (exit status 0). Bad input (a port
in use, an unknown cipher) gives one line on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from certkit.cli.options import add_handshake_options, handshake_options
from certkit.errors import InputError
from certkit.tls.handshake import lab_pki
from certkit.tls.recording import Recording
from certkit.tls.serve import Server
from certkit.traces.curl import curl_trace
from certkit.traces.jsse import jsse_summary
from certkit.traces.mermaid import mermaid
from certkit.traces.steps import steps_text

TRACES = ("line", "summary", "curl", "jsse", "steps", "mermaid", "none")
"""What ``--trace`` accepts: how to print each connection (``line`` by default)."""

DESCRIPTION = """\
Serve HTTPS on 127.0.0.1 with a lab PKI made from --seed (certificates valid today, for
localhost and 127.0.0.1): any request gets 200 OK and a line naming the TLS version and cipher.
It writes the CA (and, with --client-auth, the client's certificate, key and PKCS #12 file) into
--dir, prints the curl, openssl s_client and Java commands that connect with them, then reports
each connection as the server recorded it (--trace). It stops after --lifetime seconds, after
--connections connections, or on Ctrl-C."""


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
        "--port", type=int, default=0, help="the port on 127.0.0.1 (default: any free one)"
    )
    parser.add_argument(
        "--dir",
        metavar="DIR",
        help="where to write the files the clients need (default: a temporary directory)",
    )
    parser.add_argument(
        "--lifetime",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="stop accepting connections after this many seconds (default 600)",
    )
    parser.add_argument("--connections", type=int, metavar="N", help="stop after N connections")
    parser.add_argument(
        "--trace",
        choices=TRACES,
        default="line",
        help="how to report each connection, as the server saw it (default: one line)",
    )
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Serve until the lifetime or the connection count runs out, or Ctrl-C."""
    if args.connections is not None and args.connections < 1:
        raise InputError(f"--connections {args.connections}: give 1 or more")
    options = handshake_options(args)
    pki = lab_pki(seed=args.seed, key_type=args.key_type)
    server = Server(
        pki,
        options,
        port=args.port,
        directory=Path(args.dir) if args.dir else None,
        lifetime=args.lifetime,
        max_connections=args.connections,
    )
    server.start()
    try:
        print(server.instructions(), flush=True)
        printed = 0
        while True:
            recordings = server.wait(printed + 1, timeout=0.5)
            for recording in recordings[printed:]:
                printed += 1
                _print(report(printed, recording, args.trace))
            if not server.running:
                break
    except KeyboardInterrupt:
        print("certkit serve: stopped", file=sys.stderr)
    finally:
        server.stop()
    for recording in server.recordings[printed:]:
        printed += 1
        _print(report(printed, recording, args.trace))
    return 0


def _print(text: str) -> None:
    if text:
        print(text, flush=True)


def report(number: int, recording: Recording, trace: str) -> str:
    """One connection, as ``--trace`` asks: a line, the line and a rendering, or nothing."""
    if trace == "none":
        return ""
    if recording.ok:
        line = f"connection {number}: {recording.version} {recording.cipher}"
        if recording.group:
            line += f" ({recording.group})"
        if recording.client_chain:
            line += f", client certificate {recording.client_chain[0].subject.rfc4514_string()}"
    else:
        line = f"connection {number}: failed: {recording.server_error or 'no handshake'}"
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
