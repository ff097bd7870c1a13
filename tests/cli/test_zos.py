"""``certkit zos racf`` and ``certkit zos lint``: generated commands pass the checks, and bad
input gets one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certkit.cli.app import main
from certkit.zos.text.commands import check
from tests.cli.test_hostile_options import refused

SETUP = [
    "zos",
    "racf",
    "--server-user",
    "ZCSRV1",
    "--ring",
    "ZCEE.Ring",
    "--client-user",
    "fred",
    "--host",
    "zcee.example.com",
    "--ca-until",
    "2035-12-31",
    "--leaf-until",
    "2030-12-31",
]


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--granular", "--distributed-ca", "Partner CA=ZCSRV1.PARTNER.PEM"],
        ["--generation", "zosConnect-3.0", "--application", "cicsAPI", "--role", "Staff"],
    ],
)
def test_racf_commands_pass_lint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str]
) -> None:
    status, out, err = run(capsys, [*SETUP, *extra])
    assert (status, err) == (0, "") and check(out) == []
    commands = tmp_path / "setup.txt"
    commands.write_text(out)
    assert run(capsys, ["zos", "lint", str(commands)]) == (
        0,
        f"{commands}: racf: no problems found\n",
        "",
    )


@pytest.mark.parametrize("product", ["racf", "acf2", "tss"])
def test_the_job_for_each_product(capsys: pytest.CaptureFixture[str], product: str) -> None:
    status, out, _ = run(capsys, [*SETUP, "--product", product, "--job", "--job-name", "zcjob"])
    assert status == 0 and out.startswith("//ZCJOB    JOB ")
    assert "EXEC PGM=IKJEFT01" in out


def test_lint_reports_line_and_column_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(
        "RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)\n"
        "RACDCERT ID(ZCSRV1) CONNECT(CERTAUTH LABEL('CA') RING(ZCEE.RING))\n"
        "PERMIT IRR.DIGTCERT.LISTRING CLASS(FACILITY) ID(TOOLONGID) ACCESS(READ)\n"
    )
    status, out, err = run(capsys, ["zos", "lint", str(pasted)])
    assert status == 1 and err == ""
    assert f"{pasted}:2:50: warning: ring ZCEE.RING is spelled ZCEE.Ring at line 1" in out
    assert f"{pasted}:3:46: error: ID(TOOLONGID)" in out
    status, out, _ = run(capsys, ["zos", "lint", "--json", str(pasted)])
    report = json.loads(out)[0]
    assert status == 1 and report["kind"] == "racf"
    assert [(f["line"], f["severity"]) for f in report["findings"]] == [
        (2, "warning"),
        (3, "error"),
    ]


def test_warnings_alone_do_not_fail(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("RACDCERT ID(ZCSRV1) LIST(LABEL(Server))\n")
    status, out, _ = run(capsys, ["zos", "lint", str(pasted)])
    assert status == 0 and ": warning: LABEL(Server): quote the label" in out


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (b"RACDCERT ID(A) LIST(LABEL('\xff'))\n", "byte 28 is not UTF-8"),
        (b"x" * (1024 * 1024 + 1), "more than the 1 MiB a z/OS text file can be"),
    ],
)
def test_lint_refuses_what_it_cannot_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, fragment: str
) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_bytes(content)
    refused(capsys, ["zos", "lint", str(pasted)], fragment)


@pytest.mark.parametrize(
    "garbage",
    [
        "RACDCERT ID(A CONNECT((((((((((((LABEL('x'",
        "RACDCERT ID(ZCSRV1) ADDRING('unbalanced)",
        "PERMIT ) ( CLASS(",
        "RACDCERT " + "ID(X) " * 20000,
        "\x1b[31mRACDCERT\x00 ID(\x07)",
        "RACDCERT ID(ZCSRV1) LIST(LABEL('" + "x" * 5000 + "'))",
    ],
)
def test_garbage_is_reported_not_crashed_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, garbage: str
) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(garbage)
    status, out, err = run(capsys, ["zos", "lint", str(pasted)])
    assert status == 1 and err == ""
    assert "\x1b" not in out and "\x00" not in out and "\x07" not in out
    assert all(len(line) <= 400 for line in out.splitlines())


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (["--ca-until", "2035-02-30"], "give yyyy-mm-dd"),
        (["--leaf-until", "2040-01-01"], "NOTRUST"),
        (["--server-user", "TOOLONGID"], "server user ID"),
        (["--ring", "has blank"], "ring name"),
        (["--host", "bad host"], "ALTNAME domain"),
        (["--distributed-ca", "no equals"], "give LABEL=DSN"),
        (["--distributed-ca", "CA=NOQUAL"], "data set name"),
        (["--role", "Staff"], "for --generation zosConnect-3.0"),
        (["--generation", "zosConnect-3.0"], "web application's name"),
        (["--job", "--job-name", "9LIVES"], "must not start with a digit"),
        (["--product", "acf2", "--ca-until", "2060-01-01"], "1950 to 2049"),
    ],
)
def test_racf_refuses_bad_options_in_one_line(
    capsys: pytest.CaptureFixture[str], change: list[str], fragment: str
) -> None:
    refused(capsys, [*SETUP, *change], fragment)


def test_lint_checks_server_xml_and_its_generation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    xml = tmp_path / "server.xml"
    xml.write_text(
        '<server>\n  <keyStore id="k" location="safkeyring://ZCSRV1/ZCEE.Ring"'
        ' type="JCEKS" password="password" fileBased="false"/>\n</server>\n'
    )
    status, out, _ = run(capsys, ["zos", "lint", str(xml)])
    assert (
        status == 1 and f'{xml}:2:61: error: a safkeyring:// location needs type="JCERACFKS"' in out
    )
    status, out, _ = run(capsys, ["zos", "liberty", "--ring", "ZCEE.Ring", "--owner", "ZCSRV1"])
    xml.write_text(out)
    assert run(capsys, ["zos", "lint", "--generation", "zosConnect-2.0", str(xml)]) == (
        0,
        f"{xml}: server.xml: no problems found\n",
        "",
    )
    status, out, _ = run(capsys, ["zos", "lint", "--generation", "zosConnect-3.0", str(xml)])
    assert "belongs to zosConnect-2.0" in out


def test_xml_with_a_doctype_is_refused_not_expanded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    xml = tmp_path / "server.xml"
    xml.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<server>&b;</server>\n'
    )
    status, out, err = run(capsys, ["zos", "lint", str(xml)])
    assert status == 1 and err == "" and "DOCTYPE" in out and "aaaaaaaaaa" not in out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--generation", "zosConnect-3.0", "--client-auth", "required"],
        [
            "--client-auth",
            "optional",
            "--token",
            "mpJwt",
            "--issuer",
            "https://idp.example",
            "--signer-label",
            "JWT signer",
            "--ltpa",
        ],
        ["--keys", "hybrid", "--level", "invoke=ZCINVOKE", "--level", "admin=ZCADMIN"],
    ],
)
def test_liberty_writes_what_lint_accepts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    status, out, err = run(capsys, ["zos", "liberty", "--owner", "ZCSRV1", *argv])
    assert (status, err) == (0, "") and out.startswith("<server>")
    xml = tmp_path / "server.xml"
    xml.write_text(out)
    status, out, _ = run(capsys, ["zos", "lint", str(xml)])
    assert status == 0, out


def test_liberty_basic_users_come_from_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    users = tmp_path / "users.txt"
    users.write_text("# test users\nFred:fredpwd\n")
    status, out, _ = run(
        capsys, ["zos", "liberty", "--registry", "basic", "--users-file", str(users)]
    )
    assert status == 0 and '<user name="Fred" password="fredpwd"/>' in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--users-file", "x"], "--users-file is for --registry basic"),
        (["--https-port", "0"], "--https-port"),
        (["--https-port", "nan"], "--https-port"),
        (["--level", "invoke"], "give LEVEL=GROUP"),
        (["--token", "mpJwt"], "--issuer"),
        (["--owner", "TOOLONGID"], "TOOLONGID"),
        (["--client-auth", "required"], None),
        (["--registry", "basic"], "give --users-file FILE"),
    ],
)
def test_liberty_refuses_bad_options_in_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str | None
) -> None:
    if fragment is None:  # a valid combination: printed, not refused
        assert main(["zos", "liberty", *argv]) == 0
        capsys.readouterr()
        return
    refused(capsys, ["zos", "liberty", *argv], fragment)


def test_users_file_mistakes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    for content, fragment in (
        ("Fred\n", "line 1: give NAME:PASSWORD"),
        ("# none\n", "names no user"),
    ):
        users.write_text(content)
        refused(
            capsys,
            ["zos", "liberty", "--registry", "basic", "--users-file", str(users)],
            fragment,
        )
