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


def test_attls_rc_wraps_at_the_width_given(capsys: pytest.CaptureFixture[str]) -> None:
    _, one_line, _ = run(capsys, ["zos", "attls", "rc", "5001"])
    status, wrapped, _ = run(capsys, ["zos", "attls", "rc", "5001", "--width", "60"])
    assert status == 0 and len(one_line.splitlines()) == 1
    assert max(len(line) for line in wrapped.splitlines()) <= 60
    assert " ".join(wrapped.split()) == " ".join(one_line.split())


@pytest.mark.parametrize("generation", ["zosConnect-2.0", "zosConnect-3.0"])
def test_liberty_behind_attls_agrees_with_its_policy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, generation: str
) -> None:
    # The same port both ways: AT-TLS protects 9443, Liberty listens there with plain HTTP.
    argv = ["zos", "liberty", "--tls", "attls", "--http-port", "9443", "--generation", generation]
    status, xml, err = run(capsys, argv)
    assert (status, err) == (0, "") and "httpsPort" not in xml and "<ssl" not in xml
    policy_argv = ["zos", "attls", "policy", "--port", "9443", "--jobname", "ZCEESRV1"]
    _, policy, _ = run(capsys, [*policy_argv, "--owner", "ZCSRV1", "--ring", "ZCEE.Ring"])
    (tmp_path / "server.xml").write_text(xml)
    (tmp_path / "zcee.attls").write_text(policy)
    files = [str(tmp_path / "server.xml"), str(tmp_path / "zcee.attls")]
    status, out, _ = run(capsys, ["zos", "lint", *files])
    assert status == 0 and out.count("no problems found") == 2, out
    status, out, _ = run(capsys, ["zos", "check", *files])
    assert status == 0, out


def test_client_certificates_behind_attls_are_a_check_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # short file names: the finding fits its 200 characters
    # Liberty's JSSE include with a required certificate, and an inbound rule on its port.
    _, xml, _ = run(capsys, ["zos", "liberty", "--owner", "ZCSRV1", "--client-auth", "required"])
    _, policy, _ = run(capsys, ["zos", "attls", "policy", "--port", "9443", "--jobname", "J"])
    (tmp_path / "server.xml").write_text(xml)
    (tmp_path / "zcee.attls").write_text(policy)
    status, out, _ = run(capsys, ["zos", "check", "server.xml", "zcee.attls"])
    assert status == 1 and "never sees the client certificate" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--tls", "attls", "--client-auth", "optional"], "--client-auth is for --tls jsse"),
        (
            ["--tls", "attls", "--token", "mpJwt", "--issuer", "i", "--signer-label", "s"],
            "--token is for --tls jsse",
        ),
        (["--tls", "attls", "--owner", "ZCSRV1"], "--owner is for --tls jsse"),
        (["--tls", "attls", "--ring", "ZCEE.Ring"], "--ring is for --tls jsse"),
        (["--tls", "attls", "--keys", "hybrid"], "--keys is for --tls jsse"),
        (["--tls", "attls", "--https-port", "9445"], "--https-port is for --tls jsse"),
        (["--tls", "attls", "--http-port", "0"], "port"),
        (["--http-port", "9080"], "--http-port is for --tls attls"),
        (["--tls", "tcp"], "invalid choice"),
    ],
)
def test_liberty_attls_refuses_what_does_not_fit(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    refused(capsys, ["zos", "liberty", *argv], fragment)


def test_attls_rc_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, ["zos", "attls", "rc", "--json", "RC: 5003"])
    data = json.loads(out)
    assert status == 0 and data["rc"] == 5003
    assert data["explanation"].startswith("RC 5003 (AT-TLS")


def test_trace_spec_builds_one_line_for_the_generation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["zos", "trace", "spec", "SSLChannel", "SSL=finest", "zosConnect"]
    status, out, _ = run(capsys, [*argv, "--generation", "zosConnect-3.0"])
    assert status == 0 and out == "SSLChannel=all:SSL=finest:zosConnectCore=all\n"
    status, out, _ = run(capsys, ["zos", "trace", "explain", out.strip()])
    assert status == 0 and "zosConnectCore=all: " in out


@pytest.mark.parametrize("component", ["SS L", "", "SSL=loud", "a:b", "x'y"])
def test_trace_spec_refuses_what_liberty_would_not_read(
    capsys: pytest.CaptureFixture[str], component: str
) -> None:
    refused(capsys, ["zos", "trace", "spec", component])


def test_lint_javadebug_for_each_runtime(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # true is an option of IBM Java 8 (IBMJSSE2) but not of Semeru's SunJSSE (reference 4.5).
    value = tmp_path / "debug.txt"
    value.write_text("true,ssl:handshake\n", encoding="utf-8")
    argv = ["zos", "lint", "--kind", "javadebug", str(value)]
    status, out, _ = run(capsys, argv)
    assert status == 1 and "Semeru" in out
    status, out, _ = run(capsys, [*argv, "--runtime", "ibm-java-8"])
    assert status == 0 and "no problems found" in out
