"""``certkit lint FILE...``: check certificates against certkit's hygiene rules.

Exit status 0 when no certificate has an error-severity finding (warnings and info do not fail),
1 when one has, 2 on bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt

from certkit import values
from certkit.certificates.lint import Report, Reports, lint_report
from certkit.certificates.load import read_certificate_file
from certkit.cli.options import add_files, add_json, add_password, add_time, password
from certkit.cli.output import show
from certkit.defaults import EXPIRING_DAYS


# Deliberate boilerplate: registered in the shape of every command (see handshake).
def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the command."""
    parser = commands.add_parser(
        "lint",
        help="check certificates for hygiene problems (SAN, EKU, key usage, validity, ...)",
        description=(
            "Check every certificate in FILE... (PEM, one or many, or DER). "
            "Exit status 0 when there is no error-severity finding, 1 when there is, "
            "2 on bad input."
        ),
    )
    add_files(parser)
    parser.add_argument(
        "--role",
        choices=["server", "client", "ca"],
        help="check every certificate as this role (default: detect it from each certificate)",
    )
    add_time(
        parser,
        "--at",
        "check validity at this ISO 8601 time, UTC unless it names a zone (default: now)",
    )
    parser.add_argument(
        "--expiring-days",
        type=_days,
        default=EXPIRING_DAYS,
        metavar="N",
        help=f"warn when a certificate expires within N days (default {EXPIRING_DAYS})",
    )
    add_json(parser, "print JSON instead of text")
    add_password(parser, "the password of a PKCS #12 file")
    parser.set_defaults(handler=run)


def _days(text: str) -> int:
    return int(
        values.number(text, "--expiring-days", minimum=0, integer=True, give="0 or more days")
    )


def run(args: argparse.Namespace) -> int:
    """Lint every certificate of every file; print the reports."""
    at = args.at or dt.datetime.now(dt.UTC)
    secret = password(args)
    # all bad input before any output
    loaded = [(path, read_certificate_file(path, password=secret)) for path in args.files]
    reports: list[Report] = []
    for path, certificates in loaded:
        for number, cert in enumerate(certificates, start=1):
            source = path if len(certificates) == 1 else f"{path}#{number}"
            reports.append(
                lint_report(
                    cert, role=args.role, at=at, expiring_days=args.expiring_days, source=source
                )
            )
    result = Reports(tuple(reports))
    show(result, as_json=args.json)
    return 1 if result.count("error") else 0
