"""The certkit command: results on stdout; bad input gives one line, exit status 2, no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from certkit import Lab
from certkit.cli.app import main
from certkit.files import MAX_FILE_BYTES

CERTKIT = shutil.which("certkit", path=str(Path(sys.executable).parent))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status: int, err: str, *fragments: str) -> None:
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("certkit: error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


def test_pki_create_and_fingerprint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = run(capsys, "pki", "create", str(tmp_path / "lab"), "--seed", "cli")
    assert status == 0
    assert [Path(line).name for line in out.splitlines()] == [
        "root-ca.pem",
        "intermediate-ca.pem",
        "ca-bundle.pem",
        "server.pem",
        "server-fullchain.pem",
        "server-key.pem",
        "server.p12",
        "client.pem",
        "client-fullchain.pem",
        "client-key.pem",
        "client.p12",
        "truststore.p12",
        "README.txt",
    ]
    expected = Lab(seed="cli").root_ca("certkit Lab Root CA").fingerprint()
    status, out, _ = run(capsys, "fingerprint", str(tmp_path / "lab" / "root-ca.pem"))
    assert (status, out) == (0, f"SHA256 {expected}  CN=certkit Lab Root CA\n")
    assert (tmp_path / "lab" / "server-key.pem").stat().st_mode & 0o077 == 0


def test_fingerprint_reads_der_and_pem_with_text_around(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = Lab(seed="cli").root_ca("Text Root")
    (tmp_path / "c.der").write_bytes(root.der)
    (tmp_path / "c.txt").write_text("Certificate:\n    Data: ...\n" + root.pem + "trailing words\n")
    (tmp_path / "crlf.pem").write_bytes(root.pem.replace("\n", "\r\n").encode())
    for name in ("c.der", "c.txt", "crlf.pem"):
        status, out, _ = run(capsys, "fingerprint", str(tmp_path / name))
        assert (status, out.split()[1]) == (0, root.fingerprint()), name


BAD_INPUTS = {
    "empty": (b"", "the file is empty"),
    "random bytes": (
        os.urandom(512).replace(b"0", b"1").replace(b"\x30", b"\x31"),
        "no PEM block and not DER",
    ),
    "truncated DER": (None, "looks like DER but does not decode"),
    "private key": (None, "block 1 is a private key, not a certificate"),
    "CSR": (
        b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        "certificate signing request",
    ),
    "bad base64": (
        b"-----BEGIN CERTIFICATE-----\n!!!notbase64\n-----END CERTIFICATE-----\n",
        "block 1 does not decode",
    ),
    "second block corrupt": (None, "certificate block 2 does not decode"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_line_and_status_2(
    case: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data, message = BAD_INPUTS[case]
    root = Lab(seed="bad").root_ca("Bad Root")
    if case == "truncated DER":
        data = root.der[:-20]
    elif case == "private key":
        data = root.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    elif case == "second block corrupt":
        data = (root.pem + root.pem.replace("M", "!", 3)).encode()
    path = tmp_path / "input"
    path.write_bytes(data)
    status, out, err = run(capsys, "fingerprint", str(path))
    assert out == ""
    assert_one_line_error(status, err, message)


def test_missing_file_directory_and_huge_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert_one_line_error(*run(capsys, "fingerprint", str(tmp_path / "nope"))[::2], "no such file")
    assert_one_line_error(*run(capsys, "fingerprint", str(tmp_path))[::2], "is a directory")
    huge = tmp_path / "huge.pem"
    with huge.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no real disk use
    assert_one_line_error(*run(capsys, "fingerprint", str(huge))[::2], "MiB")


def test_bad_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert_one_line_error(*run(capsys, "frobnicate")[::2], "invalid choice")
    assert_one_line_error(
        *run(capsys, "pki", "create", str(tmp_path), "--now", "yesterday")[::2], "ISO 8601"
    )
    assert_one_line_error(
        *run(capsys, "pki", "create", str(tmp_path), "--key-type", "dsa")[::2], "invalid choice"
    )
    (tmp_path / "file").write_text("x")
    assert_one_line_error(
        *run(capsys, "pki", "create", str(tmp_path / "file"))[::2], "not a directory"
    )


def test_real_command_exit_status_and_stderr(tmp_path: Path) -> None:
    assert CERTKIT, "the certkit command is not installed in this environment"
    (tmp_path / "garbage").write_bytes(b"\x00\x01garbage")
    result = subprocess.run(
        [CERTKIT, "fingerprint", str(tmp_path / "garbage")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("certkit: error: ") and result.stderr.count("\n") == 1
    version = subprocess.run([CERTKIT, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("certkit ")


def test_pki_create_files_work_with_openssl_and_keytool(tmp_path: Path) -> None:
    assert CERTKIT
    lab = tmp_path / "lab"
    subprocess.run(
        [CERTKIT, "pki", "create", str(lab), "--seed", "tools"], check=True, capture_output=True
    )
    at = "1767312000"  # 2026-01-02, the seeded lab's clock plus a day
    for leaf in ("server.pem", "client.pem"):
        result = subprocess.run(
            [
                "openssl",
                "verify",
                "-attime",
                at,
                "-CAfile",
                "ca-bundle.pem",
                "-untrusted",
                "intermediate-ca.pem",
                leaf,
            ],
            cwd=lab,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.stdout.strip() == f"{leaf}: OK", result.stdout + result.stderr
    # The full chain and the key match (openssl prints nothing on mismatch-free input).
    key_pub = subprocess.run(
        ["openssl", "pkey", "-in", "server-key.pem", "-pubout"],
        cwd=lab,
        capture_output=True,
        check=True,
    ).stdout
    cert_pub = subprocess.run(
        ["openssl", "x509", "-in", "server-fullchain.pem", "-noout", "-pubkey"],
        cwd=lab,
        capture_output=True,
        check=True,
    ).stdout
    assert key_pub == cert_pub
    keytool = shutil.which("keytool")
    assert keytool, "keytool (a JDK) is required: make system-deps installs it"
    listing = subprocess.run(
        [keytool, "-list", "-v", "-keystore", "server.p12", "-storepass", "changeit"],
        cwd=lab,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Alias name: server" in listing and "Certificate chain length: 3" in listing
    listing = subprocess.run(
        [keytool, "-list", "-keystore", "truststore.p12", "-storepass", "changeit"],
        cwd=lab,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (
        "root-ca, " in listing
        and "intermediate-ca, " in listing
        and listing.count("trustedCertEntry") == 2
    )
    readme = (lab / "README.txt").read_text()
    assert "--seed 'tools'" in readme and "changeit" in readme
