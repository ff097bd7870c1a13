"""Every command, careless or hostile input: exit 2, one line of at most 200 characters, no trace.

The options and files side of issue 10: option values (empty, not UTF-8, control characters,
non-ASCII, out of range, conflicting), files that are not regular files, standard input given
twice, passwords kept off the command line, writes that fail or would follow a link, and output
that cannot be written. Certificates with hostile contents are in test_hostile_certificates.py;
``certkit serve`` in test_serve_hostile.py.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from certkit.cli.app import main
from certkit.errors import MESSAGE_LIMIT

CERTKIT = shutil.which("certkit", path=str(Path(sys.executable).parent))
assert CERTKIT is not None


def assert_refused(status: int, err: str, *fragments: str) -> None:
    """The contract: exit 2, one line on stderr, at most 200 characters, no traceback."""
    assert status == 2, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    line = err[:-1]
    assert line.startswith("certkit: error: ") and len(line) <= MESSAGE_LIMIT, line
    assert "Traceback" not in err and "\x1b" not in err and "\r" not in err
    for fragment in fragments:
        assert fragment in line, line


def refused(capsys: pytest.CaptureFixture[str], argv: list[str], *fragments: str) -> str:
    status = main(argv)
    out, err = capsys.readouterr()
    assert_refused(status, err, *fragments)
    return out


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "lab"
    assert main(["pki", "create", str(folder), "--seed", "hostile"]) == 0
    return folder


# -- option values -------------------------------------------------------------------------------

NOT_UTF8 = os.fsdecode(b"\xff\xfe")  # what Python makes of bytes on a command line

OPTION_VALUES = {
    "empty --groups": (["handshake", "--groups", ""], "--groups is empty"),
    "blank --groups": (["handshake", "--groups", " , "], "--groups"),
    "non-ASCII --groups": (["handshake", "--groups", "é"], "only ASCII names"),
    "empty item in --groups": (["handshake", "--groups", "x25519,,"], "an empty name"),
    "empty --tls13-ciphers": (["handshake", "--tls13-ciphers", ""], "--tls13-ciphers is empty"),
    "non-ASCII --tls13-ciphers": (["handshake", "--tls13-ciphers", "TLS_é"], "only ASCII"),
    "empty --alpn": (["handshake", "--alpn", ""], "--alpn is empty"),
    "non-ASCII --alpn": (["handshake", "--alpn", "h²"], "only ASCII"),
    "long --alpn": (["handshake", "--alpn", "x" * 300], "longer than 255"),
    "empty --curve": (["handshake", "--curve", ""], "--curve is empty"),
    "empty --cipher": (["handshake", "--cipher", ""], "--cipher is empty"),
    "non-UTF-8 --cipher": (["handshake", "--cipher", NOT_UTF8], "not UTF-8"),
    "control characters in --cipher": (["handshake", "--cipher", "AES\x1b[2J"], "control"),
    "empty --seed": (["handshake", "--seed", ""], "--seed is empty"),
    "non-UTF-8 --seed": (["handshake", "--seed", NOT_UTF8], "--seed '\\xff\\xfe'"),
    "empty --host": (["handshake", "--host", ""], "host name is empty"),
    "host a..b": (["handshake", "--host", "a..b"], "an empty label"),
    "host with a blank": (["handshake", "--host", "ex ample.com"], "characters a DNS name"),
    "host with an escape": (["handshake", "--host", "\x1b[31mevil"], "\\x1b[31mevil"),
    "host label too long": (["handshake", "--host", "a" * 64 + ".com"], "longer than 63"),
    "host too long": (["handshake", "--host", ".".join(["a" * 60] * 5)], "longer than 253"),
    "non-UTF-8 host": (["handshake", "--host", NOT_UTF8], "host"),
    "--curve with --groups": (
        ["handshake", "--curve", "secp384r1", "--groups", "x25519"],
        "--curve and --groups",
    ),
    "TLS 1.2 cipher with --tls 1.3": (
        ["handshake", "--tls", "1.3", "--cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"],
        "--cipher sets TLS 1.2 suites",
    ),
    "TLS 1.3 suites with --tls 1.2": (
        ["handshake", "--tls", "1.2", "--tls13-ciphers", "TLS_AES_256_GCM_SHA384"],
        "cannot speak TLS 1.3",
    ),
    "--tls 1.3 above --server-max 1.2": (
        ["handshake", "--tls", "1.3", "--server-max", "1.2"],
        "could not speak",
    ),
    "unknown --format": (["handshake", "--format", "nope"], "invalid choice"),
    "empty --at": (["inspect", "--at", "", "x.pem"], "--at '': give an ISO 8601 time"),
    "nan --at": (["lint", "--at", "nan", "x.pem"], "--at 'nan'"),
    "year 99999": (["verify", "--client", "--trust", "x", "--at", "99999-01-01", "x"], "--at"),
    "--now before 1950": (["pki", "create", "--now", "0001-01-01", "x"], "1950 to 9999"),
    "--now at the end of time": (["pki", "create", "--now", "9999-12-31", "x"], "1950 to 9999"),
    "--expiring-days nan": (["lint", "--expiring-days", "nan", "x.pem"], "0 or more days"),
    "pki --host a..b": (["pki", "create", "--host", "a..b", "x"], "an empty label"),
    "pki empty --seed": (["pki", "create", "--seed", "", "x"], "--seed is empty"),
    "verify empty --ring": (
        ["verify", "--client", "--trust", "x", "--ring", "", "x"],
        "ring name",
    ),
    "verify long --ring-owner": (
        ["verify", "--client", "--trust", "x", "--ring-owner", "TOOLONGUSER", "x"],
        "1 to 8 characters",
    ),
    "verify --host and --client": (
        ["verify", "--client", "--host", "a", "--trust", "x", "x"],
        "drop --host",
    ),
    "ciphersuite with an escape": (["ciphersuite", "\x1b]0;owned\x07"], "\\x1b]0;owned\\x07"),
    "ciphersuite huge name": (["ciphersuite", "A" * 100_000], "unknown cipher suite"),
    "ciphersuite --tls without --list": (["ciphersuite", "--tls", "1.2", "C030"], "--list"),
    "an option no command has": (["inspect", "--nope", "x"], "unrecognized arguments"),
    "--side without --format jsse": (["handshake", "--side", "client"], "add --format jsse"),
    "--no-client-cert when none is asked": (["handshake", "--no-client-cert"], "--client-auth"),
    "--walk with --json": (["inspect", "--walk", "--json", "x"], "drop --json or --walk"),
}


@pytest.mark.parametrize("case", OPTION_VALUES)
def test_option_values(capsys: pytest.CaptureFixture[str], case: str) -> None:
    argv, fragment = OPTION_VALUES[case]
    refused(capsys, argv, fragment)


def test_a_valid_international_host_is_sent_as_its_a_label(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Not refused: Python's ssl sends IDNA, and the lab certificate does not hold the name."""
    assert main(["handshake", "--host", "zürich.example"]) == 1
    _, err = capsys.readouterr()
    assert "xn--zrich-kva.example" in err and "Traceback" not in err


def test_non_utf8_arguments_through_the_real_command(tmp_path: Path) -> None:
    """The bytes reach Python as surrogates; the line shows them as \\xNN, on one line."""
    result = subprocess.run(
        [CERTKIT, "handshake", "--seed", b"\xff\x1b[2J"],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
        check=False,
    )
    assert_refused(result.returncode, result.stderr, "--seed '\\xff\\x1b[2J'")


# -- files ---------------------------------------------------------------------------------------

READERS = {
    "inspect": ["inspect", "{}"],
    "lint": ["lint", "{}"],
    "fingerprint": ["fingerprint", "{}"],
    "verify CHAIN": ["verify", "--client", "--trust", "{lab}/root-ca.pem", "{}"],
    "verify --trust": ["verify", "--client", "--trust", "{}", "{lab}/client.pem"],
    "inspect --key": ["inspect", "--key", "{}", "{lab}/server.pem"],
    "--password-file": ["inspect", "--password-file", "{}", "{lab}/server.p12"],
    "zos lint": ["zos", "lint", "{}"],
    "zos check": ["zos", "check", "{}"],
}


def argv_for(reader: str, path: object, lab: Path) -> list[str]:
    return [a.replace("{lab}", str(lab)).replace("{}", str(path)) for a in READERS[reader]]


@pytest.mark.parametrize("reader", READERS)
def test_a_fifo_is_refused_without_waiting(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lab: Path, reader: str
) -> None:
    """Opening a FIFO for reading blocks until a writer comes: certkit never waits for one."""
    fifo = tmp_path / "pipe.pem"
    os.mkfifo(fifo)
    refused(capsys, argv_for(reader, fifo, lab), "pipe.pem: is a FIFO", "give a")


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused(
    capsys: pytest.CaptureFixture[str], lab: Path, reader: str, device: str
) -> None:
    refused(capsys, argv_for(reader, device, lab), f"{device}: is a character device")


@pytest.mark.parametrize("reader", READERS)
def test_a_directory_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lab: Path, reader: str
) -> None:
    refused(capsys, argv_for(reader, tmp_path, lab), "is a directory")


def test_dash_reads_standard_input(lab: Path) -> None:
    pem = (lab / "server.pem").read_bytes()
    for argv in (["fingerprint", "-"], ["inspect", "-"], ["lint", "--at", "2026-01-02", "-"]):
        result = subprocess.run(
            [CERTKIT, *argv], input=pem, capture_output=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        assert b"CN=localhost" in result.stdout or b"localhost" in result.stdout


def test_standard_input_is_read_once(capsys: pytest.CaptureFixture[str], lab: Path) -> None:
    refused(capsys, ["fingerprint", "-", "-"], "read only once")
    refused(capsys, ["inspect", "--password-file", "-", "-"], "read only once")
    refused(capsys, ["verify", "--client", "--trust", "-", "-"], "read only once")


def test_file_names_are_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A file name cannot move the cursor, colour the terminal or split the error line."""
    name = tmp_path / "evil\x1b[2J\nname\r.pem"
    refused(capsys, ["inspect", str(name)], "evil\\x1b[2J\\nname\\r.pem': no such file")


def test_a_deep_path_keeps_the_end_of_the_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = tmp_path.joinpath(*["a-rather-long-directory-name"] * 6, "server.pem")
    refused(capsys, ["lint", str(deep)], "server.pem: no such file")


# -- passwords -----------------------------------------------------------------------------------


def run_real(*argv: str, env: dict[str, str] | None = None, stdin: bytes = b"") -> tuple[int, str]:
    result = subprocess.run(
        [CERTKIT, *argv],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )
    return result.returncode, result.stderr.decode("utf-8", "replace")


def test_a_password_from_a_file_the_environment_or_stdin(tmp_path: Path, lab: Path) -> None:
    """Three ways that keep it out of ps: the command line shows only a file or a name."""
    secret = tmp_path / "pw.txt"
    secret.write_text("changeit\n")
    p12 = str(lab / "server.p12")
    assert run_real("inspect", "--password-file", str(secret), p12) == (0, "")
    assert (
        run_real("fingerprint", "--password-env", "LAB_PW", p12, env={"LAB_PW": "changeit"})[0] == 0
    )
    assert (
        run_real("lint", "--at", "2026-01-02", "--password-file", "-", p12, stdin=b"changeit\n")[0]
        == 0
    )
    status, err = run_real("inspect", "--password-file", str(secret), p12 + "x")
    assert_refused(status, err, "server.p12x: no such file")


def test_password_mistakes(capsys: pytest.CaptureFixture[str], tmp_path: Path, lab: Path) -> None:
    p12 = str(lab / "server.p12")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    refused(capsys, ["inspect", "--password-file", str(empty), p12], "first line is empty")
    refused(capsys, ["inspect", "--password-env", "CERTKIT_NO_SUCH_VARIABLE", p12], "not set")
    refused(capsys, ["inspect", "--password-env", "", p12], "--password-env is empty")
    refused(capsys, ["inspect", "--password", "x", "--password-env", "X", p12], "not allowed")
    refused(capsys, ["inspect", "--password", NOT_UTF8, p12], "not UTF-8", "RFC 7292")
    refused(capsys, ["inspect", p12], "--password-file")
    for command in ("fingerprint", "lint"):  # every command that reads one has the options
        refused(capsys, [command, p12], "--password-file")


def test_password_prompt_needs_a_terminal(lab: Path) -> None:
    status, err = run_real("inspect", "--password-prompt", str(lab / "server.p12"))
    assert_refused(status, err, "needs a terminal", "--password-file -")


# -- writing -------------------------------------------------------------------------------------


def test_pki_create_is_atomic_and_refuses_to_overwrite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "lab"
    assert main(["pki", "create", str(target), "--seed", "a"]) == 0
    first = (target / "server-key.pem").read_bytes()
    capsys.readouterr()
    refused(capsys, ["pki", "create", str(target), "--seed", "b"], "already holds", "--force")
    assert (target / "server-key.pem").read_bytes() == first
    assert main(["pki", "create", str(target), "--seed", "b", "--force"]) == 0
    assert (target / "server-key.pem").read_bytes() != first
    for key in ("server-key.pem", "client-key.pem", "server.p12", "client.p12", "truststore.p12"):
        assert stat.S_IMODE((target / key).stat().st_mode) == 0o600, key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lab"]  # nothing left beside it


def test_pki_create_never_follows_a_planted_link(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "lab"
    target.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (target / "server-key.pem").symlink_to(victim)
    for extra in ([], ["--force"]):
        refused(
            capsys, ["pki", "create", str(target), *extra], "server-key.pem: is a symbolic link"
        )
    assert victim.read_text() == "keep me"
    assert sorted(p.name for p in target.iterdir()) == ["server-key.pem"]


def test_pki_create_write_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    refused(capsys, ["pki", "create", str(tmp_path / "file")], "exists and is not a directory")
    refused(capsys, ["pki", "create", str(tmp_path / "file" / "lab")], "cannot be written")
    refused(capsys, ["pki", "create", "/sys/certkit-lab"], "cannot be written")
    refused(capsys, ["pki", "create", "/"], "not the root")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_the_seedless_lab_says_so(tmp_path: Path, lab: Path) -> None:
    assert main(["pki", "create", str(tmp_path / "random")]) == 0
    assert "with a random seed" in (tmp_path / "random" / "README.txt").read_text()
    assert "with --seed 'hostile'" in (lab / "README.txt").read_text()


# -- output --------------------------------------------------------------------------------------


def test_output_to_a_full_device() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [CERTKIT, "ciphersuite", "--list"],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
            text=True,
            check=False,
        )
    assert_refused(result.returncode, result.stderr, "cannot write the output")


def test_a_reader_that_goes_away(lab: Path) -> None:
    """``| head -1``: no traceback and no 'Exception ignored' line; 141, as for SIGPIPE."""
    files = [str(lab / name) for name in ("server.pem", "client.pem", "root-ca.pem")] * 20
    with subprocess.Popen(
        [CERTKIT, "inspect", "--at", "2026-01-02", *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # the reader goes away after one line
        err = process.stderr.read()
        status = process.wait(timeout=60)
    assert (status, err) == (141, b"")


def test_non_utf8_file_names_in_the_output(tmp_path: Path) -> None:
    """pki create lists the paths it wrote; a name that is not UTF-8 prints escaped."""
    target = os.fsencode(tmp_path) + b"/lab\xff"
    result = subprocess.run(
        [CERTKIT, "pki", "create", target, "--seed", "x"],  # type: ignore[list-item]
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"lab\\udcff/root-ca.pem" in result.stdout and result.stderr == b""


def test_serve_refuses_a_planted_link_in_its_directory(tmp_path: Path) -> None:
    """A link planted where serve writes the client's key: refused before anything is written."""
    folder = tmp_path / "files"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (folder / "client-key.pem").symlink_to(victim)
    result = subprocess.run(
        [CERTKIT, "serve", "--dir", str(folder), "--client-auth", "required"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert_refused(result.returncode, result.stderr, "client-key.pem: is a symbolic link")
    assert victim.read_text() == "keep me"
    assert sorted(p.name for p in folder.iterdir()) == ["client-key.pem"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files", "victim"]  # no temp left
