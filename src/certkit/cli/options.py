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
import getpass
import os
import warnings
from collections.abc import Callable
from typing import Any

from certkit.certificates.keys import KEY_TYPES
from certkit.defaults import KEY_TYPE
from certkit.errors import InputError, quote
from certkit.files import read_file
from certkit.tls.handshake import Options
from certkit.values import name_list, text

PASSWORD_FILE_BYTES = 4096
"""The largest password file read (a password is one line)."""

GROUPS = "secp384r1,x25519"
"""The example ``--groups`` value in messages."""

__all__ = [
    "FILE_OPTIONS",
    "add_files",
    "add_handshake_options",
    "add_json",
    "add_password",
    "add_seed",
    "add_time",
    "checked",
    "handshake_options",
    "parse_time",
    "password",
    "stdin_once",
]


# -- times -----------------------------------------------------------------------------------------


def parse_time(text: str, what: str = "time") -> dt.datetime:
    """An ISO 8601 time; UTC when it names no zone.

    Args:
        text: The time as given.
        what: The option it was given as, for the message (``"--at"``).

    Raises:
        InputError: If ``text`` is not an ISO 8601 time.

    Examples:
        >>> parse_time("2026-01-02T03:04:05Z").isoformat()
        '2026-01-02T03:04:05+00:00'
        >>> parse_time("2026-01-02").tzinfo
        datetime.timezone.utc
    """
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{what} {quote(text)}: give an ISO 8601 time such as 2026-01-01T00:00:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def add_time(
    parser: argparse.ArgumentParser, flag: str, help: str, *, metavar: str | None = "TIME"
) -> None:
    """Add a time option (``--at``, ``--now``): ISO 8601, parsed into an aware ``datetime``."""

    def parse(value: str) -> dt.datetime:
        return parse_time(value, flag)

    parser.add_argument(flag, metavar=metavar, type=parse, help=help)


# -- files, passwords, output ----------------------------------------------------------------------


def add_files(parser: argparse.ArgumentParser) -> None:
    """Add the ``FILE...`` arguments (one or more) as ``args.files``."""
    parser.add_argument("files", nargs="+", metavar="FILE")


def add_password(parser: argparse.ArgumentParser, help: str) -> None:
    """Add the ways to give a password (a PKCS #12 file's or an encrypted key's).

    ``--password-file FILE`` (its first line), ``--password-env NAME`` (an environment
    variable) and ``--password-prompt`` (asked on the terminal, not echoed) keep the password
    off the command line, where every user of the machine can read it (``ps``,
    ``/proc/PID/cmdline``); ``--password TEXT`` is still accepted for test material. At most
    one may be given; [`password`][certkit.cli.options.password] reads it.
    """
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--password-file", metavar="FILE", help=f"{help}: the first line of FILE (- for stdin)"
    )
    group.add_argument(
        "--password-env", metavar="NAME", help=f"{help}: the value of environment variable NAME"
    )
    group.add_argument(
        "--password-prompt", action="store_true", help=f"{help}: ask for it on the terminal"
    )
    group.add_argument(
        "--password",
        metavar="TEXT",
        help=f"{help}, on the command line (other users can see it: prefer --password-file)",
    )


def password(args: argparse.Namespace) -> bytes | None:
    """The password the options of [`add_password`][certkit.cli.options.add_password] give.

    Returns:
        The password as bytes (exactly as given, even if not UTF-8), or ``None``.

    Raises:
        InputError: If the file cannot be read or is empty, or the variable is not set.
    """
    if args.password is not None:
        return os.fsencode(args.password)
    if args.password_env is not None:
        name = text(args.password_env, "--password-env", example="CERTKIT_PASSWORD")
        value = os.environb.get(os.fsencode(name))
        if value is None:
            raise InputError(
                f"--password-env {quote(name)}: the environment variable is not set; "
                "export it first"
            )
        return value
    if args.password_file is not None:
        data = read_file(args.password_file, max_bytes=PASSWORD_FILE_BYTES, what="password file")
        lines = data.splitlines()
        if not lines or not lines[0]:
            raise InputError(
                f"{quote(args.password_file)}: the password file's first line is empty; "
                "write the password on it"
            )
        return lines[0]
    if args.password_prompt:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", getpass.GetPassWarning)
                return os.fsencode(getpass.getpass("Password: "))
        except getpass.GetPassWarning:
            raise InputError(
                "--password-prompt needs a terminal; to pipe the password in, use "
                "--password-file - (standard input)"
            ) from None
        except EOFError:
            raise InputError("--password-prompt: no password was typed") from None
    return None


FILE_OPTIONS = ("files", "chain", "trust", "key", "password_file")
"""The arguments that name files a command reads (where ``-`` means standard input)."""


def stdin_once(args: argparse.Namespace) -> None:
    """Refuse ``-`` (standard input) for more than one file: it can be read only once.

    Raises:
        InputError: If two file arguments are ``-``.
    """
    named = []
    for dest in FILE_OPTIONS:
        value = getattr(args, dest, None)
        values = value if isinstance(value, list) else [value]
        named += [dest for v in values if v == "-"]
    if len(named) > 1:
        raise InputError(
            "- (standard input) is given for more than one file, and it can be read only "
            "once: put all but one in files"
        )


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
    add_seed(parser, "derive the lab PKI's keys from this seed (default: handshake)", "handshake")


def add_seed(parser: argparse.ArgumentParser, help: str, default: str | None = None) -> None:
    """Add ``--seed``: text (not empty, UTF-8, no control characters), as ``args.seed``."""
    parser.add_argument(
        "--seed", type=checked("--seed", example="my-lab"), default=default, help=help
    )


def checked(what: str, **rules: Any) -> Callable[[str], str]:
    """An argparse ``type`` that checks an option's text with `certkit.values.text`.

    Args:
        what: The option, for messages (``"--seed"``).
        **rules: ``example``, ``ascii_only`` and ``limit``, as `certkit.values.text` takes them.
    """

    def check(value: str) -> str:
        return text(value, what, **rules)

    return check


def _alpn(values: list[str] | None) -> tuple[str, ...]:
    return tuple(p for value in values or () for p in name_list(value, "--alpn", example="h2"))


def handshake_options(args: argparse.Namespace) -> Options:
    """The handshake options the command line asks for.

    Reads the options of ``add_handshake_options`` and, when the command has them, the
    client's (``--no-client-cert``, ``--client-cipher``, ``--host``, ``--alpn``,
    ``--resume``).

    Raises:
        InputError: If ``--tls`` and ``--server-max`` leave the server no version to speak.
    """
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
        groups=name_list(args.groups, "--groups", example=GROUPS)
        if args.groups is not None
        else (),
        resume=getattr(args, "resume", False),
    )
