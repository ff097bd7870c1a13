"""certkit.zos.text.javadebug: javax.net.debug for IBM Java 8 and Semeru 11+.

The second half runs the JDK on ``PATH`` (OpenJDK, the SunJSSE that Semeru ships): a tiny
program makes an SSLEngine write its ClientHello (no network), so the values the checker
rejects are shown to log nothing, and the output is shown to go to stderr.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from certkit.datafiles import read_json
from certkit.errors import InputError
from certkit.zos.text.javadebug import RUNTIMES, VALUE_LIMIT, check, explain, jvm_option

SEMERU, IBM8 = "semeru-11+", "ibm-java-8"


def found(value: str, runtime: str) -> list[tuple[int, str, str]]:
    return [(f.position.column, f.severity, f.message) for f in check(value, runtime)]


# -- the data file ---------------------------------------------------------------------------


def entries(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "mark" in node:
            yield node
        for value in node.values():
            yield from entries(value)


def test_every_fact_has_a_verified_mark_and_a_source() -> None:
    data = read_json("javax_net_debug.json")
    assert tuple(data["runtimes"]) == RUNTIMES
    facts = list(entries(data))
    assert len(facts) > 40
    for fact in facts:
        assert fact["mark"] == "V", fact
        assert fact["source"].strip(), fact
    for runtime in data["runtimes"].values():
        for group in ("options", "sub_options", "qualifiers"):
            for fact in runtime[group].values():
                assert fact["shows"]


def test_the_runtimes_differ_where_the_reference_says() -> None:
    runtimes = read_json("javax_net_debug.json")["runtimes"]
    ibm, semeru = runtimes[IBM8], runtimes[SEMERU]
    assert "true" in ibm["options"] and "true" not in semeru["options"]
    assert "expand" in semeru["options"] and "expand" not in ibm["options"]
    assert (ibm["stream"]["dd"], semeru["stream"]["dd"]) == ("STDOUT", "STDERR")
    assert ibm["empty"] is None and semeru["empty"]["mark"] == "V"
    assert ibm["options"]["help"]["exits"] and semeru["options"]["help"]["exits"]


# -- check -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["ssl:handshake:verbose", "ssl,keymanager,trustmanager", "all", "ssl:record:plaintext"],
)
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_good_values_have_no_findings(value: str, runtime: str) -> None:
    assert check(value, runtime) == []


def test_true_is_all_on_ibm_java_8_and_an_error_on_semeru() -> None:
    assert check("true", IBM8) == []
    assert found("true", SEMERU) == [
        (1, "error", "true is not an option of Semeru 11+ (SunJSSE): use all")
    ]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_help_is_an_error_because_it_exits_the_jvm(runtime: str) -> None:
    ((column, severity, message),) = found("ssl:handshake,help", runtime)
    assert (column, severity) == (15, "error") and "exits the JVM" in message


def test_expand_is_semeru_only() -> None:
    assert check("expand,ssl:handshake", SEMERU) == []
    ((column, severity, message),) = found("expand,ssl:handshake", IBM8)
    assert (column, severity) == (1, "error")
    assert message.startswith("'expand' is not an option of IBM Java 8")


def test_an_unknown_option_is_an_error_with_a_suggestion() -> None:
    ((column, severity, message),) = found("ssl:handshake:trustmanger", SEMERU)
    assert (column, severity) == (15, "error")
    assert message.endswith("did you mean trustmanager?")


def test_a_sub_option_without_ssl() -> None:
    # SunJSSE checks "ssl,handshake" together: alone it logs nothing (the real-JDK tests)
    assert found("handshake", SEMERU) == [
        (1, "error", "handshake is used with ssl: write ssl:handshake")
    ]
    # IBM lists the sub-options as used with ssl; what one does alone is not documented
    assert found("handshake", IBM8) == [
        (1, "warning", "handshake is used with ssl: write ssl:handshake")
    ]
    assert check("all,handshake", SEMERU) == []


def test_a_qualifier_without_what_it_widens() -> None:
    assert found("ssl:handshake:packet", SEMERU) == [
        (15, "warning", "packet only widens record: write ssl:record:packet")
    ]


def test_ssl_alone_on_semeru_is_a_warning() -> None:
    ((column, severity, message),) = found("ssl", SEMERU)
    assert (column, severity) == (1, "warning") and "differs between JDK builds" in message
    assert check("ssl", IBM8) == []


def test_duplicates_and_separators() -> None:
    assert found("ssl:handshake:ssl", SEMERU) == [
        (15, "warning", "ssl is given twice (first at column 1)")
    ]
    assert found("ssl handshake", SEMERU) == [
        (4, "warning", "separate options with , or :, not ' '")
    ]
    assert found("sslhandshake", SEMERU) == [
        (1, "warning", "write the options apart: ssl:handshake")
    ]
    assert found("sslhandshake", IBM8)[0][1] == "error"


def test_case() -> None:
    assert check("SSL:HandShake", SEMERU) == []  # (V) lowercased before matching
    assert [f[1] for f in found("SSL:handshake", IBM8)] == ["warning"]


def test_empty_values() -> None:
    ((_, severity, message),) = found("", SEMERU)
    assert severity == "warning" and "System.getLogger" in message
    assert found("", IBM8)[0][1] == "warning"


def test_the_whole_option_pasted_is_an_error() -> None:
    ((column, severity, message),) = found("-Djavax.net.debug=ssl", SEMERU)
    assert (column, severity) == (1, "error") and "only the value" in message


def test_an_unknown_runtime() -> None:
    with pytest.raises(InputError, match="unknown Java runtime 'java-7'"):
        check("ssl", "java-7")


@pytest.mark.parametrize(
    "garbage",
    [
        "x" * (VALUE_LIMIT + 1),
        "ssl\x00handshake",
        "\x1b[2Jssl",
        "ssl\nhandshake",
        "h" * VALUE_LIMIT,
        "sslsslsslsslsslsslsslsslsslsslsslsslsslsslsslsslsslsslsslsslsslsslssl",
        "ssl:\u2028handshake",
        "ssl:\udcff",
        ":" * VALUE_LIMIT,
        "ssl:ha\u00efndshake",
    ],
)
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_garbage_gives_findings_not_exceptions(garbage: str, runtime: str) -> None:
    findings = check(garbage, runtime)
    assert findings
    for finding in findings:
        assert finding.message.isprintable() and len(finding.message) <= 200
        assert 1 <= finding.position.column <= VALUE_LIMIT + 1
    with pytest.raises(InputError) as raised:
        jvm_option(garbage, runtime)
    assert "\n" not in str(raised.value) and len(str(raised.value)) <= 200


# -- explain, jvm_option -------------------------------------------------------------------


def test_many_duplicates_are_warnings() -> None:
    assert {f.severity for f in check("ssl:handshake:" * 36, SEMERU)} == {"warning"}


def test_explain_semeru() -> None:
    lines = explain("ssl:record:packet", SEMERU)
    assert lines[:3] == [
        "ssl: SSL debugging; the sub-options say which (V)",
        "record: each TLS record read and written (per-record tracing) (V)",
        "packet: widens record: the raw SSL/TLS packets (V)",
    ]
    assert lines[3] == "Output: System.err, which lands in the STDERR DD of BAQSTRT (V)"
    assert "JVM_OPTIONS=" in lines[4] and "STDENV" in lines[4]


def test_explain_ibm_java_8_says_how_its_stream_is_known() -> None:
    lines = explain("true", IBM8)
    assert lines[0] == "true: all debugging (the same as all) (V)"
    assert "STDOUT DD" in lines[1] and "a tester using IBM Java 1.8" in lines[1]


def test_explain_refuses_errors() -> None:
    with pytest.raises(InputError, match=r"column 1: help prints the options and exits"):
        explain("help", SEMERU)


def test_jvm_option() -> None:
    assert jvm_option("ssl:handshake", SEMERU) == "-Djavax.net.debug=ssl:handshake"
    assert jvm_option("", SEMERU) == "-Djavax.net.debug="
    assert jvm_option("true", IBM8) == "-Djavax.net.debug=true"
    with pytest.raises(InputError, match="separated by , or :"):
        jvm_option("ssl handshake", SEMERU)
    with pytest.raises(InputError, match="empty value"):
        jvm_option("", IBM8)
    with pytest.raises(InputError, match="true is not an option"):
        jvm_option("true", SEMERU)


# -- on a real JDK (SunJSSE, as in Semeru) ------------------------------------------------------

JAVA = shutil.which("java")
JAVAC = shutil.which("javac")

HELLO = """\
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

public class Hello {
    public static void main(String[] args) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        int size = engine.getSession().getPacketBufferSize();
        ByteBuffer out = ByteBuffer.allocate(size);
        engine.wrap(ByteBuffer.allocate(0), out);
        System.out.println("wrote " + out.position()
            + " bytes on Java " + Runtime.version().feature());
    }
}
"""


@pytest.fixture(scope="module")
def hello(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if JAVA is None or JAVAC is None:
        pytest.skip("a JDK is installed by .ci/system-deps")
    directory = tmp_path_factory.mktemp("javadebug")
    (directory / "Hello.java").write_text(HELLO, encoding="utf-8")
    subprocess.run([JAVAC, "Hello.java"], cwd=directory, check=True, timeout=300)
    return directory


def run(directory: Path, value: str) -> tuple[str, str, int]:
    """Run Hello with the value: its stdout, its stderr, and the Java feature version."""
    assert JAVA is not None
    done = subprocess.run(
        [JAVA, "-XX:TieredStopAtLevel=1", f"-Djavax.net.debug={value}", "-cp", ".", "Hello"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    match = re.search(r"on Java (\d+)", done.stdout)
    return done.stdout, done.stderr, int(match[1]) if match else 0


@pytest.mark.parametrize("value", ["true", "handshake", "handshke", "tru,handshake"])
def test_values_the_checker_rejects_log_nothing_on_a_real_jdk(hello: Path, value: str) -> None:
    assert any(f.severity == "error" for f in check(value, SEMERU))
    stdout, stderr, _ = run(hello, value)
    assert stdout.startswith("wrote ") and stderr == ""


@pytest.mark.parametrize(
    ("value", "marker"),
    [
        ("ssl:handshake", "ClientHello"),
        ("SSL:HANDSHAKE", "ClientHello"),
        ("ssl,handshake", "ClientHello"),
        ("sslhandshake", "ClientHello"),
        ("all", "Raw write"),
        ("ssl:record:packet", "Raw write"),
        ("expand,ssl:handshake", '"logger"      : "javax.net.ssl"'),
    ],
)
def test_values_it_accepts_log_to_stderr_on_a_real_jdk(
    hello: Path, value: str, marker: str
) -> None:
    assert not any(f.severity == "error" for f in check(value, SEMERU))
    stdout, stderr, _ = run(hello, value)
    assert marker in stderr
    assert stdout.count("\n") == 1 and stdout.startswith("wrote "), "debug output on stdout"


def test_the_compact_format_on_a_real_jdk(hello: Path) -> None:
    _, stderr, _ = run(hello, "ssl:handshake")
    line = next(line for line in stderr.splitlines() if "ClientHello" in line)
    fields = line.split("|")
    assert fields[:2] == ["javax.net.ssl", "DEBUG"] and re.fullmatch(r"\w+\.java:\d+", fields[5])


def test_an_empty_value_goes_to_the_system_logger_on_a_real_jdk(hello: Path) -> None:
    stdout, stderr, _ = run(hello, "")
    assert stdout.count("\n") == 1
    assert "sun.security.ssl.SSLLogger" in stderr  # java.util.logging's console handler
    assert "javax.net.ssl|" not in stderr


def test_ssl_alone_differs_between_builds_on_a_real_jdk(hello: Path) -> None:
    _, stderr, version = run(hello, "ssl")
    assert "javax.net.ssl|" in stderr
    if version <= 17:  # the jdk15u rule: a sub-option must be named (or sslctx after ssl)
        assert "ClientHello" not in stderr
        _, stderr, _ = run(hello, "sslctx")
        assert "ClientHello" in stderr
    if version >= 25:  # Temurin 25.0.3: ssl alone turns every sub-option on
        assert "ClientHello" in stderr


def test_help_exits_the_jvm_on_a_real_jdk(hello: Path) -> None:
    assert JAVA is not None
    done = subprocess.run(
        [JAVA, "-Djavax.net.debug=help", "-cp", ".", "Hello"],
        cwd=hello,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout == ""  # exited before main printed
    assert "handshake" in done.stderr and "trustmanager" in done.stderr
