"""Trace specifications (issue 12): Liberty's grammar, each rule on a minimal sample."""

from __future__ import annotations

import pytest

from certkit.datafiles import read_json
from certkit.errors import InputError
from certkit.zos.text.findings import Finding
from certkit.zos.text.tracespec import (
    MAX_SPEC_CHARS,
    build,
    check,
    components,
    explain,
    level,
    parse,
)

RECIPES = read_json("liberty_trace.json")["include_files"]
WSC_V2 = [entry["spec"] for entry in RECIPES["zosConnect-2.0"].values()]
WSC_FILES = [  # zosconnect-security.md 4.3: the WSC files the deck uses, and two more
    "zosConnectApiRequester=all:zosConnectServiceCics=all:com.ibm.ws.security.*=all:"
    "SSLChannel=all:SSL=all:zosConnectSaf=all:com.ibm.zosconnect.wv*=FINEST:zosConnect=all",
    "*=info:Credentials=all:Security.Authorization=all:UserRegistry=all:"
    "com.ibm.ws.security.*=all:com.ibm.ws.webcontainer.*=all:com.ibm.ws.wim.*=all:"
    "org.apache.http.client.*=all:SSL=all:SSLChannel=all:zosConnect=all:zosConnectSaf=all",
]


def _messages(findings: list[Finding]) -> str:
    return " | ".join(f"{f.severity}: {f.message}" for f in findings)


def test_levels_and_aliases() -> None:
    assert [level(name) for name in ("ALL", "dump", "Debug", "EntryExit", "event", "error")] == [
        "all",
        "all",
        "finest",
        "finer",
        "fine",
        "severe",
    ]
    assert level("verbose") is None


def test_parse_elements() -> None:
    parsed = parse("*=info: SSLChannel = ALL :SSL=debug=off")
    assert [(e.component, e.level, e.enabled) for e in parsed.elements] == [
        ("*", "info", True),
        ("SSLChannel", "all", True),
        ("SSL", "finest", False),
    ]
    assert [e.position.column for e in parsed.elements] == [1, 8, 27]
    assert not parsed.implied_default
    assert parse("SSL=all").implied_default


def test_parse_lines() -> None:
    parsed = parse("SSL=all:\n  SSLChannel=all")
    assert str(parsed.elements[1].position) == "line 1, column 9"
    assert parse("SSL=all\n:SSLChannel=all").elements[1].position.line == 2


@pytest.mark.parametrize("spec", WSC_V2 + WSC_FILES)
def test_wsc_specs_parse_and_are_clean_for_their_generation(spec: str) -> None:
    assert all(e.level is not None for e in parse(spec).elements)
    assert [f for f in check(spec, "2.0") if f.severity == "error"] == []


@pytest.mark.parametrize("variant", ["saf", "cics", "ims"])
def test_wsc_specs_give_a_generation_finding_on_3_0(variant: str) -> None:
    spec = RECIPES["zosConnect-2.0"][variant]["spec"]
    assert "matches nothing on a zosConnect-3.0 server" in _messages(check(spec, "3.0"))


@pytest.mark.parametrize("variant", ["saf", "cics", "ims", "tls"])
def test_3_0_specs_are_clean(variant: str) -> None:
    assert check(RECIPES["zosConnect-3.0"][variant]["spec"], "3.0") == []


def test_3_0_names_on_a_2_0_server() -> None:
    assert "use zosConnect" in _messages(check("zosConnectCore=all", "2.0"))


@pytest.mark.parametrize(
    ("spec", "column", "severity", "fragment"),
    [
        ("SSL=all:SSLChannel=verbose", 9, "error", "TRAS0034W"),
        ("SSL=all=maybe", 1, "error", "TRAS0035W"),
        ("SSL=all\n    info", 1, "error", "a blank inside it"),
        ("SSL=all  info", 1, "error", "a blank inside it"),
        ("SSL=all::SSLChannel=all", 8, "warning", "empty element"),
        ("SSL=all:", 8, "warning", "empty element"),
        ("SSL==all", 1, "warning", "skips the empty piece"),
        ("SSL=all=on=extra", 1, "warning", "ignores what follows"),
        ("===", 1, "warning", "reads it as *=info"),
        ("SSL", 1, "warning", "has no level"),
        ("help", 1, "warning", "not a command here"),
        ("sslchannel=all", 1, "warning", "use SSLChannel"),
        ("SSLChanel=all", 1, "warning", "did you mean SSLChannel"),
        ("com.example.thing=all", 1, "warning", "TRAS0040I"),
        ("com.foo*=all", 1, "warning", "unverified"),
        ("Security.Authorization=all", 1, "warning", "probably traces nothing"),
        ("SSL=all:SSL=fine", 9, "warning", "more than once"),
        ("F ZCSRV1,LOGGING='SSL=all'", 1, "error", "part of a command"),
        ('traceSpecification="SSL=all"', 1, "error", "part of a command"),
        ("com.ibm ws=all", 1, "error", "blank or control character"),
        (" =all", 1, "error", "no component"),
        ("SSLChannel=all:" + "SSL=all:" * 14, 1, "warning", "console"),
    ],
)
def test_rules(spec: str, column: int, severity: str, fragment: str) -> None:
    findings = check(spec)
    assert any(
        f.position.column == column and f.severity == severity and fragment in f.message
        for f in findings
    ), _messages(findings)


def test_clean_specs() -> None:
    assert check("") == []
    assert check("*=info") == []
    assert check("*=info:SSLChannel=all:com.ibm.ws.security.authentication.*=all") == []


@pytest.mark.parametrize(
    "spec",
    [
        "x" * (MAX_SPEC_CHARS + 1),
        "=" * MAX_SPEC_CHARS,
        ":" * MAX_SPEC_CHARS,
        "a=" * (MAX_SPEC_CHARS // 2),
        "\x00\x1b[2J\x7f=all:\u202e=all:\ud800=all",
        "é=ALL:😀=finest:\u2028SSL=all",
        "a:" * (MAX_SPEC_CHARS // 2),
    ],
)
def test_hostile_input_gives_findings(spec: str) -> None:
    findings = check(spec, "3.0")
    assert findings
    assert len(findings) <= 101
    assert all("\n" not in f.message and len(f.message) < 400 for f in findings)
    if len(spec) <= MAX_SPEC_CHARS:
        assert explain(spec)


def test_explain() -> None:
    lines = explain("SSLChannel=all:SSL=off:zosConnectCore=fine:SSL=bad")
    assert lines[0].startswith("SSLChannel=all: the TLS handshake")
    assert "every trace point" in lines[0]
    assert lines[1].endswith("at off: nothing")
    assert "(zosConnect-3.0 only)" in lines[2]
    assert "refused by Liberty" in lines[3]
    assert lines[-1].startswith("*=info (implied)")
    assert not explain("*=info:SSL=all=disabled")[-1].startswith("*=info (implied)")
    assert "turned off" in explain("SSL=all=disabled")[0]
    assert "disables all trace" in explain("")[0]
    assert "part of com.ibm.ws.security.*" in explain("com.ibm.ws.security.x.*=all")[0]


def test_build() -> None:
    assert build(["SSLChannel", "SSL=FINEST", ("zosConnect", "all")]) == (
        "SSLChannel=all:SSL=finest:zosConnect=all"
    )
    assert build(["com.ibm.ims.*", "com.ibm.j2ca.RAIMSTM", "zosConnect"], "3.0") == (
        "zosConnectIms=all:zosConnectCore=all"
    )
    assert build(["zosConnectCore"], "2.0") == "zosConnect=all"
    built = build(["SSLChannel", "com.ibm.ws.security.*"])
    assert " " not in built and check(built) == []


@pytest.mark.parametrize(
    ("elements", "generation", "fragment"),
    [
        (["SSL Channel"], None, "without blanks"),
        ([""], None, "without blanks"),
        (["a:b"], None, "without blanks"),
        ([("SSL", "verbose")], None, "not a Liberty level"),
        (["zosConnectSaf"], "3.0", "no zosConnect-3.0 equivalent"),
        (["zosConnectMcp"], "2.0", "no zosConnect-2.0 equivalent"),
        (["SSL"], "4.0", "generation"),
    ],
)
def test_build_refuses(elements: list[str], generation: str | None, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        build(elements, generation)


def test_every_component_has_a_mark_and_source() -> None:
    for name, entry in components().items():
        assert entry["mark"] in ("V", "V-wsc", "P", "U"), name
        assert entry["source"] and entry["traces"], name
        assert entry["generation"] in (None, "zosConnect-2.0", "zosConnect-3.0"), name


def test_explain_reads_as_english_for_every_known_component() -> None:
    for name in components():
        if name != "*":
            [line, *_] = explain(f"{name}=all")
            assert "the the " not in line and "the Liberty's" not in line
            assert "the all " not in line and "the z/OS Connect's" not in line
    assert explain("com.ibm.ws.ssl.*=all")[0].startswith("com.ibm.ws.ssl.*=all: Liberty's SSL")
