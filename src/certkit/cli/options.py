"""The options several commands share, parsed one way.

Times (``--at``, ``--now``), file arguments, passwords, ``--json`` and the handshake's options:
a command module registers its own options with these helpers and turns what argparse parsed
into certkit's types with them, so that ``--at`` means the same in ``inspect``, ``verify`` and
``lint``, and ``handshake`` and ``serve`` accept the same server options. No command imports
another command: what two commands share lives here (or in `certkit.cli.output`).
"""

from __future__ import annotations

import argparse
import datetime as dt

from certkit.certificates.keys import KEY_TYPES
from certkit.defaults import KEY_TYPE
from certkit.errors import InputError
from certkit.tls.handshake import Options

__all__ = [
    "add_files",
    "add_handshake_options",
    "add_json",
    "add_password",
    "add_time",
    "handshake_options",
    "parse_time",
    "time_or_none",
]


# -- times -----------------------------------------------------------------------------------------


def parse_time(text: str) -> dt.datetime:
    """An ISO 8601 time; UTC when it names no zone.

    Raises:
        InputError: If ``text`` is not an ISO 8601 time.

    Examples:
        >>> parse_time("2026-01-02T03:04:05Z").isoformat()
        '2026-01-02T03:04:05+00:00'
        >>> parse_time("2026-01-02").tzinfo
        datetime.timezone.utc
    """
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"time {text!r}: give an ISO 8601 time such as 2026-01-01T00:00:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def time_or_none(text: str | None) -> dt.datetime | None:
    """[`parse_time`][certkit.cli.options.parse_time] of an option's value, ``None`` if absent."""
    return parse_time(text) if text else None


def add_time(
    parser: argparse.ArgumentParser, flag: str, help: str, *, metavar: str | None = "TIME"
) -> None:
    """Add a time option (``--at``, ``--now``): ISO 8601, read with ``time_or_none``."""
    parser.add_argument(flag, metavar=metavar, help=help)


# -- files, passwords, output ----------------------------------------------------------------------


def add_files(parser: argparse.ArgumentParser) -> None:
    """Add the ``FILE...`` arguments (one or more) as ``args.files``."""
    parser.add_argument("files", nargs="+", metavar="FILE")


def add_password(parser: argparse.ArgumentParser, help: str) -> None:
    """Add ``--password`` (a PKCS #12 file's or an encrypted key's), as ``args.password``."""
    parser.add_argument("--password", help=help)


def add_json(parser: argparse.ArgumentParser, help: str) -> None:
    """Add ``--json``: print the result's ``to_dict()`` as JSON (`certkit.cli.output.show`)."""
    parser.add_argument("--json", action="store_true", help=help)


# -- the handshake's options (certkit handshake and certkit serve) -------------------------------


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


def handshake_options(args: argparse.Namespace) -> Options:
    """The handshake options the command line asks for.

    Reads the options of ``add_handshake_options`` and, when the command has them, the
    client's (``--no-client-cert``, ``--client-cipher``, ``--host``, ``--alpn``,
    ``--resume``).

    Raises:
        InputError: If ``--tls`` and ``--server-max`` leave the server no version to speak.
    """
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
