"""Traces captured live: the real curl, openssl s_client and Java against certkit's lab server.

snippets/traces/sources.toml lists the captures: each tool and trace option (curl ``-v`` and
``--trace-ascii``, s_client ``-msg -state`` and ``-trace``, Java with ``javax.net.debug`` at
``ssl:handshake`` and ``all``), for TLS 1.2 and 1.3, against a server that asks for no client
certificate, requests one or requires one, with and without the client's certificate; and
the other way round (``java_role = "server"``), a Java server's own ``javax.net.debug`` log
(``ServeOnce.java`` with wantClientAuth or needClientAuth) while ``curl -v`` connects to it
with and without the client's certificate. For each, this test proves that

(a) the normalised capture is byte-identical across two runs (so the placeholders cover every
    volatile value);
(b) it holds the lines a reader looks for (the negotiated version, the messages sent);
(c) without a certificate, against a server that requires one, it shows the failure (the
    alert, the error), and against one that only requests it, the handshake still succeeds;
(d) it is the file on the shelf, snippets/traces/ (``make trace-snippets`` rewrites them,
    with ``CERTKIT_REGEN_SNIPPETS=1``), and tools.toml names the tool versions that printed
    them.

One server per (version, client-certificate policy) serves the whole module; keys are EC.
The Java server captures share one directory, so ``ServeOnce.java`` is compiled once.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from certkit.certificates.pki import LabPKI
from certkit.tls.clientkit import ClientKit
from certkit.tls.handshake import Options
from certkit.tls.serve import Server
from certkit.traces import capture
from certkit.traces.capture import Captured

SHELF = Path(__file__).parents[2] / "snippets" / "traces"
SOURCES = tomllib.loads((SHELF / "sources.toml").read_text(encoding="utf-8"))["snippet"]
REGEN = os.environ.get("CERTKIT_REGEN_SNIPPETS") == "1"
TIMEOUT = 60.0

Run = Callable[[ClientKit, int, bool], Captured]
RUNS: dict[str, Run] = {
    "curl-v": lambda kit, port, cert: capture.curl_verbose(kit, port, client_cert=cert),
    "curl-trace-ascii": lambda kit, port, cert: capture.curl_trace_ascii(
        kit, port, client_cert=cert
    ),
    "s_client-msg": lambda kit, port, cert: capture.s_client_msg(kit, port, client_cert=cert),
    "s_client-trace": lambda kit, port, cert: capture.s_client_trace(kit, port, client_cert=cert),
    "java-handshake": lambda kit, port, cert: capture.java_client(
        kit, port, debug="ssl:handshake", client_cert=cert
    ),
    "java-all": lambda kit, port, cert: capture.java_client(
        kit, port, debug="all", client_cert=cert
    ),
}
NEEDS = {"curl": ("curl",), "s_client": ("openssl", "stdbuf"), "java": ("java", "javac", "keytool")}
JAVA_SERVER_NEEDS = ("java", "javac", "curl")


def _tool_versions() -> str:
    """The versions of the tools that print the captures, one line each."""

    def first(argv: list[str], stderr: bool = False) -> str:
        if shutil.which(argv[0]) is None:
            return f"{argv[0]}: not installed"
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        return ((done.stderr if stderr else done.stdout).splitlines() or ["?"])[0]

    lines = {
        "curl": first(["curl", "--version"]),
        "openssl": first(["openssl", "version"]),
        "java": first(["java", "-version"], stderr=True),
    }
    return "".join(f"{name} = {json.dumps(line)}\n" for name, line in lines.items())


@pytest.fixture(scope="module")
def pki() -> LabPKI:
    return capture.capture_pki()


@pytest.fixture(scope="module")
def servers(pki: LabPKI) -> Iterator[Callable[[str, str], Server]]:
    """One running server per (TLS version, client-certificate policy), started on first use."""
    running: dict[tuple[str, str], Server] = {}
    with contextlib.ExitStack() as stack:

        def server(tls: str, policy: str) -> Server:
            key = (tls, policy)
            if key not in running:
                options = Options(tls=tls, client_auth=policy)  # type: ignore[arg-type]
                running[key] = stack.enter_context(Server(pki, options, lifetime=900))
            return running[key]

        yield server


@pytest.fixture(scope="module")
def java_server_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where java_server writes the kit, the stores and ServeOnce.class (compiled once)."""
    return tmp_path_factory.mktemp("java-server")


def java_server_lines(source: dict[str, object]) -> list[str]:
    """What a JSSE server logs (java_role = "server"): checked in the captures, OpenJDK 17."""
    tls, debug = str(source["tls"]), str(source["tool"]).removeprefix("java-")
    version = f"TLSv{tls}"
    lines = [
        "|Consuming ClientHello handshake message (",
        f"|Negotiated protocol version: {version}",
        # TLS 1.2: "... handshake message (", TLS 1.3: "Produced CertificateRequest message ("
        "|Produced CertificateRequest ",
        "|Consuming client Certificate handshake message (",
    ]
    if source["client_cert"]:
        return [*lines, "|Consuming CertificateVerify handshake message (", f"\nserved {version} "]
    # The client's Certificate message is empty.
    empty = '"Certificates": <empty list>' if tls == "1.2" else '"certificate_list": [  \n]'
    lines.append(empty)
    if source["server"] == "optional":  # wantClientAuth: the handshake goes on
        return [*lines, f"\nserved {version} "]
    # needClientAuth: SunJSSE ends the handshake with bad_certificate, in TLS 1.3 as in 1.2.
    lines += [
        "|Fatal (BAD_CERTIFICATE): Empty client certificate chain (",
        "  javax.net.ssl.SSLHandshakeException: Empty client certificate chain",
        "\nfailed javax.net.ssl.SSLHandshakeException: Empty client certificate chain",
    ]
    if debug == "all":
        lines.append(f"|WRITE: {version} alert(bad_certificate), length = 2")
    return lines


def expected_lines(source: dict[str, object]) -> list[str]:
    """What a reader looks for in the capture (b), or the failure it shows (c)."""
    if source.get("java_role") == "server":
        return java_server_lines(source)
    tool, tls = str(source["tool"]), str(source["tls"])
    version = f"TLSv{tls}"
    refused = source["server"] == "required" and not source["client_cert"]
    sends_cert = source["server"] != "none"
    if tool in ("curl-v", "curl-trace-ascii"):
        info = "* " if tool == "curl-v" else "== Info: "
        lines = [f"{info}TLSv1.3 (OUT), TLS handshake, Client hello (1):"]
        if refused and tls == "1.2":
            return [*lines, f"{info}TLSv1.2 (IN), TLS alert, handshake failure (552):"]
        if refused:  # the rejection comes after curl's handshake; OpenSSL 3.0 has no name
            return [*lines, f"{info}TLSv1.3 (IN), TLS alert, unknown (628):"]
        lines.append(f"{info}SSL connection using {version} / ")
        if sends_cert:
            lines.append(f"{info}{version} (IN), TLS handshake, Request CERT (13):")
            lines.append(f"{info}{version} (OUT), TLS handshake, Certificate (11):")
        return lines
    if tool.startswith("s_client"):
        lines = ["CONNECTED(<FD>)"]
        if tool == "s_client-msg":
            lines.append("SSL_connect:SSLv3/TLS write client hello")
        if refused:
            alert = "handshake failure" if tls == "1.2" else "certificate required"
            return [*lines, "<TID>:error:", alert]
        lines += [f"    Protocol  : {version}", "HTTP/1.1 200 OK"]
        if sends_cert:
            lines.append("CertificateRequest")
        return lines
    lines = ["|Produced ClientHello handshake message ("]
    if refused:
        alert = "handshake_failure" if tls == "1.2" else "certificate_required"
        return [*lines, f"SSLHandshakeException: Received fatal alert: {alert}"]
    lines += [f"|Negotiated protocol version: {version}", "\n200\ncertkit serve: "]
    if sends_cert:
        lines.append("|Consuming CertificateRequest handshake message (")
    return lines


def _id(source: dict[str, object]) -> str:
    return str(source["file"]).removesuffix(".trace")


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(s, marks=pytest.mark.slow) if str(s["tool"]).startswith("java") else s
        for s in SOURCES
    ],
    ids=_id,
)
def test_the_capture_is_stable_and_shows_the_handshake(
    source: dict[str, object],
    servers: Callable[[str, str], Server],
    pki: LabPKI,
    java_server_directory: Path,
) -> None:
    tool = str(source["tool"])
    java_server = source.get("java_role") == "server"
    needs = JAVA_SERVER_NEEDS if java_server else NEEDS[tool.split("-")[0]]
    missing = [name for name in needs if shutil.which(name) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)}: installed by .ci/system-deps")
    if java_server:

        def run_once() -> Captured:
            return capture.java_server(
                pki,
                java_server_directory,
                tls=str(source["tls"]),  # type: ignore[arg-type]
                client_auth=str(source["server"]),  # type: ignore[arg-type]
                debug="ssl:handshake" if tool == "java-handshake" else "all",
                client_cert=bool(source["client_cert"]),
            )

    else:
        server = servers(str(source["tls"]), str(source["server"]))

        def run_once() -> Captured:
            return RUNS[tool](server.kit, server.port, bool(source["client_cert"]))

    first = run_once()
    second = run_once()
    # (a) The placeholders cover every volatile value: two runs are byte-identical.
    assert first.text == second.text, f"{source['file']}: two runs differ after normalising"
    assert first.raw != first.text  # and there was something to normalise
    # (b) and (c): the lines a reader looks for, or the failure.
    for line in expected_lines(source):
        assert line in first.text, f"{source['file']}: {line!r} missing"
    refused = source["server"] == "required" and not source["client_cert"]
    assert (first.returncode != 0) == refused, first.raw[-1500:]
    # (d) The shelf holds exactly this capture.
    path = SHELF / str(source["file"])
    if REGEN:
        path.write_text(first.text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == first.text, (
        f"{path} differs from what the tool prints now: run `make trace-snippets` "
        "(tools.toml names the versions that printed the shelf)"
    )


def test_the_shelf_names_its_tools() -> None:
    path = SHELF / "tools.toml"
    versions = _tool_versions()
    if REGEN:
        path.write_text(versions, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == versions, (
        "the tools here are not the ones that printed snippets/traces/: "
        "run `make trace-snippets` to capture with these"
    )


def test_every_file_on_the_shelf_has_a_source() -> None:
    named = {s["file"] for s in SOURCES} | {"sources.toml", "tools.toml"}
    on_shelf = {p.name for p in SHELF.iterdir() if p.is_file()}
    assert on_shelf == named
