"""Every reader of pasted z/OS text, on hostile text: it answers with findings or refuses.

The texts are built from the readers' own vocabulary (statement types, parameters, braces,
quotes, trace levels, javax.net.debug options, RACDCERT keywords, XML) mixed with what breaks
naive parsers: NUL, ESC, CR, bidi overrides, lone surrogates, very long runs and deep nesting.
Each reader must return findings (every message one bounded line) or refuse with certkit's own
error; anything else (an IndexError, a RecursionError, an XML library's exception) is a bug.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from certkit.errors import MESSAGE_LIMIT, one_line
from certkit.traces.text import normalise
from certkit.zos import check as consistency
from certkit.zos.text import attls, commands, javadebug, jcl, serverxml, tracespec
from certkit.zos.text.findings import Finding
from fuzz.budget import fuzz
from fuzz.check import answer

HOSTILE = ["\x00", "\x1b[31m", "\r", "\u202e", "\udc80", "é", "\t", "\n", "  ", "\\", "'", '"']

WORDS = {
    "attls": [
        "TTLSRule",
        "TTLSGroupAction",
        "TTLSEnvironmentAction",
        "TTLSKeyringParms",
        "TTLSCipherParms",
        "TTLSConnectionAction",
        "TTLSEnvironmentAdvancedParms",
        "TTLSGskOcspParms",
        "TTLSGroupActionRef",
        "TTLSEnvironmentActionRef",
        "Keyring",
        "HandshakeRole",
        "ServerWithClientAuth",
        "ClientAuthType",
        "Required",
        "LocalPortRange",
        "9443",
        "Jobname",
        "ZCSRV1",
        "Direction",
        "Inbound",
        "V3CipherSuites",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "Trace",
        "255",
        "R1",
        "{",
        "}",
        "#",
        ";",
        "ZCSRV1/ZCEE.Ring",
    ],
    "trace": [
        "*",
        "=",
        ":",
        "info",
        "all",
        "finest",
        "off",
        "enabled",
        "disabled",
        "SSLChannel",
        "SSL",
        "zosConnect",
        "com.ibm.ws.ssl.*",
        "help",
        "?",
        "traceSpecification",
    ],
    "javadebug": ["ssl", "handshake", "all", "verbose", "data", "record", "plaintext", ":"],
    "racf": [
        "RACDCERT",
        "ID(",
        ")",
        "CONNECT(",
        "RING(",
        "LABEL('",
        "')",
        "USAGE(PERSONAL)",
        "CERTAUTH",
        "ADDRING(",
        "PERMIT",
        "CLASS(RDATALIB)",
        "ACCESS(READ)",
        "SETROPTS",
        "RACLIST(FACILITY)",
        "REFRESH",
        "-",
        "+",
        "//",
        "JOB",
        "EXEC PGM=IKJEFT01",
        "DD DATA,DLM=$$",
        "$$",
        "/*",
    ],
    "xml": [
        "<server>",
        "</server>",
        '<keyStore id="defaultKeyStore" location="safkeyring://ZCSRV1/ZCEE.Ring"',
        ' type="JCERACFKS"/>',
        '<ssl id="s" keyStoreRef="defaultKeyStore" clientAuthentication="true"/>',
        '<httpEndpoint id="defaultHttpEndpoint" httpsPort="9443"/>',
        "<featureManager><feature>zosconnect:zosConnect-2.0</feature></featureManager>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
        "&a;",
        "<",
        ">",
    ],
}


def texts(vocabulary: list[str], max_size: int = 60) -> st.SearchStrategy[str]:
    """Texts of the vocabulary's words and hostile pieces, joined by blanks or nothing."""
    piece = st.sampled_from(vocabulary) | st.sampled_from(HOSTILE) | st.text(max_size=6)
    return st.lists(piece, max_size=max_size).map("".join) | st.lists(piece, max_size=max_size).map(
        " ".join
    )


def bounded(findings: list[Finding] | None) -> None:
    """Each finding prints as one bounded line, as ``certkit zos lint`` prints it."""
    for finding in findings or []:
        assert finding.severity in ("error", "warning")
        assert finding.position.line >= 1 and finding.position.column >= 1
        line = f"x: line {finding.position.line}: {finding.severity}: {finding.message}"
        assert len(finding.message) <= 4 * MESSAGE_LIMIT, finding.message[:300]
        assert one_line(line)


@fuzz(200)
@given(texts(WORDS["attls"]))
def test_attls_policy(text: str) -> None:
    bounded(answer(attls.check, text))
    answer(attls.parse, text)


@fuzz(200)
@given(texts(WORDS["trace"]), st.sampled_from([None, "zosConnect-2.0", "zosConnect-3.0"]))
def test_trace_specification(text: str, generation: str | None) -> None:
    bounded(answer(tracespec.check, text, generation))
    lines = answer(tracespec.explain, text)
    for line in lines or []:
        assert "\n" not in line


@fuzz(200)
@given(texts(WORDS["javadebug"], 30), st.sampled_from(["ibm-java-8", "semeru-11+"]))
def test_javax_net_debug(text: str, runtime: str) -> None:
    bounded(answer(javadebug.check, text, runtime))
    answer(javadebug.explain, text, runtime)


@fuzz(200)
@given(texts(WORDS["racf"]))
def test_racf_commands_and_jobs(text: str) -> None:
    bounded(answer(commands.check, text))
    bounded(answer(jcl.check, text))


@fuzz(200)
@given(texts(WORDS["xml"], 40), st.sampled_from([None, "zosConnect-2.0", "zosConnect-3.0"]))
def test_server_xml(text: str, generation: str | None) -> None:
    bounded(answer(serverxml.check, text, generation))


@fuzz(150)
@given(
    st.lists(
        texts(WORDS["racf"] + WORDS["xml"] + WORDS["attls"] + WORDS["trace"], 40),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([None, "zosConnect-2.0", "zosConnect-3.0"]),
    st.sampled_from([None, "ZCSRV1", "", "\x1b"]),
)
def test_consistency_check(files: list[str], generation: str | None, user: str | None) -> None:
    named = {f"f{index}.txt": text for index, text in enumerate(files)}
    reports = answer(consistency.reports, named, server_user=user, generation=generation)
    for report in reports or []:
        bounded(list(report.findings))
        assert report.to_text()


@fuzz(150)
@given(
    st.text(max_size=300) | texts(["<<<", "TLS", "0000:", " - ", "127.0.0.1:", "\n"]),
    st.sampled_from(["curl", "openssl", "java"]),
)
def test_trace_normaliser(text: str, tool: str) -> None:
    """A capture normalises to text with the same number of lines or fewer, never more."""
    out = answer(normalise.normalise, text, tool=tool, port=9443)
    assert out is not None
    assert out.count("\n") <= text.count("\n")


def test_deep_nesting_and_long_runs_stay_linear() -> None:
    """Inputs that break recursive or backtracking readers give findings."""
    deep_policy = "TTLSRule R1 " + "{ " * 5000 + "} " * 5000
    bounded(attls.check(deep_policy))
    long_spec = "SSLChannel=all" + ":" * 60000
    bounded(tracespec.check(long_spec))
    deep_xml = "<server>" + "<a>" * 5000 + "</a>" * 5000 + "</server>"
    bounded(serverxml.check(deep_xml))
    parens = "RACDCERT ID(" + "(" * 20000 + ")" * 20000
    bounded(commands.check(parens))
