"""``certkit inspect FILE...``: describe every certificate, request and key store in the files.

Prints each file's description (``--json`` for data), then exits 0. When a file cannot be read,
or a block of it or a field of a certificate cannot, the rest is still described on standard
output, one line on standard error names every problem, and the exit status is 2.
"""

from __future__ import annotations

import argparse

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from certkit.certificates.anatomy import Description, describe_file
from certkit.certificates.derwalk import der_walk, hex_view
from certkit.certificates.load import keys_match, load_private_key, read_bundle, read_file
from certkit.cli.options import add_files, add_json, add_password, add_time, time_or_none
from certkit.cli.output import show
from certkit.errors import InputError


# Deliberate boilerplate: registered in the shape of every command (see handshake).
def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the command."""
    parser = commands.add_parser(
        "inspect",
        help="describe the certificates, requests and key stores in FILE...",
        description=(
            "Describe every certificate and request in PEM, DER, PKCS #7 and PKCS #12 files: "
            "fields, extensions and what they mean, validity, fingerprints as keytool, "
            "openssl and RACF show them."
        ),
    )
    add_files(parser)
    add_json(parser, "print JSON (a list, one per file)")
    add_password(parser, "the password of a PKCS #12 file or of an encrypted private key")
    add_time(parser, "--at", "judge validity at this ISO 8601 time (default: now)")
    parser.add_argument(
        "--key",
        metavar="KEYFILE",
        help="check that this private key belongs to the first certificate of each FILE",
    )
    parser.add_argument(
        "--walk",
        action="store_true",
        help="also print the annotated DER walk (offset, bytes, field) of each certificate",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Describe each file; raise one InputError naming every problem found."""
    at = time_or_none(args.at)
    errors: list[str] = []
    descriptions: list[Description] = []
    for path in args.files:
        try:
            description = describe_file(path, args.password, at=at)
        except InputError as exc:
            errors.append(str(exc))
            continue
        descriptions.append(description)
        summary = description.summary_of_problems()
        if summary:
            errors.append(summary)
        if args.key and description.certificates:
            try:
                problem = _check_key(path, args.key, args.password)
            except InputError as exc:
                problem = str(exc)
            if problem:
                errors.append(problem)
        if not args.json:
            if len(descriptions) > 1:
                print()
            show(description)
            if args.walk:
                _print_walks(path, args.password)
    if args.json:
        show(descriptions, as_json=True)
    if errors:
        if len(errors) == 1:
            raise InputError(errors[0])
        raise InputError(f"{len(errors)} files with problems: " + "; ".join(errors))
    return 0


def _check_key(path: str, key_path: str, password: str | None) -> str | None:
    bundle = read_bundle(path, password=password)
    key = load_private_key(read_file(key_path), key_path, password=password)
    leaf = bundle.certificates[0]
    if keys_match(leaf, key):
        print(f"{key_path}: the private key belongs to certificate 1 of {path}")
        return None
    try:
        subject = leaf.subject.rfc4514_string()
    except (ValueError, TypeError):  # TypeError: an attribute of a type its OID cannot have
        subject = f"with serial {leaf.serial_number:X}"
    return (
        f"{key_path}: the private key does not belong to the certificate {subject} in {path} "
        "(their public keys differ); use the key made with this certificate's request"
    )


def _print_walks(path: str, password: str | None) -> None:
    bundle = read_bundle(path, password=password)
    for number, item in enumerate(bundle.items, start=1):
        if isinstance(item.value, x509.Certificate | x509.CertificateSigningRequest):
            der = item.value.public_bytes(serialization.Encoding.DER)
            print()
            print(f"DER walk of {item.kind} {number} ({len(der)} bytes)")
            print(hex_view(der_walk(der), der), end="")
