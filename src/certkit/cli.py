"""The ``certkit`` command.

Every sub-command prints a short result on standard output. Bad input gives one line on
standard error saying what is wrong and what to do, and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from certkit import __version__
from certkit.errors import CertkitError, InputError
from certkit.keys import KEY_TYPES
from certkit.load import read_certificate_file
from certkit.pki import Lab

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"{message} (see: {self.prog} --help)")


def _parse_time(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--now {text!r}: give an ISO 8601 time such as 2026-01-01T00:00:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _cmd_pki_create(args: argparse.Namespace) -> int:
    lab = Lab(seed=args.seed, now=_parse_time(args.now) if args.now else None)
    out = Path(args.directory)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    root = lab.root_ca(args.ca_name, key_type=args.key_type)
    server = lab.server(root, args.host or ["localhost", "127.0.0.1"], key_type=args.key_type)
    key_pem = server.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    files = {
        "root-ca.pem": root.pem.encode(),
        "server.pem": server.pem.encode(),
        "server-chain.pem": (server.pem + root.pem).encode(),
        "server-key.pem": key_pem,
    }
    for name, content in files.items():
        (out / name).write_bytes(content)
    (out / "server-key.pem").chmod(0o600)
    for name in files:
        print(out / name)
    return 0


def _cmd_fingerprint(args: argparse.Namespace) -> int:
    for path in args.files:
        for cert in read_certificate_file(path):
            digest = hashlib.new(args.algorithm, cert.public_bytes(serialization.Encoding.DER))
            hexed = digest.hexdigest().upper()
            pairs = ":".join(hexed[i : i + 2] for i in range(0, len(hexed), 2))
            print(f"{args.algorithm.upper()} {pairs}  {cert.subject.rfc4514_string()}")
    return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="certkit", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"certkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    pki = commands.add_parser("pki", help="build a lab PKI")
    pki_commands = pki.add_subparsers(dest="pki_command", metavar="COMMAND", parser_class=_Parser)
    pki_commands.required = True
    create = pki_commands.add_parser(
        "create", help="write a root CA and a server certificate (with its key) into DIRECTORY"
    )
    create.add_argument("directory", metavar="DIRECTORY")
    create.add_argument("--seed", help="derive every key, serial and signature from this seed")
    create.add_argument(
        "--now", help="the lab clock, ISO 8601 (default: now, or 2026-01-01 with --seed)"
    )
    create.add_argument("--host", action="append", help="a server name for the SAN (repeatable)")
    create.add_argument(
        "--ca-name", default="certkit Lab Root CA", help="the root CA's common name"
    )
    create.add_argument("--key-type", default="ec-p256", choices=KEY_TYPES)
    create.set_defaults(handler=_cmd_pki_create)

    fingerprint = commands.add_parser(
        "fingerprint", help="print the fingerprint of every certificate in FILE..."
    )
    fingerprint.add_argument("files", nargs="+", metavar="FILE")
    fingerprint.add_argument("--algorithm", default="sha256", choices=["sha256", "sha1", "sha384"])
    fingerprint.set_defaults(handler=_cmd_fingerprint)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``certkit`` command.

    Args:
        argv: The arguments (without the program name); ``sys.argv[1:]`` by default.

    Returns:
        The exit status: 0 on success, 2 on bad input.
    """
    try:
        args = _build_parser().parse_args(argv)
        return int(args.handler(args))
    except CertkitError as exc:
        print(f"certkit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
