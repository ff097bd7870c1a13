"""``certkit inspect``: the real command, for good input and for every bad input.

Every case of tests/certificates/test_load.py's BAD_INPUTS runs through the installed ``certkit`` command in
a subprocess: exit status 2, exactly one line on standard error, no traceback; what can still be
described is on standard output.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bad_inputs import BAD_INPUTS, SERVER, Case, write_case
from commands import CERTKIT
from commands import run_certkit as certkit

from certkit.certificates.anatomy import describe_file
from certkit.cli.app import main


def argv(case: Case, tmp_path: Path) -> list[str]:
    target, key = write_case(case, tmp_path)
    args = ["inspect", str(target), "--at", "2026-01-02T00:00:00Z"]
    if case.password is not None:
        args += ["--password", case.password]
    if key is not None:
        args += ["--key", str(key)]
    return args


@pytest.fixture(scope="module")
def bad_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run every bad case through the real command, several at a time."""
    jobs = {}
    for name, case in BAD_INPUTS.items():
        jobs[name] = argv(case, tmp_path_factory.mktemp("case"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = pool.map(lambda args: certkit(*args), jobs.values())
        return dict(zip(jobs, results, strict=True))


def test_the_command_is_installed() -> None:
    assert CERTKIT.exists(), f"{CERTKIT} is missing: pip install -e . in the venv"


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_exit_2_and_one_line(
    name: str, bad_runs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    case = BAD_INPUTS[name]
    result = bad_runs[name]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("certkit: error: ")
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert len(result.stderr) <= 201 and not result.stderr.endswith("...\n"), "cut short"
    assert "\x1b" not in result.stderr
    assert case.message in result.stderr, result.stderr
    if case.described is None:
        assert result.stdout == ""
    else:
        assert case.described in result.stdout, result.stdout


def test_in_process_main_agrees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = BAD_INPUTS["bundle with one corrupt block"]
    status = main(argv(case, tmp_path))
    out, err = capsys.readouterr()
    assert status == 2 and err.count("\n") == 1 and case.message in err
    assert out.count("\nCertificate ") == 2  # the two good blocks are described


# -- good input ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("lab") / "lab"
    result = certkit("pki", "create", directory, "--seed", "demo")
    assert result.returncode == 0, result.stderr
    return directory


def test_inspect_server_pem(lab: Path) -> None:
    result = certkit("inspect", "server.pem", "--at", "2026-01-01T00:00:00Z", cwd=lab)
    assert (result.returncode, result.stderr) == (0, "")
    expected = describe_file(
        lab / "server.pem", at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ).to_text()
    assert result.stdout == expected.replace(str(lab / "server.pem"), "server.pem")
    assert result.stdout.startswith("server.pem: PEM, 1 certificate\n")
    assert "Subject              CN=localhost" in result.stdout


def test_inspect_several_files_and_formats(lab: Path) -> None:
    result = certkit(
        "inspect",
        "server-fullchain.pem",
        "server.p12",
        "truststore.p12",
        "--password",
        "changeit",
        "--at",
        "2026-02-01",
        cwd=lab,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert "server-fullchain.pem: PEM, 2 certificates" in result.stdout
    assert "server.p12: PKCS#12, 3 certificates, 1 private key" in result.stdout
    assert "truststore.p12: PKCS#12, 2 certificates" in result.stdout
    assert "belongs to certificate 1" in result.stdout
    assert "valid, 59 days left (at 2026-02-01 00:00:00 UTC)" in result.stdout


def test_inspect_json(lab: Path) -> None:
    result = certkit("inspect", "--json", "root-ca.pem", "client.pem", cwd=lab)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert [d["source"] for d in data] == ["root-ca.pem", "client.pem"]
    assert data[0]["entries"][0]["subject"] == "CN=certkit Lab Root CA"
    assert data[1]["entries"][0]["extensions"][2]["value"] == "clientAuth (1.3.6.1.5.5.7.3.2)"


def test_inspect_json_with_a_bad_block_still_prints_json(tmp_path: Path) -> None:
    case = BAD_INPUTS["bundle with one corrupt block"]
    result = certkit(*argv(case, tmp_path), "--json")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    (data,) = json.loads(result.stdout)
    assert len(data["entries"]) == 2
    assert data["problems"][0]["block"] == 2


def test_inspect_a_csr_and_a_der_file(tmp_path: Path) -> None:
    from certkit import Lab

    request = Lab(seed="cli").request("req.example.com", hostnames=["req.example.com"])
    (tmp_path / "req.pem").write_text(request.pem)
    (tmp_path / "server.der").write_bytes(SERVER.der)
    result = certkit("inspect", tmp_path / "req.pem", tmp_path / "server.der")
    assert result.returncode == 0, result.stderr
    assert "Certificate signing request 1" in result.stdout
    assert "server.der: DER, 1 certificate" in result.stdout


def test_inspect_walk(lab: Path) -> None:
    result = certkit("inspect", "server.pem", "--walk", "--at", "2026-01-01", cwd=lab)
    assert result.returncode == 0
    walk = result.stdout.split("DER walk of certificate 1 (")[1]
    assert "tbsCertificate.subject.rdnSequence[0][0].type  OBJECT IDENTIFIER" in walk
    assert walk.splitlines()[1].startswith("000000  30 82 ")


def test_inspect_key_that_matches(lab: Path) -> None:
    result = certkit("inspect", "server.pem", "--key", "server-key.pem", cwd=lab)
    assert result.returncode == 0, result.stderr
    assert "server-key.pem: the private key belongs to certificate 1 of server.pem" in (
        result.stdout
    )


def test_bad_options(lab: Path) -> None:
    for args, message in (
        (["inspect", "server.pem", "--at", "yesterday"], "ISO 8601"),
        (["inspect"], "the following arguments are required: FILE"),
        (["inspect", "server.pem", "--frobnicate"], "unrecognized arguments"),
    ):
        result = certkit(*args, cwd=lab)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr


def test_two_bad_files_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.pem").write_bytes(b"")
    (tmp_path / "b.pem").write_bytes(b"nothing here\n")
    result = certkit("inspect", "a.pem", "missing.pem", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "2 files with problems: a.pem: the file is empty" in result.stderr
    assert "; missing.pem: no such file" in result.stderr
    # With long names the line names the first problem and counts the rest, whole.
    result = certkit("inspect", tmp_path / "a.pem", tmp_path / "b.pem")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "2 files with problems; the first: " in result.stderr
    assert result.stderr.endswith("a.pem: the file is empty; give a PEM or DER certificate\n")
    assert len(result.stderr) <= 201
