"""Trace include files and MODIFY commands (issue 12)."""

from __future__ import annotations

import re

import pytest

from certkit.datafiles import read_json
from certkit.errors import InputError
from certkit.zos.text import commands, serverxml, tracespec
from certkit.zos.text.tracespec import CONSOLE_LIMIT
from certkit.zos.trace import (
    VARIANTS,
    gsk_ctrace_commands,
    include_file,
    modify_commands,
    mustgather_commands,
    recipe,
)

GENERATIONS = ["zosConnect-2.0", "zosConnect-3.0"]
MARKS = {"V", "V-wsc"}  # only verified facts reach generated output


@pytest.mark.parametrize("generation", GENERATIONS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_include_files_pass_serverxml_check(variant: str, generation: str) -> None:
    text = include_file(variant, generation)
    assert serverxml.check(text, generation) == []
    assert text.startswith("<server>\n") and text.endswith("</server>\n")
    spec = recipe(variant, generation)["spec"]
    [logging] = [e for e in serverxml.elements(text) if e.tag == "logging"]
    value = logging.attributes["traceSpecification"]  # as XML hands it to Liberty
    # every blank XML leaves stands right after a ':', before a component name (zos-syntax 4.8)
    assert re.sub(r":\s+", ":", value) == spec and " " not in spec
    assert [e.component for e in tracespec.parse(value).elements] == [
        e.component for e in tracespec.parse(spec).elements
    ]
    assert all(len(line) <= 78 for line in text.splitlines())
    assert [f for f in tracespec.check(spec, generation) if f.severity == "error"] == []
    assert tracespec.check(spec, generation) == [] or generation.endswith("2.0")


def test_2_0_specs_are_the_wsc_files() -> None:
    # zosconnect-security.md 4.3 (V-wsc), blanks removed
    assert recipe("saf", "2.0")["spec"] == (
        "com.ibm.ws.security.*=all:SSLChannel=all:SSL=all:zosConnectSaf=all:zosConnect=all"
    )
    assert recipe("cics", "2.0")["spec"] == (
        "zosConnectServiceCics=all:com.ibm.zosconnect.wv*=FINEST:zosConnect=all"
    )
    assert recipe("ims", "2.0")["spec"] == (
        "com.ibm.ims.*=all:com.ibm.j2ca.RAIMSTM=all:com.ibm.zosconnect.wv*=FINEST:zosConnect=all"
    )


def test_3_0_files_say_what_was_left_out() -> None:
    assert recipe("saf", "3.0")["omitted"] == ["zosConnectSaf"]
    assert "zosConnectSaf is left out" in include_file("saf", "3.0")
    assert "zosConnectCore=all" in include_file("cics", "3.0")


def test_generated_facts_are_verified() -> None:
    data = read_json("liberty_trace.json")
    for generation in GENERATIONS:
        for variant in VARIANTS:
            assert data["include_files"][generation][variant]["mark"] in MARKS
            for element in tracespec.parse(recipe(variant, generation)["spec"]).elements:
                entry = tracespec.components().get(element.component)
                assert element.component == "*" or (entry and entry["mark"] in MARKS)
    assert data["refresh"]["mark"] == "V"


@pytest.mark.parametrize(("variant", "generation"), [("opid", "2.0"), ("saf", "9.0")])
def test_include_file_refuses(variant: str, generation: str) -> None:
    with pytest.raises(InputError):
        include_file(variant, generation)


def test_logging_on_and_off() -> None:
    lines = modify_commands("zcsrv1", "*=info:SSLChannel=all")
    assert lines[1] == "F ZCSRV1,LOGGING='*=info:SSLChannel=all'"
    assert lines[-1] == "F ZCSRV1,LOGGING='*=info'"
    assert not any("REFRESH" in line for line in lines)
    assert modify_commands("ZCSRV1.ZC", "SSL=all", "mbean")[1] == "F ZCSRV1.ZC,LOGGING='SSL=all'"


def test_refresh_only_with_mbean() -> None:
    polled = modify_commands("ZCSRV1")
    assert all(line.startswith("/*") for line in polled)
    assert "no REFRESH command is needed" in " ".join(line[3:-3] for line in polled)
    mbean = modify_commands("ZCSRV1", update_trigger="mbean")
    assert mbean.count("F ZCSRV1,REFRESH,CONFIG") == 2
    assert any('updateTrigger="mbean"' in line and line.startswith("/*") for line in mbean)
    for line in polled + mbean:  # each note closed on its line, and every line fits the page
        assert len(line) <= 78 and (line.startswith("F ") or line.endswith(" */"))


def test_a_command_longer_than_the_console_takes_gets_a_note_not_a_refusal() -> None:
    # zos-syntax.md 4.10 marks the 126-character limit P: it may warn, never refuse.
    spec = "SSLChannel=all:" + "SSL=all:" * 14
    lines = modify_commands("ZCSRV1", spec)
    command = f"F ZCSRV1,LOGGING='{spec}'"
    assert len(command) > CONSOLE_LIMIT
    assert lines.index(command) == 2
    assert lines[1].startswith("/* ") and "not verified" in lines[1]
    assert "include file" in lines[1]
    short = modify_commands("ZCSRV1", "SSL=all")
    assert not any("not verified" in line for line in short)


@pytest.mark.parametrize(
    ("job", "spec", "trigger", "fragment"),
    [
        ("TOOLONGJOB", "SSL=all", "polled", "job name"),
        ("ZC SRV", "SSL=all", "polled", "job name"),
        ("1ZC", "SSL=all", "polled", "job name"),
        ("ZCSRV1", "SSL=all", "sometimes", "updateTrigger"),
        ("ZCSRV1", "SSL='all", "polled", "without quotes"),
        ("ZCSRV1", "SSL=all\nSSLChannel=all", "polled", "without quotes"),
        ("ZCSRV1", "", "polled", "without quotes"),
        ("ZCSRV1", "SSL=verbose", "polled", "TRAS0034W"),
    ],
)
def test_modify_commands_refuse(job: str, spec: str, trigger: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment) as caught:
        modify_commands(job, spec, trigger)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and len(message) <= 200


def test_include_file_breaks_lines_only_after_a_colon() -> None:
    lines = include_file("saf", "2.0").splitlines()
    spec_lines = lines[lines.index(next(x for x in lines if "traceSpecification" in x)) :][:-1]
    assert [line.rstrip().endswith(":") for line in spec_lines] == [True] * 4 + [False]
    assert spec_lines[1] == "        SSLChannel=all:"


def test_mustgather_commands_are_the_references_and_parse() -> None:
    # zosconnect-security.md 4.7 (V): FACILITY or, when used, RDATALIB; then LISTRING.
    facility = mustgather_commands("zcsrv1", "ZCEE.Ring")
    assert facility == [
        "RLIST FACILITY IRR.DIGTCERT.LIST ALL",
        "RLIST FACILITY IRR.DIGTCERT.LISTRING ALL",
        "RACDCERT LISTRING(ZCEE.Ring) ID(ZCSRV1)",
    ]
    rdatalib = mustgather_commands("ZCSRV1", "ZCEE.Ring", rdatalib=True)
    assert rdatalib[0] == "RLIST RDATALIB ZCSRV1.ZCEE.RING.LST ALL" and len(rdatalib) == 2
    assert commands.check("\n".join(facility + rdatalib)) == []


@pytest.mark.parametrize(("owner", "ring"), [("TOOLONGID", "R"), ("ZCSRV1", "A RING"), ("", "R")])
def test_mustgather_commands_refuse_names_racf_cannot_take(owner: str, ring: str) -> None:
    with pytest.raises(InputError):
        mustgather_commands(owner, ring)


def test_gsk_ctrace_names_the_tcpip_job() -> None:
    # zosconnect-security.md 4.6 (V): the GSKSRVR CTRACE with the TCP/IP job's name.
    lines = gsk_ctrace_commands("tcpipa", writer="gskwtr2")
    assert lines[2] == "R n,JOBNAME=(TCPIPA),OPTIONS=(LEVEL=255),WTR=GSKWTR2,END"
    assert lines[0] == "TRACE CT,WTRSTART=GSKWTR2" and lines[-1] == "TRACE CT,WTRSTOP=GSKWTR2"
    assert not any("GSK_TRACE" in line for line in lines)
    for bad in ("", "TCP IP", "TOOLONGJOB", "1TCP", "TCP'"):
        with pytest.raises(InputError):
            gsk_ctrace_commands(bad)
