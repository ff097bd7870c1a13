"""``certkit handshake``: run a real TLS handshake in memory and print what happened.

Exit status 0 when the handshake (and its application-data round trip) succeeds, 1 when it
fails (the recording is still printed, the errors go to standard error), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from certkit.certificates.keys import KEY_TYPES
from certkit.defaults import KEY_TYPE
from certkit.errors import InputError
from certkit.tls.handshake import Options, Recording, contexts, lab_pki, run
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
        default="server",
        help="with --format jsse: whose log to write (default server, as in the course deck)",
    )
    parser.set_defaults(handler=run_handshake)


def add_handshake_options(parser: argparse.ArgumentParser) -> None:
    """The options ``certkit handshake`` and ``certkit serve`` share (the server's side)."""
    parser.add_argument("--tls", choices=("1.2", "1.3"), help="allow only this TLS version")
    parser.add_argument(
        "--server-max",
        choices=("1.2", "1.3"),
        help="cap the server's version (clients still offer 1.3, as curl did in the deck)",
    )
    parser.add_argument(
        "--cipher",
        metavar="STRING",
        help="OpenSSL cipher string for the server's TLS 1.2 suites "
        "(e.g. ECDHE-RSA-AES256-GCM-SHA384)",
    )
    parser.add_argument(
        "--client-auth",
        choices=("none", "optional", "required"),
        default="none",
        help="whether the server asks for a client certificate (default none)",
    )
    parser.add_argument(
        "--key-type",
        choices=[k for k in KEY_TYPES if k != "x25519"],
        default=KEY_TYPE,
        help=f"the key type of every certificate of the lab PKI (default {KEY_TYPE})",
    )
    parser.add_argument(
        "--curve", metavar="NAME", help="the server's only ECDHE group, e.g. secp384r1"
    )
    parser.add_argument(
        "--tls13-ciphers",
        metavar="SUITES",
        help="the server's TLS 1.3 suites, colon-separated (e.g. TLS_CHACHA20_POLY1305_SHA256)",
    )
    parser.add_argument(
        "--groups",
        metavar="LIST",
        help="key exchange groups both sides allow, comma-separated (e.g. secp384r1,x25519)",
    )
    parser.add_argument(
        "--seed",
        default="handshake",
        help="derive the lab PKI's keys from this seed (default: handshake)",
    )


def _alpn(values: list[str] | None) -> tuple[str, ...]:
    found = tuple(p.strip() for value in values or () for p in value.split(",") if p.strip())
    for protocol in found:
        if len(protocol.encode()) > 255:
            raise InputError(f"ALPN protocol {protocol[:20]!r}...: at most 255 bytes")
    return found


def options_from(args: argparse.Namespace) -> Options:
    """The handshake options the command line asks for."""
    if args.tls is not None and args.server_max is not None and args.server_max < args.tls:
        raise InputError(
            f"--tls {args.tls} with --server-max {args.server_max}: "
            "the server could not speak the only allowed version"
        )
    return Options(
        tls=args.tls,
        server_max=args.server_max,
        cipher=args.cipher,
        client_cipher=getattr(args, "client_cipher", None),
        client_auth=args.client_auth,
        client_cert=False if getattr(args, "no_client_cert", False) else None,
        server_hostname=getattr(args, "host", "localhost"),
        alpn=_alpn(getattr(args, "alpn", None)),
        curve=args.curve,
        tls13_ciphers=args.tls13_ciphers,
        groups=tuple(g.strip() for g in (args.groups or "").split(",") if g.strip()),
        resume=getattr(args, "resume", False),
    )


def run_handshake(args: argparse.Namespace) -> int:
    """Run the handshake, print it, and return 0 (succeeded) or 1 (failed)."""
    options = options_from(args)
    pki = lab_pki(seed=args.seed, key_type=args.key_type)
    recording = run(*contexts(pki, options), options)
    print(render(recording, args.format, side=args.side, host=options.server_hostname))
    if not recording.ok:
        for who, error in (("client", recording.client_error), ("server", recording.server_error)):
            if error:
                print(f"{who}: {error}", file=sys.stderr)
    return 0 if recording.ok else 1


def render(recording: Recording, fmt: str, *, side: str = "server", host: str = "localhost") -> str:
    """The recording in one of the ``FORMATS`` (``summary`` for anything else)."""
    if fmt == "curl":
        return curl_trace(recording, host=host)
    if fmt == "jsse":
        return jsse_summary(recording, side="client" if side == "client" else "server")
    if fmt == "steps":
        return steps_text(recording)
    if fmt == "mermaid":
        return mermaid(recording)
    if fmt == "json":
        return json.dumps(recording.to_dict(), indent=2)
    return recording.to_text()
