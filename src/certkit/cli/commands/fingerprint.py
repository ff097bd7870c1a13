"""``certkit fingerprint FILE...``: the fingerprint of every certificate in the files."""

from __future__ import annotations

import argparse
import hashlib

from cryptography.hazmat.primitives import serialization

from certkit.certificates.load import read_certificate_file
from certkit.cli.options import add_files, add_password, password


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the command."""
    parser = commands.add_parser(
        "fingerprint", help="print the fingerprint of every certificate in FILE..."
    )
    add_files(parser)
    parser.add_argument("--algorithm", default="sha256", choices=["sha256", "sha1", "sha384"])
    add_password(parser, "the password of a PKCS #12 file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print ``ALGORITHM AA:BB:...  subject`` for each certificate."""
    secret = password(args)
    for path in args.files:
        for cert in read_certificate_file(path, password=secret):
            digest = hashlib.new(args.algorithm, cert.public_bytes(serialization.Encoding.DER))
            hexed = digest.hexdigest().upper()
            pairs = ":".join(hexed[i : i + 2] for i in range(0, len(hexed), 2))
            try:
                subject = cert.subject.rfc4514_string()
            except (ValueError, TypeError):  # fields are parsed lazily: a bad subject fails here
                subject = "(subject unreadable: see certkit inspect)"
            print(f"{args.algorithm.upper()} {pairs}  {subject}")
    return 0
