"""Claims the course makes about other TLS stacks, measured: Java (OpenJDK's JSSE), curl, Chromium.

The pages show these measurements as output (docs/errors.md, docs/tls.md, docs/anatomy.md); the
tests here check what the prose says about them, so a page cannot keep a sentence its own run no
longer supports:

* which alert each side sends, OpenSSL or JSSE, in each failure (errors.md), and what JSSE says;
* that a JSSE server names its CAs in its CertificateRequest and an OpenSSL server set up through
  Python's ``ssl`` does not (errors.md, "with Java on both sides");
* how an OpenSSL and a JSSE server answer the same client with the same certificates (tls.md);
* which clients fall back to the CN of a certificate without a SAN (anatomy.md), Chromium
  included, read from Chromium's own network log.

All Java runs of the module share one JVM (``java_peer``). The library parts that need no JVM
(parsing, reporting, failure handling) are tested without one.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS
from cryptography import x509

from certkit import InputError, Lab
from certkit.certificates.pki import Issued, LabPKI, java_truststore
from certkit.defaults import STORE_PASSWORD
from certkit.tls.handshake import Options, contexts, lab_pki, run
from certkit.tls.java import (
    JavaPeer,
    JavaResult,
    Pairing,
    Scenario,
    encrypted_extensions,
    interop,
    report,
    server_hello_extensions,
    ticket_lifetimes,
)
from certkit.tls.recording import Recording
from certkit.tls.serve import Server

TIMEOUT = 60
HAS_JAVA = shutil.which("java") is not None
needs_java = pytest.mark.skipif(not HAS_JAVA, reason="a JDK is installed by .ci/system-deps")


@pytest.fixture(scope="module")
def pki() -> LabPKI:
    return lab_pki(seed="claims-java")


@pytest.fixture(scope="module")
def stranger(pki: LabPKI) -> LabPKI:
    """A lab whose CAs have names of their own: a CA the server does not know."""
    lab = Lab(seed="claims-java-other", now=pki.root.certificate.not_valid_before_utc)
    return lab.pki(root_name="Other Root CA", intermediate_name="Other Intermediate CA")


@pytest.fixture(scope="module")
def java_peer() -> Iterator[JavaPeer]:
    if not HAS_JAVA:
        pytest.skip("a JDK is installed by .ci/system-deps")
    with JavaPeer(timeout=TIMEOUT) as peer:
        yield peer


def alert_of(pairing: Pairing) -> tuple[str, str]:
    assert pairing.alerts, f"{pairing.server} server, {pairing.client} client: no alert"
    return pairing.alerts[0].sender, pairing.alerts[0].description


# -- alerts: errors.md -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def alerts(pki: LabPKI, stranger: LabPKI, java_peer: JavaPeer) -> dict[str, list[Pairing]]:
    lab = Lab(seed="claims-java", now=pki.root.certificate.not_valid_before_utc)
    expired = lab.server(pki.intermediate, ["localhost"], start=-dt.timedelta(days=400), days=365)
    alone = Issued(pki.server.certificate, pki.server.private_key)
    java_client = (("OpenSSL", "JSSE"),)
    scenarios = [
        Scenario(
            "expired",
            pki=LabPKI(pki.root, pki.intermediate, expired, pki.client),
            pairings=java_client,
        ),
        Scenario("name", hostname="zcee.example.com", pairings=java_client),
        Scenario(
            "alone", pki=LabPKI(pki.root, pki.intermediate, alone, pki.client), pairings=java_client
        ),
        Scenario(
            "none 1.2", server_tls="1.2", client_tls="1.2", client_auth=True, client_cert=False
        ),
        Scenario(
            "none 1.3", server_tls="1.3", client_tls="1.3", client_auth=True, client_cert=False
        ),
        Scenario("unknown CA 1.3", client_auth=True, client_pki=stranger),
        Scenario(
            "unknown CA 1.2",
            server_tls="1.2",
            client_tls="1.2",
            client_auth=True,
            client_pki=stranger,
        ),
        Scenario(
            "cipher",
            server_tls="1.2",
            client_tls="1.2",
            server_cipher="ECDHE-ECDSA-AES256-GCM-SHA384",
            client_cipher="TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",  # any spelling
        ),
        Scenario("version 1.3 server", server_tls="1.3", client_tls="1.2"),
        Scenario("version 1.2 server", server_tls="1.2", client_tls="1.3"),
    ]
    return interop(pki, scenarios, peer=java_peer)


def by_pair(pairings: list[Pairing]) -> dict[tuple[str, str], Pairing]:
    return {(p.server, p.client): p for p in pairings}


@needs_java
def test_a_java_client_sends_certificate_unknown_for_every_server_certificate_it_rejects(
    alerts: dict[str, list[Pairing]],
) -> None:
    reasons = {
        "expired": "validity check failed",
        "name": "No subject alternative DNS name matching zcee.example.com found.",
        "alone": "unable to find valid certification path to requested target",
    }
    for name, reason in reasons.items():
        (pairing,) = alerts[name]
        assert not pairing.ok
        assert alert_of(pairing) == ("client", "certificate_unknown"), name
        assert pairing.client_says and reason in pairing.client_says
        assert pairing.client_says.startswith("SSLHandshakeException: ")


@needs_java
@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_a_missing_client_certificate(alerts: dict[str, list[Pairing]], version: str) -> None:
    pairs = by_pair(alerts[f"none {version}"])
    openssl_alert = {"1.2": "handshake_failure", "1.3": "certificate_required"}[version]
    assert alert_of(pairs["OpenSSL", "OpenSSL"]) == ("server", openssl_alert)
    assert alert_of(pairs["OpenSSL", "JSSE"]) == ("server", openssl_alert)
    for java_server in (pairs["JSSE", "OpenSSL"], pairs["JSSE", "JSSE"]):
        assert alert_of(java_server) == ("server", "bad_certificate")
        assert java_server.server_says == "SSLHandshakeException: Empty client certificate chain"
    assert pairs["JSSE", "JSSE"].client_says == (
        "SSLHandshakeException: Received fatal alert: bad_certificate"
    )
    # TLS 1.3: every client has finished its handshake when the rejection comes; TLS 1.2: none.
    assert {p.client_completed for p in pairs.values()} == {version == "1.3"}
    assert not any(p.ok for p in pairs.values())


@needs_java
@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_a_client_certificate_from_an_unknown_ca(
    alerts: dict[str, list[Pairing]], pki: LabPKI, version: str
) -> None:
    pairs = by_pair(alerts[f"unknown CA {version}"])
    assert alert_of(pairs["OpenSSL", "OpenSSL"]) == ("server", "unknown_ca")
    assert alert_of(pairs["OpenSSL", "JSSE"]) == ("server", "unknown_ca")
    assert alert_of(pairs["JSSE", "OpenSSL"]) == ("server", "certificate_unknown")
    assert "PKIX path building failed" in (pairs["JSSE", "OpenSSL"].server_says or "")
    # Java on both sides: the client sends no certificate, the server calls the chain empty.
    both = pairs["JSSE", "JSSE"]
    assert alert_of(both) == ("server", "bad_certificate")
    assert both.server_says == "SSLHandshakeException: Empty client certificate chain"
    # Why: the JSSE server's CertificateRequest names the root it trusts; the OpenSSL server's
    # (Python's ssl) names no CA, so the JSSE client sends the certificate it has (and the
    # OpenSSL client, which never filters, sends it to the JSSE server as well).
    root_name = pki.root.certificate.subject.public_bytes()
    requests = {
        server: next(
            m
            for m in pairs[server, "OpenSSL"].openssl.messages  # type: ignore[union-attr]
            if m.name == "certificate_request"
        )
        for server in ("OpenSSL", "JSSE")
    }
    assert root_name in requests["JSSE"].data
    assert root_name not in requests["OpenSSL"].data
    for server in ("OpenSSL", "JSSE"):
        recording = pairs[server, "OpenSSL"].openssl
        assert recording is not None and recording.client_chain, "the OpenSSL client sent its chain"


@needs_java
def test_no_common_cipher_or_version_gives_the_same_alert_everywhere(
    alerts: dict[str, list[Pairing]],
) -> None:
    for name, alert, java_server_says in [
        ("cipher", "handshake_failure", {"no cipher suites in common"}),
        (
            "version 1.3 server",
            "protocol_version",
            {
                "Client requested protocol TLSv1.2 is not enabled or supported in server context",
                "The client supported protocol versions [TLSv1.2] are not accepted by server "
                "preferences [TLSv1.3]",
            },
        ),
        (
            "version 1.2 server",
            "protocol_version",
            {
                "The client supported protocol versions [TLSv1.3] are not accepted by server "
                "preferences [TLSv1.2]"
            },
        ),
    ]:
        pairs = by_pair(alerts[name])
        assert {alert_of(p) for p in pairs.values()} == {("server", alert)}, name
        said = {
            p.server_says.removeprefix("SSLHandshakeException: ")
            for p in pairs.values()
            if p.server == "JSSE" and p.server_says
        }
        assert said == java_server_says, name
        for pairing in pairs.values():
            if pairing.client == "JSSE":
                assert (
                    pairing.client_says == f"SSLHandshakeException: Received fatal alert: {alert}"
                )


@needs_java
def test_the_report_is_what_the_pairings_say(alerts: dict[str, list[Pairing]]) -> None:
    text = report({"none 1.3": alerts["none 1.3"]})
    lines = text.splitlines()
    assert lines[0] == "none 1.3: the client's handshake completes first"
    assert "  JSSE server, OpenSSL client: server sends bad_certificate" in lines
    assert "    server: SSLHandshakeException: Empty client certificate chain" in lines
    # OpenSSL's reason codes are left out; JSSE's words are wrapped within the width.
    assert "PEER_DID_NOT_RETURN_A_CERTIFICATE" not in text
    wrapped = report({"unknown CA 1.3": alerts["unknown CA 1.3"]}, width=60)
    said = [line for line in wrapped.splitlines() if line.startswith("    ")]
    assert len(said) > 3 and max(len(line) for line in said) <= 60


# -- two servers, one client: tls.md -----------------------------------------------------------


@needs_java
def test_an_openssl_and_a_jsse_server_answer_the_same_client_differently(
    pki: LabPKI, java_peer: JavaPeer
) -> None:
    both = (("OpenSSL", "OpenSSL"), ("JSSE", "OpenSSL"))
    answers = interop(
        pki,
        [Scenario("1.3", pairings=both), Scenario("1.2", client_tls="1.2", pairings=both)],
        peer=java_peer,
    )
    for version, pairings in answers.items():
        openssl, jsse = (p.openssl for p in pairings)
        assert openssl is not None and jsse is not None
        assert openssl.ok and jsse.ok, version
        # The same outcome and certificates ...
        assert (openssl.version, openssl.cipher, openssl.group) == (
            jsse.version,
            jsse.cipher,
            jsse.group,
        )
        assert openssl.server_chain == jsse.server_chain
        assert len(jsse.server_chain) == 2, "the Java key store holds the chain without the root"

        def handshake(recording: Recording) -> list[tuple[str, str]]:
            messages = recording.messages
            last = max(i for i, m in enumerate(messages) if m.name == "finished")
            return [(m.sender, m.name) for m in messages[: last + 1]]

        # ... the same messages up to the Finished messages ...
        assert handshake(openssl) == handshake(jsse)
        # ... and yet different answers.
        assert ticket_lifetimes(openssl) != ticket_lifetimes(jsse)
        if version == "1.3":
            assert server_hello_extensions(openssl) == server_hello_extensions(jsse)
            assert (encrypted_extensions(openssl), encrypted_extensions(jsse)) == (
                [],
                ["supported_groups"],
            )
            closing = [(a.sender, a.description) for a in jsse.alerts]
            assert closing[0] == ("server", "user_canceled")
        else:
            assert server_hello_extensions(openssl) != server_hello_extensions(jsse)
            assert set(server_hello_extensions(openssl)) - set(server_hello_extensions(jsse)) == {
                "ec_point_formats"
            }


# -- a CN without a SAN: anatomy.md ------------------------------------------------------------


@pytest.fixture(scope="module")
def cn_only(pki: LabPKI) -> LabPKI:
    lab = Lab(seed="claims-java", now=pki.root.certificate.not_valid_before_utc)
    leaf = lab.server(
        pki.intermediate, ["localhost"], label="cn-only", omit=[x509.SubjectAlternativeName]
    )
    assert leaf.certificate.subject.rfc4514_string() == "CN=localhost"
    with pytest.raises(x509.ExtensionNotFound):
        leaf.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return LabPKI(pki.root, pki.intermediate, leaf, pki.client)


def test_python_and_curl_fall_back_to_the_cn(cn_only: LabPKI) -> None:
    client, _ = contexts(cn_only)
    assert client.hostname_checks_common_name is True  # Python's default
    assert run(client, contexts(cn_only)[1]).ok
    client.hostname_checks_common_name = False
    refused = run(client, contexts(cn_only)[1])
    assert not refused.ok and refused.client_reason == "CERTIFICATE_VERIFY_FAILED"
    if shutil.which("curl") is None:
        pytest.skip("curl is installed by .ci/system-deps")
    with Server(cn_only, lifetime=TIMEOUT) as server:
        argv = server.commands()["curl"]  # no progress meter: it can split a -v line
        result = subprocess.run(
            [argv[0], "--no-progress-meter", *argv[1:]],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-1000:]
    assert "*  common name: localhost (matched)" in result.stderr.splitlines()


@needs_java
def test_java_falls_back_to_the_cn_only_without_a_san(
    pki: LabPKI, cn_only: LabPKI, java_peer: JavaPeer
) -> None:
    java_peer.store("cn-trust", java_truststore([pki.root.certificate], STORE_PASSWORD))
    lab = Lab(seed="claims-java", now=pki.root.certificate.not_valid_before_utc)
    other = x509.SubjectAlternativeName([x509.DNSName("zcee.example.com")])
    other_san = lab.server(
        pki.intermediate, ["localhost"], label="other-san", extra_extensions=[(other, False)]
    )
    answers = {}
    for name, chain in {
        "cn-only": cn_only,
        "other-san": LabPKI(pki.root, pki.intermediate, other_san, pki.client),
    }.items():
        with Server(chain, lifetime=TIMEOUT) as server:
            answers[name] = java_peer.fetch(server.url, trust="cn-trust")
    assert answers == {
        "cn-only": "200",
        "other-san": "failed javax.net.ssl.SSLHandshakeException: No subject alternative DNS name "
        "matching localhost found.",
    }


def chromium_cert_status(playwright: Any, url: str, netlog: Path) -> set[str]:
    """Load url in a fresh Chromium; return the certificate status flags its verifier logged."""
    from playwright.sync_api import Error

    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--log-net-log={netlog}", "--net-log-capture-mode=Default"],
    )
    try:
        page = browser.new_page()  # ignore_https_errors is off: the lab root is not trusted
        with pytest.raises(Error, match="net::ERR_CERT_"):
            page.goto(url, timeout=TIMEOUT * 1000)
    finally:
        browser.close()  # Chromium completes the log file when it exits
    log = json.loads(netlog.read_text(encoding="utf-8"))
    constants = log["constants"]
    job = constants["logEventTypes"]["CERT_VERIFIER_JOB"]
    end = constants["logEventPhase"]["PHASE_END"]
    statuses = [
        event["params"]["cert_status"]
        for event in log["events"]
        if event["type"] == job
        and event["phase"] == end
        and "cert_status" in event.get("params", {})
    ]
    assert len(set(statuses)) == 1, statuses  # one verification (or the same one repeated)
    return {name for name, bit in constants["certStatusFlag"].items() if statuses[0] & bit}


@pytest.mark.slow
@pytest.mark.skipif(
    not (CHROMIUM and Path(CHROMIUM).exists()), reason="chromium is installed by .ci/system-deps"
)
def test_chromium_refuses_the_cn_of_a_certificate_without_a_san(
    pki: LabPKI, cn_only: LabPKI, tmp_path: Path, playwright: Any
) -> None:
    # The lab root is not trusted by this Chromium, so both loads fail with an authority error;
    # the verifier's status in Chromium's network log says whether the name was refused too.
    found = {}
    for name, chain in {"san": pki, "cn-only": cn_only}.items():
        with Server(chain, lifetime=TIMEOUT) as server:
            found[name] = chromium_cert_status(playwright, server.url, tmp_path / f"{name}.json")
    assert "AUTHORITY_INVALID" in found["san"] and "AUTHORITY_INVALID" in found["cn-only"]
    assert "COMMON_NAME_INVALID" not in found["san"]
    assert "COMMON_NAME_INVALID" in found["cn-only"]


@needs_java
def test_the_pages_name_the_jvm_they_measured(java_peer: JavaPeer) -> None:
    # errors.md and tls.md say "OpenJDK 17": the JVM that produced their output.
    assert java_peer.vm == "OpenJDK 64-Bit Server VM 17"


# -- the library without a JVM ---------------------------------------------------------------


def test_java_result_lines() -> None:
    ok = JavaResult.parse("result client ok done TLSv1.3 TLS_AES_256_GCM_SHA384 HTTP/1.1 200 OK")
    assert ok == JavaResult(True, "done", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "HTTP/1.1 200 OK")
    assert ok.handshake_completed and ok.exception is None
    failed = JavaResult.parse(
        "result server failed handshake - - javax.net.ssl.SSLHandshakeException: a: b"
    )
    assert (failed.ok, failed.protocol, failed.suite) == (False, None, None)
    assert not failed.handshake_completed
    assert failed.exception == "SSLHandshakeException: a: b"
    with pytest.raises(InputError, match="not a result line"):
        JavaResult.parse("listening 1234")


def test_extensions_and_tickets_of_an_in_memory_handshake(pki: LabPKI) -> None:
    tls13 = run(*contexts(pki))
    assert server_hello_extensions(tls13) == ["supported_versions", "key_share"]
    assert encrypted_extensions(tls13) == []
    assert ticket_lifetimes(tls13) == [7200, 7200]  # OpenSSL 3.0 sends two TLS 1.3 tickets
    tls12 = run(*contexts(pki, Options(tls="1.2")))
    assert "extended_master_secret" in server_hello_extensions(tls12)
    assert encrypted_extensions(tls12) == []


def test_a_missing_or_dead_jvm_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(shutil, "which", lambda name: None)
        with pytest.raises(InputError, match="no java command"):
            JavaPeer()
    stops = tmp_path / "java"
    stops.write_text("#!/bin/sh\necho 'Error: could not start' >&2\nexit 1\n", encoding="utf-8")
    stops.chmod(0o755)
    peer = JavaPeer(java=str(stops), timeout=TIMEOUT)
    with pytest.raises(InputError, match="the JVM has stopped: Error: could not start"):
        peer.__enter__()
    assert peer._directory is None, "a failed start cleans up after itself"


def test_connect_needs_a_server(pki: LabPKI) -> None:
    from certkit.tls.serve import connect

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens on it: bound, never listening
        client, _ = contexts(pki)
        with pytest.raises(InputError, match="cannot connect"):
            connect(port, client)
