"""Promises about the repository itself: no private keys, README commands that exist and CI
that calls the README's test command."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from timeouts import Lines

ROOT = Path(__file__).resolve().parents[1]
PRIVATE_KEY = re.compile(rb"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")
KEYSTORE_SUFFIXES = {".p12", ".pfx", ".jks", ".kdb", ".key"}


def _tracked() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return [ROOT / name for name in out.decode().split("\0") if name]


def test_no_private_key_is_committed() -> None:
    tracked = _tracked()
    assert tracked, "git ls-files listed nothing: is this a git checkout?"
    offenders = [
        str(path.relative_to(ROOT))
        for path in tracked
        if path.suffix.lower() in KEYSTORE_SUFFIXES
        or (path.is_file() and PRIVATE_KEY.search(path.read_bytes()))
    ]
    assert offenders == [], f"private key material is tracked: {offenders}"


def test_no_pem_private_key_block_in_docs_or_snippets() -> None:
    # Pages and snippets may mention the marker in prose, never contain a whole key block.
    block = re.compile(rb"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----\s+[A-Za-z0-9+/=\s]{40,}-----END")
    found = [
        str(p.relative_to(ROOT))
        for p in _tracked()
        if p.is_file()
        and p.parts[len(ROOT.parts)] in {"docs", "snippets", "includes"}
        and block.search(p.read_bytes())
    ]
    assert found == []


def test_readme_commands_exist_and_ci_runs_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(make [a-z-]+)\n```", readme)
    assert commands == ["make serve", "make test"], commands
    for command in commands:
        target = command.split()[1]
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile has no {target} target"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M), ".ci/run must call the README's test command"
    for target in re.findall(r"`make ([a-z-]+)", readme):
        assert re.search(rf"^{target}:", makefile, re.M), (
            f"README names make {target}, Makefile lacks it"
        )


@pytest.mark.site
def test_make_serve_serves_the_course() -> None:
    import os
    import signal
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"SERVE_ADDR=127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        # mkdocs serve logs "Serving on URL" once its socket listens: wait for that line.
        url = f"http://127.0.0.1:{port}/"
        Lines(server.stdout).wait_for(lambda line: f"Serving on {url}" in line, 300, "Serving on")
        with urllib.request.urlopen(url + "encryption/", timeout=60) as r:
            page = r.read().decode()
        assert "<title>Introduction to encryption - certkit</title>" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


SKIPPING = """
import pytest

def test_skipped():
    pytest.skip("no tool")

@pytest.mark.skipif(True, reason="tool missing")
def test_skipped_by_mark():
    pass

def test_opted_out():
    pytest.skip("docs/x.md:3: not run: a z/OS operator command")

def test_ran():
    pass
"""


def test_a_skip_fails_in_ci(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/ci_skips.py: CI installs every tool, so nothing may be skipped there."""
    pytester.makepyfile(test_probe=SKIPPING)
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest_inprocess("-p", "ci_skips", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1, errors=1, skipped=1)
    result.stdout.fnmatch_lines(["*skipped in CI, where nothing may be: Skipped: no tool*"])
    monkeypatch.setenv("CI", "false")
    pytester.runpytest_inprocess("-p", "ci_skips", "-p", "no:randomly").assert_outcomes(
        passed=1, skipped=3
    )
