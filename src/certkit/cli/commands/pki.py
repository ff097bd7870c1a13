"""``certkit pki create DIR``: a complete lab PKI with ready files for Python, curl and Java.

The files are written all at once or not at all (`certkit.files.write_files`): built in a new
directory beside DIR and renamed into place, keys and key stores mode 0600 from the moment they
exist. A symbolic link in the way is refused, and the files of an earlier lab are only replaced
with ``--force``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from certkit.certificates.keys import KEY_TYPES
from certkit.certificates.pki import Lab, java_truststore
from certkit.cli.options import add_seed, add_time
from certkit.defaults import KEY_TYPE, LAB_HOSTS, STORE_PASSWORD
from certkit.files import write_files

README = """\
certkit lab PKI
===============

Made by `certkit pki create` {how}.
Lab clock: {now}. Server names: {hosts}.
Test material only: the private keys are not protected{seeded}.

Certificate authorities
  root-ca.pem                 the root CA: the trust anchor (CERTAUTH in a RACF key ring)
  intermediate-ca.pem         the intermediate CA that signed the server and client certificates
  ca-bundle.pem               root-ca.pem alone: what clients trust (curl --cacert, Python cafile)

Server (serverAuth)
  server.pem                  the server certificate alone
  server-fullchain.pem        server + intermediate: what a server must send
  server-key.pem              the server's private key (PKCS #8, unencrypted)
  server.p12                  key + chain for Java/Liberty (keytool -list: alias "server")

Client (clientAuth, for mutual TLS)
  client.pem                  the client certificate alone
  client-fullchain.pem        client + intermediate
  client-key.pem              the client's private key (PKCS #8, unencrypted)
  client.p12                  key + chain for Java (alias "client")

Java trust store
  truststore.p12              root and intermediate as trusted certificates (aliases "root-ca",
                              "intermediate-ca")

PKCS #12 password: {password}

Try it
  python:  ssl.create_default_context(cafile="ca-bundle.pem")
  server:  openssl s_server -accept 127.0.0.1:8443 -cert server-fullchain.pem -key server-key.pem
  curl:    curl --cacert ca-bundle.pem https://localhost:8443/
  mTLS:    curl --cacert ca-bundle.pem --cert client-fullchain.pem --key client-key.pem ...
  Java:    keytool -list -keystore server.p12 -storepass {password}
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the command."""
    pki = commands.add_parser("pki", help="build a lab PKI")
    sub = pki.add_subparsers(dest="pki_command", metavar="COMMAND", parser_class=type(pki))
    sub.required = True
    create = sub.add_parser(
        "create", help="write a root CA, intermediate, server and client certificates into DIR"
    )
    create.add_argument("directory", metavar="DIRECTORY")
    add_seed(create, "derive every key, serial and signature from this seed (default: random)")
    add_time(
        create,
        "--now",
        "the lab clock, ISO 8601 (default: now, or 2026-01-01 with --seed)",
        metavar=None,
    )
    create.add_argument("--host", action="append", help="a server name for the SAN (repeatable)")
    create.add_argument("--key-type", default=KEY_TYPE, choices=KEY_TYPES[:-1])
    create.add_argument(
        "--force",
        action="store_true",
        help="replace the files of an earlier lab in DIRECTORY (keys included)",
    )
    create.set_defaults(handler=run_create)


def run_create(args: argparse.Namespace) -> int:
    """Write the lab PKI and list the files written."""
    lab = Lab(seed=args.seed, now=args.now)
    out = Path(args.directory)
    hosts = args.host or list(LAB_HOSTS)
    pki = lab.pki(hosts, key_type=args.key_type)
    files: dict[str, bytes] = {
        "root-ca.pem": pki.root.pem.encode(),
        "intermediate-ca.pem": pki.intermediate.pem.encode(),
        "ca-bundle.pem": pki.root.pem.encode(),
        "server.pem": pki.server.pem.encode(),
        "server-fullchain.pem": pki.server.fullchain_pem().encode(),
        "server-key.pem": pki.server.key_pem().encode(),
        "server.p12": pki.server.pkcs12(STORE_PASSWORD, alias="server"),
        "client.pem": pki.client.pem.encode(),
        "client-fullchain.pem": pki.client.fullchain_pem().encode(),
        "client-key.pem": pki.client.key_pem().encode(),
        "client.p12": pki.client.pkcs12(STORE_PASSWORD, alias="client"),
        "truststore.p12": java_truststore(
            [pki.root.certificate, pki.intermediate.certificate],
            STORE_PASSWORD,
            aliases=["root-ca", "intermediate-ca"],
        ),
    }
    readme = README.format(
        how=f"with --seed {args.seed!r}" if args.seed else "with a random seed",
        now=lab.now.isoformat(),
        hosts=", ".join(hosts),
        seeded=" and anyone who knows the seed can recompute them" if args.seed else "",
        password=STORE_PASSWORD,
    )
    files["README.txt"] = readme.encode()
    written = write_files(
        out, files, private=lambda name: name.endswith(("-key.pem", ".p12")), force=args.force
    )
    for path in written:
        print(path)
    return 0
