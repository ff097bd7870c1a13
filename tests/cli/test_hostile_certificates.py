"""Hostile certificates through the four commands that read them: inspect, lint, fingerprint, verify.

Each certificate in HOSTILE (made in tests/bad_inputs.py by changing a lab certificate's DER)
runs through the installed ``certkit`` command, every command in a subprocess of its own, so
that what a reader sees is what is tested: no traceback, no ``RecursionError``, no library
warning, and standard error holds nothing or exactly one line of at most 200 characters. Exit
status 2 means the file could not be used (the line says why and what to do); a readable
certificate with a defect gets the command's own verdict instead (lint 1 with a finding,
verify 1 with an explanation), and whatever can still be described is described.
"""

from __future__ import annotations

import subprocess
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import bad_inputs
import pytest
from bad_inputs import INTERMEDIATE, ROOT, der, pem
from commands import run_certkit as certkit

from certkit.cli.app import main
from certkit.errors import MESSAGE_LIMIT

AT = "2026-01-02T00:00:00Z"
COMMANDS = ("inspect", "lint", "fingerprint", "verify")


@dataclass(frozen=True)
class Hostile:
    """A hostile file and, per command, (exit status, a fragment of stderr or of stdout)."""

    name: str
    data: bytes
    inspect: tuple[int, str]
    lint: tuple[int, str]
    fingerprint: tuple[int, str]
    verify: tuple[int, str]


def _unusable(message: str) -> dict[str, tuple[int, str]]:
    """Every command refuses the file with the same line."""
    return dict.fromkeys(COMMANDS, (2, message))


def _hostile() -> dict[str, Hostile]:
    readable = {"fingerprint": (0, "SHA256 "), "verify": (1, "NOT verified for host ")}
    ber = "a BER indefinite length (at byte {}) is not DER; re-encode it as DER: openssl x509"
    cases = [
        # 1. invalid versions, duplicate extensions, names that are not UTF-8, deep nesting
        Hostile(
            "version-5.der",
            bad_inputs.version_der(5),
            **_unusable("has version field 5, which X.509 does not define (0 to 2: v1 to v3)"),
        ),
        Hostile(
            "version-2.der",
            bad_inputs.version_der(1),
            **_unusable("is a version 2 certificate, which cryptography does not read"),
        ),
        Hostile(
            "v1-with-extensions.pem",
            pem(bad_inputs.v1_with_extensions_certificate()),
            inspect=(2, "cannot read version: v1 with extensions, which only v3 may carry"),
            lint=(1, "error   extensions-not-v3: a version 1 certificate with extensions"),
            **readable,
        ),
        Hostile(
            "duplicate.pem",
            pem(bad_inputs.duplicate_extension_certificate()),
            inspect=(2, "cannot read extensions: Duplicate 1.2.3.4.5 extension found"),
            lint=(1, "error   duplicate-extension: the extension 1.2.3.4.5 appears more than"),
            **readable,
        ),
        Hostile(
            "not-utf8.pem",
            pem(bad_inputs.bad_subject_certificate()),
            inspect=(2, "certificate 1: cannot read subject: an invalid value in subject"),
            lint=(1, "error   name-malformed: the subject name does not decode"),
            fingerprint=(0, "(subject unreadable: see certkit inspect)"),
            verify=(1, "malformed certificate"),
        ),
        Hostile(
            "nested.der",
            bad_inputs.nested_sequences(5000),
            **_unusable("ASN.1 nested 5000 levels deep (a certificate: about 10) is no"),
        ),
        Hostile(
            "nested.pem",
            bad_inputs.pem_block(bad_inputs.nested_sequences(5000)),
            **_unusable("certificate block 1: ASN.1 nested 5000 levels deep"),
        ),
        Hostile(
            "deep-extension.pem",
            pem(bad_inputs.deep_extension_certificate()),
            inspect=(0, "1.2.3.4.9 (1.2.3.4.9), not critical:\n        19829 bytes:\n"),
            lint=(0, "ok: no findings"),
            **readable,
        ),
        Hostile(
            "deep-critical-extension.pem",
            pem(bad_inputs.deep_extension_certificate(critical=True)),
            inspect=(0, "1.2.3.4.9 (1.2.3.4.9), critical:\n        19829 bytes:\n"),
            lint=(1, "error   unknown-critical-extension: critical extension 1.2.3.4.9"),
            **readable,
        ),
        Hostile(
            "deep-san.pem",
            pem(bad_inputs.deep_extension_certificate(known=True)),
            inspect=(2, "cannot read extension 6 (subjectAltName): an unexpected tag"),
            lint=(1, "error   extension-malformed: the extensions do not decode"),
            **readable,
        ),
        # 2. BER is not DER
        Hostile("ber.der", bad_inputs.ber_indefinite_der(), **_unusable(ber.format(0))),
        Hostile(
            "ber-inside.der", bad_inputs.ber_indefinite_der(inner=True), **_unusable(ber.format(4))
        ),
        # 3. what makes cryptography warn
        Hostile(
            "serial-zero.der",
            bad_inputs.serial_der(0),
            inspect=(0, "Serial number        00"),
            lint=(1, "error   serial-not-positive: the serial number is zero"),
            **readable,
        ),
        Hostile(
            "serial-negative.der",
            bad_inputs.serial_der(-1),
            inspect=(0, "Serial number        -01"),
            lint=(1, "error   serial-not-positive: the serial number is negative (-1)"),
            **readable,
        ),
        # 5. what lint must not be silent about
        Hostile(
            "unknown-critical.pem",
            pem(bad_inputs.unknown_critical_extension_certificate()),
            inspect=(0, "1.2.3.4.8 (1.2.3.4.8), critical: 2 bytes: 05:00\n"),
            lint=(1, "error   unknown-critical-extension: critical extension 1.2.3.4.8"),
            fingerprint=(0, "SHA256 "),
            verify=(1, "NOT verified for host "),
        ),
        Hostile(
            "unknown-key.pem",
            pem(bad_inputs.unknown_key_certificate()),
            inspect=(2, "cannot read public key: Unknown key type: 1.2.840.10045.2.9"),
            lint=(1, "error   unknown-key-algorithm: the public key's algorithm 1.2.840"),
            **readable,
        ),
        Hostile(
            "unknown-signature.pem",
            pem(bad_inputs.unknown_signature_certificate()),
            inspect=(0, "Signature algorithm  1.2.840.10045.4.3.9"),
            lint=(1, "error   unknown-signature-algorithm: signed with 1.2.840.10045.4.3.9"),
            **readable,
        ),
        Hostile(
            "mismatch.pem",
            pem(bad_inputs.signature_mismatch_certificate()),
            inspect=(0, "Signature algorithm  ecdsa-with-SHA256"),
            lint=(1, "error   signature-algorithm-mismatch: the signed part names ecdsa-with"),
            **readable,
        ),
    ]
    return {case.name: case for case in cases}


HOSTILE = _hostile()


def argv(command: str, name: str) -> list[str]:
    if command == "fingerprint":
        return [command, name]
    if command == "verify":
        return [command, name, "--trust", "trust.pem", "--host", "x.example.com", "--at", AT]
    return [command, name, "--at", AT]


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str], subprocess.CompletedProcess[str]]:
    """Every hostile file through every command, several at a time."""
    directory = tmp_path_factory.mktemp("hostile")
    (directory / "trust.pem").write_bytes(pem(INTERMEDIATE.certificate) + pem(ROOT.certificate))
    for case in HOSTILE.values():
        (directory / case.name).write_bytes(case.data)
    jobs = [(name, command) for name in HOSTILE for command in COMMANDS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = pool.map(lambda job: certkit(*argv(job[1], job[0]), cwd=directory), jobs)
        return dict(zip(jobs, results, strict=True))


def assert_safe(result: subprocess.CompletedProcess[str]) -> None:
    """No traceback, no warning, and nothing or one bounded line on standard error."""
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert "Warning" not in result.stderr, result.stderr
    if result.returncode == 2:
        assert result.stderr.startswith("certkit: error: "), result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
        assert len(result.stderr) - 1 <= MESSAGE_LIMIT, result.stderr
        assert not result.stderr.endswith("...\n"), f"cut short: {result.stderr}"
    else:
        assert result.stderr == "", result.stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_certificate(
    name: str,
    command: str,
    runs: dict[tuple[str, str], subprocess.CompletedProcess[str]],
) -> None:
    result = runs[name, command]
    status, fragment = getattr(HOSTILE[name], command)
    assert_safe(result)
    assert result.returncode == status, (result.stdout[-500:], result.stderr)
    if status == 2:
        assert result.stderr.startswith(f"certkit: error: {name}: "), result.stderr
        assert fragment in result.stderr, result.stderr
    else:
        assert fragment in result.stdout, result.stdout


def test_inspect_describes_what_it_can_and_names_the_problem(
    runs: dict[tuple[str, str], subprocess.CompletedProcess[str]],
) -> None:
    # An extension certkit cannot decode shows its first 32 bytes, not all 19829.
    assert len(runs["deep-extension.pem", "inspect"].stdout) < 8000
    for name in ("v1-with-extensions.pem", "duplicate.pem", "not-utf8.pem", "deep-san.pem"):
        result = runs[name, "inspect"]
        assert result.stdout.startswith(f"{name}: PEM, 1 certificate\n"), name
        assert "  Fingerprints (hashes of the DER bytes" in result.stdout, name
        assert "  CANNOT READ " in result.stdout, name
    assert "Subject              CN=<unreadable:" in runs["not-utf8.pem", "inspect"].stdout


def test_the_lab_client_certificate_verifies_for_client_use(tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    assert certkit("pki", "create", lab, "--seed", "hostile", cwd=tmp_path).returncode == 0
    result = certkit(
        "verify", "--client", "client-fullchain.pem", "--trust", "root-ca.pem", "--at", AT, cwd=lab
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert result.stdout.startswith("verified for client use at 2026-01-02 00:00:00 UTC\n")
    assert "Note: the client certificate has no subjectAltName. RFC 5280 needs none" in (
        result.stdout
    )


# -- 3. library warnings: the one place that silences them, proven in-process ---------------


def test_warnings_are_silenced_in_one_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With every warning an error (as -W error makes them), the commands still answer."""
    (tmp_path / "zero.der").write_bytes(bad_inputs.serial_der(0))
    (tmp_path / "trust.pem").write_bytes(pem(INTERMEDIATE.certificate) + pem(ROOT.certificate))
    expected = {"inspect": 0, "lint": 1, "fingerprint": 0, "verify": 1}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for command, status in expected.items():
            args = [a if a != "trust.pem" else str(tmp_path / a) for a in argv(command, "x")]
            args[1] = str(tmp_path / "zero.der")
            assert main(args) == status, command
            out, err = capsys.readouterr()
            assert err == "" and out, command


# -- 4. errors name their file, and a file name cannot break the line ------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_name_with_a_line_break_and_an_escape_stays_on_one_line(
    command: str, tmp_path: Path
) -> None:
    name = "evil\nname\x1b[2J.pem"
    (tmp_path / name).write_bytes(der(INTERMEDIATE.certificate)[:-9])
    (tmp_path / "trust.pem").write_bytes(pem(ROOT.certificate))
    result = certkit(*argv(command, name), cwd=tmp_path)
    assert_safe(result)
    assert result.returncode == 2 and result.stdout == ""
    assert "\x1b" not in result.stderr
    line = result.stderr
    assert line.startswith("certkit: error: 'evil\\") and "name\\" in line, line
    assert "[2J.pem': looks like DER but does not decode: it is truncated" in line, line


@pytest.mark.parametrize("command", COMMANDS)
def test_a_long_path_keeps_its_end_and_the_whole_message(command: str, tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 100) / ("e" * 100)
    deep.mkdir(parents=True)
    (deep / "server.der").write_bytes(bad_inputs.ber_indefinite_der())
    (tmp_path / "trust.pem").write_bytes(pem(ROOT.certificate))
    result = certkit(*argv(command, str(deep / "server.der")), cwd=tmp_path)
    assert_safe(result)
    assert result.returncode == 2
    assert "eeeeeeeee/server.der: a BER indefinite length (at byte 0) is not DER" in result.stderr
    assert result.stderr.endswith("openssl x509 -in FILE -outform DER\n"), result.stderr
