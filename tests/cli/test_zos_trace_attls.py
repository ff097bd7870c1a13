"""``certkit zos trace|attls`` and ``certkit zos lint`` of trace specifications, AT-TLS
policies and javax.net.debug values (issue 12, work in progress)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certkit.cli.app import main
from certkit.zos.text import attls, serverxml
from tests.cli.test_hostile_options import refused


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("generation", ["zosConnect-2.0", "zosConnect-3.0"])
@pytest.mark.parametrize("variant", ["saf", "cics", "ims", "tls"])
def test_include_files_pass_the_server_xml_check(
    capsys: pytest.CaptureFixture[str], variant: str, generation: str
) -> None:
    status, out, _ = run(capsys, ["zos", "trace", "include", variant, "--generation", generation])
    assert status == 0 and out.startswith("<server>")
    assert not [f for f in serverxml.check(out, generation) if f.severity == "error"]


def test_modify_refreshes_only_with_mbean(capsys: pytest.CaptureFixture[str]) -> None:
    _, polled, _ = run(capsys, ["zos", "trace", "modify", "BAQSTRT"])
    _, mbean, _ = run(capsys, ["zos", "trace", "modify", "BAQSTRT", "--update-trigger", "mbean"])
    assert "REFRESH,CONFIG" not in polled.replace("/*", "\n/*").split("/*")[0]
    assert "F BAQSTRT,REFRESH,CONFIG" in mbean.splitlines()
    _, on, _ = run(capsys, ["zos", "trace", "modify", "BAQSTRT", "--spec", "*=info:SSL=all"])
    assert "F BAQSTRT,LOGGING='*=info:SSL=all'" in on.splitlines()


def test_explain_exits_1_on_a_bad_level(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, ["zos", "trace", "explain", "SSL=everything"])
    assert status == 1 and "TRAS0034W" in out


def test_explain_json_names_the_other_generation(capsys: pytest.CaptureFixture[str]) -> None:
    # zosConnect-2.0's component, checked as zosConnect-3.0: a finding, with its column.
    argv = ["zos", "trace", "explain", "--json", "--generation", "zosConnect-3.0"]
    status, out, _ = run(capsys, [*argv, "SSLChannel=all:zosConnect=all"])
    data = json.loads(out)
    assert status == 0
    assert [f["column"] for f in data["findings"]] == [16]
    assert "zosConnect-2.0" in data["findings"][0]["message"]
    assert data["explanation"][0].startswith("SSLChannel=all: ")
    assert data["explanation"][-1].startswith("*=info (implied)")


def test_attls_policy_passes_the_policy_check(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, ["zos", "attls", "policy", "--port", "9443", "--jobname", "BAQSTRT"]
    )
    assert status == 0 and attls.check(out) == []
    status, out, _ = run(capsys, ["zos", "attls", "rc", "5001"])
    assert status == 0 and out.startswith("RC 5001")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("*=info:SSLChannel=al\n", "trace"),
        ("TTLSRule R\n{\n  Direction Sideways\n}\n", "attls"),
    ],
)
def test_lint_detects_traces_and_policies(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, kind: str
) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(content)
    status, out, _ = run(capsys, ["zos", "lint", "--json", str(pasted)])
    assert status == 1 and f'"kind": "{kind}"' in out


def test_lint_javadebug_by_kind(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pasted = tmp_path / "debug.txt"
    pasted.write_text("ssl:handshke\n")
    status, out, _ = run(capsys, ["zos", "lint", "--kind", "javadebug", str(pasted)])
    assert status == 1 and "handshke" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["zos", "attls", "policy", "--port", "0", "--jobname", "J"], "port"),
        (["zos", "attls", "rc", "five"], "five"),
        (["zos", "trace", "modify", "TOO.LONG.JOBNAME"], "job"),
        (["zos", "trace", "modify", "J", "--spec", "a='b'"], "spec"),
    ],
)
def test_bad_input_gets_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    refused(capsys, argv, fragment)
