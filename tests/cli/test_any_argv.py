"""Any command line at all: a status of 0, 1 or 2, and a refusal is one bounded line.

Hypothesis builds command lines from every command's options and a vocabulary of hostile values
(empty, control characters, bytes that are not UTF-8, huge, nan, FIFOs, devices, directories,
missing files, real lab files) and runs them through ``certkit.cli.app.main``. Whatever it
builds, the command returns 0, 1 or 2, prints no traceback, and an exit status of 2 comes with
exactly one line on standard error of at most 200 characters. ``serve`` is left out (it runs
until its lifetime ends; its own tests cover its options), and so is ``--password-prompt``
(it would wait for a terminal).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certkit.cli.app import main
from certkit.errors import MESSAGE_LIMIT

COMMANDS = {
    "inspect": ["--json", "--password", "--password-file", "--password-env", "--at", "--key"],
    "lint": ["--role", "--at", "--expiring-days", "--json", "--password-file"],
    "fingerprint": ["--algorithm", "--password", "--password-env"],
    "verify": ["--host", "--trust", "--client", "--at", "--max-chain-depth", "--ring", "--json"],
    "ciphersuite": ["--list", "--tls", "--json"],
    "handshake": [
        "--tls",
        "--server-max",
        "--cipher",
        "--client-auth",
        "--curve",
        "--tls13-ciphers",
        "--groups",
        "--seed",
        "--alpn",
        "--host",
        "--format",
        "--no-client-cert",
        "--client-cipher",
    ],
    "pki create": ["--seed", "--now", "--host", "--key-type", "--force"],
    "zos racf": [
        "--product",
        "--job",
        "--job-name",
        "--server-user",
        "--ring",
        "--client-user",
        "--host",
        "--ca-until",
        "--leaf-until",
        "--generation",
        "--application",
        "--role",
        "--granular",
        "--export-dsn",
        "--distributed-ca",
        "--acf2-role",
        "--tss-owner",
    ],
    "zos liberty": [
        "--generation",
        "--registry",
        "--users-file",
        "--client-auth",
        "--token",
        "--issuer",
        "--signer-label",
        "--audience",
        "--ltpa",
        "--ring",
        "--owner",
        "--keys",
        "--https-port",
        "--level",
        "--tls",
        "--http-port",
    ],
    "zos lint": ["--kind", "--generation", "--runtime", "--json"],
    "zos check": ["--generation", "--server-user", "--json"],
    "zos trace include": ["--generation"],
    "zos trace modify": ["--spec", "--update-trigger"],
    "zos trace spec": ["--generation"],
    "zos trace mustgather": ["--owner", "--ring", "--rdatalib"],
    "zos trace gsk": ["--tcpip-job", "--writer"],
    "zos trace explain": ["--generation", "--json"],
    "zos attls policy": ["--port", "--jobname", "--ring", "--owner", "--client-auth"],
    "zos attls rc": ["--width", "--json"],
}
FLAGS = {"--json", "--client", "--list", "--no-client-cert", "--force", "--job", "--granular"}
FLAGS |= {"--ltpa", "--rdatalib"}

HOSTILE = [
    "",
    " ",
    "-",
    "nan",
    "-1",
    "0",
    "99999999999999999999",
    "1.3",
    "1.2",
    "required",
    "x25519,,",
    "a..b",
    "localhost",
    "é",
    "\x1b[2J",
    "line\nbreak",
    os.fsdecode(b"\xff\xfe"),
    "A" * 5000,
    "2026-01-02",
    "9999-12-31",
    "0001-01-01",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "TLS_AES_256_GCM_SHA384",
    "ZCSRV1",
    "ZCEE.Ring",
    "zosConnect-3.0",
    "acf2",
    "tss",
    "server.xml",
    "invoke=ZCINVOKE",
    "Partner CA=A.B",
    "mpJwt",
    "2035-12-31",
    "saf",
    "BAQSTRT",
    "*=info:SSL=all",
    "mbean",
    "9443",
    "5003",
    "Required",
    "attls",
]


@pytest.fixture(scope="module")
def vocabulary(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("argv")
    assert main(["pki", "create", str(folder / "lab"), "--seed", "argv"]) == 0
    os.mkfifo(folder / "fifo.pem")
    (folder / "empty.pem").write_bytes(b"")
    lab = folder / "lab"
    files = [
        str(lab / name)
        for name in ("server.pem", "server-fullchain.pem", "root-ca.pem", "server.p12")
    ]
    files += [str(folder / "fifo.pem"), str(folder / "empty.pem"), str(folder), "/dev/zero"]
    files += [str(folder / "missing.pem")]
    zos = {  # what certkit zos lint reads, and a users file for certkit zos liberty
        "setup.racf": "RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)\nPERMIT X CLASS(Y) ID(TOOLONGID)\n",
        "job.jcl": "//J JOB\n//S EXEC PGM=IKJEFT01\n//SYSTSIN DD *\n/* c */\nLIST\n",
        "server.xml": '<server><ssl id="s" keyStoreRef="k" clientAuthentication="yes"/></server>',
        "bomb.xml": '<!DOCTYPE s [<!ENTITY a "aaaa">]><server>&a;</server>',
        "users.txt": "Fred:fredpwd\n",
    }
    for name, text in zos.items():
        (folder / name).write_text(text)
        files.append(str(folder / name))
    return HOSTILE + files


@st.composite
def command_lines(draw: st.DrawFn, vocabulary: list[str]) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    argv = command.split()
    options = COMMANDS[command]
    for option in draw(st.lists(st.sampled_from(options), max_size=4)) if options else []:
        argv.append(option)
        if option not in FLAGS:
            argv.append(draw(st.sampled_from(vocabulary)))
    argv += draw(st.lists(st.sampled_from(vocabulary), max_size=3))
    return argv


@settings(
    max_examples=int(os.environ.get("CERTKIT_ARGV_EXAMPLES", "150")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_command_line(
    data: st.DataObject,
    vocabulary: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    argv = data.draw(command_lines(vocabulary))
    monkeypatch.chdir(tmp_path)  # pki create writes here
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    monkeypatch.delenv("CERTKIT_PASSWORD", raising=False)
    status = main(argv)
    _, err = capsys.readouterr()
    assert status in (0, 1, 2), (argv, status, err)
    assert "Traceback" not in err, argv
    if status == 2:
        assert err.count("\n") == 1 and err.startswith("certkit: error: "), (argv, err)
        assert len(err) - 1 <= MESSAGE_LIMIT, (argv, err)
