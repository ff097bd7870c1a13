"""``certkit verify --host NAME CHAIN --trust CA``: verify a chain and explain a failure.

Exit status 0 when the chain verifies, 1 when it does not (the explanation is printed), 2 on bad
input (one line on standard error).
"""

from __future__ import annotations

import argparse

from certkit.certificates.load import read_certificate_file
from certkit.certificates.verify import check_ring, verify_chain
from certkit.cli.options import add_json, add_password, add_time, password
from certkit.cli.output import show
from certkit.defaults import RING_NAME, RING_OWNER
from certkit.errors import InputError

DESCRIPTION = """\
Verify CHAIN (a PEM or DER file: the server's or client's certificate first, then the
intermediate CA certificates) against the trusted CA certificates, with cryptography's
verifier. When it does not verify, say which certificate breaks the chain, which rule
(RFC 5280 section) it breaks and how to fix it, also as RACF key ring commands to adapt.
Exit status: 0 verified, 1 not verified, 2 bad input."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the command."""
    parser = commands.add_parser(
        "verify",
        help="verify a certificate chain for a host name or for client use, and explain why not",
        description=DESCRIPTION,
    )
    parser.add_argument("chain", metavar="CHAIN", help="the chain: leaf first, then intermediates")
    parser.add_argument("--host", metavar="NAME", help="the server name (DNS name or IP address)")
    parser.add_argument(
        "--trust",
        metavar="CA",
        action="append",
        required=True,
        help="a file of trusted CA certificates (repeatable)",
    )
    parser.add_argument(
        "--client", action="store_true", help="verify a client certificate (clientAuth)"
    )
    add_time(parser, "--at", "verify as of TIME, ISO 8601 (default: now; UTC if no zone)")
    parser.add_argument(
        "--max-chain-depth",
        metavar="N",
        type=int,
        help="the most intermediate certificates to accept (default: cryptography's)",
    )
    parser.add_argument(
        "--ring-owner",
        metavar="USERID",
        default=RING_OWNER,
        help=f"the key ring owner in the RACF sketch (default {RING_OWNER})",
    )
    parser.add_argument(
        "--ring",
        metavar="NAME",
        default=RING_NAME,
        help=f"the key ring in the RACF sketch (default {RING_NAME})",
    )
    add_json(parser, "print the result as JSON")
    add_password(parser, "the password of PKCS #12 files (CHAIN or CA)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Verify, print the result, and return 0 (verified) or 1 (not verified)."""
    if args.client and args.host is not None:
        raise InputError("--client verifies a client certificate: drop --host")
    if not args.client and args.host is None:
        raise InputError("give --host NAME (the server name to check), or --client")
    check_ring(args.ring_owner, args.ring)  # bad options before any file is read
    secret = password(args)
    leaf, *intermediates = read_certificate_file(args.chain, password=secret)
    trust = [cert for path in args.trust for cert in read_certificate_file(path, password=secret)]
    result = verify_chain(
        leaf,
        intermediates,
        trust,
        host=args.host,
        client=args.client,
        at=args.at,
        max_chain_depth=args.max_chain_depth,
    )
    show(result.for_ring(args.ring_owner, args.ring), as_json=args.json)
    return 0 if result.ok else 1
