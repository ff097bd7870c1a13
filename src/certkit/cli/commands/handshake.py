"""``certkit handshake``: run a real TLS handshake in memory and print what happened.

Exit status 0 when the handshake (and its application-data round trip) succeeds, 1 when it
fails (the recording is still printed, the errors go to standard error), 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys

from certkit.cli.options import add_handshake_options, handshake_options
from certkit.cli.output import show
from certkit.errors import InputError
from certkit.tls.handshake import contexts, lab_pki, run
from certkit.tls.recording import Recording
from certkit.traces.curl import curl_trace
from certkit.traces.jsse import jsse_summary
from certkit.traces.mermaid import mermaid
from certkit.traces.steps import steps_text

FORMATS = ("summary", "curl", "jsse", "steps", "mermaid", "json")
"""What ``--format`` accepts; ``summary`` is the default."""

DESCRIPTION = """\
Run a real TLS handshake between an OpenSSL client and server in memory, with a lab PKI made
from --seed (certificates valid today), and print it: --format summary (one line per message),
curl (the lines curl -v prints), jsse (a javax.net.debug style summary for --side), steps (each
message with the correct statement, its RFC sections and the course deck's step it corrects),
mermaid (a sequence diagram) or json (records and messages with their bytes in hex). Exit
status: 0 the handshake succeeded, 1 it failed (the recording is still printed), 2 bad input."""


# Deliberate boilerplate: every command registers its parser in the same shape (name, help,
# description, options, handler); what two commands share is in certkit.cli.options.
def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the command."""
    parser = commands.add_parser(
        "handshake",
        help="run a real TLS handshake in memory and print it (curl, JSSE, steps, Mermaid, JSON)",
        description=DESCRIPTION,
    )
    add_handshake_options(parser)
    parser.add_argument(
        "--no-client-cert",
        action="store_true",
        help="the client has no certificate to send, even when the server asks for one",
    )
    parser.add_argument(
        "--client-cipher",
        metavar="STRING",
        help="OpenSSL cipher string for the client's TLS 1.2 suites (e.g. AES256-GCM-SHA384)",
    )
    parser.add_argument(
        "--alpn",
        metavar="PROTOCOL",
        action="append",
        help="offer and accept this ALPN protocol (repeatable, or comma-separated)",
    )
    parser.add_argument(
        "--host",
        metavar="NAME",
        default="localhost",
        help="the server name the client asks for and checks (default localhost)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="run a second handshake that resumes the first one's session, and print that one",
    )
    parser.add_argument("--format", choices=FORMATS, default="summary", help="what to print")
    parser.add_argument(
        "--side",
        choices=("server", "client"),
        help="with --format jsse: whose log to write (default server, as in the course deck)",
    )
    parser.set_defaults(handler=run_handshake)


def run_handshake(args: argparse.Namespace) -> int:
    """Run the handshake, print it, and return 0 (succeeded) or 1 (failed)."""
    if args.side is not None and args.format != "jsse":
        raise InputError("--side chooses whose javax.net.debug log to write: add --format jsse")
    if args.no_client_cert and args.client_auth == "none":
        raise InputError(
            "--no-client-cert matters only when the server asks for one: "
            "add --client-auth optional or required"
        )
    options = handshake_options(args)
    pki = lab_pki(seed=args.seed, key_type=args.key_type)
    recording = run(*contexts(pki, options), options)
    if args.format in ("summary", "json"):
        show(recording, as_json=args.format == "json")
    else:
        print(
            trace(recording, args.format, side=args.side or "server", host=options.server_hostname)
        )
    if not recording.ok:
        for who, error in (("client", recording.client_error), ("server", recording.server_error)):
            if error:
                print(f"{who}: {error}", file=sys.stderr)
    return 0 if recording.ok else 1


def trace(recording: Recording, fmt: str, *, side: str = "server", host: str = "localhost") -> str:
    """The recording as a trace: ``curl``, ``jsse``, ``steps`` or ``mermaid``."""
    if fmt == "curl":
        return curl_trace(recording, host=host)
    if fmt == "jsse":
        return jsse_summary(recording, side="client" if side == "client" else "server")
    if fmt == "steps":
        return steps_text(recording)
    if fmt == "mermaid":
        return mermaid(recording)
    raise ValueError(f"not a trace format: {fmt!r}")
