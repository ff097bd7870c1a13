"""``certkit ciphersuite NAME...``: explain cipher suites; ``--list``: what OpenSSL here offers.

Exit status 0, or 2 with one line on standard error for an unknown name or bad options.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from certkit.cli.options import add_json
from certkit.cli.output import show
from certkit.errors import InputError
from certkit.tls.ciphersuites import Suite, explain, openssl_suites

DESCRIPTION = """\
Explain each cipher suite NAME, given in any spelling: OpenSSL (ECDHE-RSA-AES256-GCM-SHA384),
IANA or Java (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384), IBM Java 8 (SSL_ECDHE_RSA_...), or the
code (C030 as z/OS System SSL and AT-TLS write it, or 0xC0,0x30). It prints every spelling, the
key exchange, authentication, cipher, MAC or AEAD, key derivation, forward secrecy, the TLS
versions that can use it and whether OpenSSL here offers it, in plain words, with a security
note. With --list, print the suites OpenSSL here offers, in its order of preference."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the command."""
    parser = commands.add_parser(
        "ciphersuite",
        help="explain a TLS cipher suite given by any name or code; --list what OpenSSL offers",
        description=DESCRIPTION,
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="a suite name or code")
    parser.add_argument(
        "--list", action="store_true", help="list the suites OpenSSL here offers, as a table"
    )
    parser.add_argument(
        "--tls",
        choices=["1.0", "1.1", "1.2", "1.3"],
        help="with --list: only suites this TLS version can negotiate",
    )
    add_json(parser, "print JSON (a list of suites)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Explain the named suites, or list what OpenSSL offers."""
    if args.list and args.names:
        raise InputError("give cipher suite names or --list, not both")
    if args.tls is not None and not args.list:
        raise InputError("--tls only applies to --list")
    if not args.list and not args.names:
        raise InputError("give a cipher suite name or code (e.g. C030), or --list")
    found = openssl_suites(args.tls) if args.list else [explain(name) for name in args.names]
    if args.list and not args.json:
        print(_table(found))
    else:
        show(found, as_json=args.json)
    return 0


def _table(found: Iterable[Suite]) -> str:
    rows = [
        ["Code", "IANA name", "OpenSSL name", "Kx", "Au", "Cipher", "MAC", "FS", "TLS", "Verdict"]
    ]
    count = 0
    for suite in found:
        count += 1
        tls = [v.split()[1] for v in suite.versions if v.startswith("TLS")]
        rows.append(
            [
                suite.zos,
                suite.iana,
                suite.openssl or "-",
                suite.key_exchange or "any",
                suite.authentication or "any",
                suite.cipher_name,
                "AEAD" if suite.aead else suite.mac or "-",
                "yes" if suite.forward_secrecy else "no",
                tls[0] if len(tls) == 1 else f"{tls[0]}-{tls[-1]}",
                suite.verdict,
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append(
        f"{count} suites. Kx/Au any: a TLS 1.3 suite leaves key exchange and authentication to "
        "extensions. FS: forward secrecy. See: certkit ciphersuite NAME"
    )
    return "\n".join(lines)
