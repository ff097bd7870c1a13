"""``certkit handshake`` (and ``certkit serve``'s input checks), through the real command.

Exit status 0 when the handshake succeeds, 1 when it fails (the recording is still printed, the
errors on standard error), 2 on bad input: one line on standard error, no traceback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from commands import run_certkit as certkit

DECK = [
    "--key-type",
    "rsa-2048",
    "--server-max",
    "1.2",
    "--cipher",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "--client-auth",
    "required",
]


def test_the_decks_handshake_as_curl_prints_it() -> None:
    result = certkit("handshake", *DECK, "--format", "curl")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "* TLSv1.3 (OUT), TLS handshake, Client hello (1):",
        "* TLSv1.3 (IN), TLS handshake, Server hello (2):",
        "* TLSv1.2 (IN), TLS handshake, Certificate (11):",
    ]
    assert "* TLSv1.2 (IN), TLS handshake, Server finished (14):" in lines
    assert "* SSL connection using TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384" in lines
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("summary", " 1 C -> S  client_hello"),
        ("jsse", "Produced ECDH ServerKeyExchange handshake message"),
        ("steps", "Deck step 4 (Wrong, Outdated)"),
        ("mermaid", "sequenceDiagram"),
    ],
)
def test_formats(fmt: str, expected: str) -> None:
    result = certkit("handshake", *DECK, "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_jsse_side() -> None:
    server = certkit("handshake", "--tls", "1.3", "--format", "jsse").stdout.splitlines()
    client = certkit(
        "handshake", "--tls", "1.3", "--format", "jsse", "--side", "client"
    ).stdout.splitlines()
    assert server[0] == "Consuming ClientHello handshake message"
    assert client[0] == "Produced ClientHello handshake message"


def test_json_has_records_and_messages_with_their_bytes() -> None:
    result = certkit("handshake", "--tls", "1.2", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["version"] == "TLSv1.2"
    first = data["records"][0]
    raw = bytes.fromhex(first["data"])
    assert (first["sender"], first["name"], raw[0]) == ("client", "handshake", 22)
    assert len(raw) == 5 + first["length"]
    hello = data["messages"][0]
    body = bytes.fromhex(hello["data"])
    assert hello["name"] == "client_hello" and body[0] == 1 and len(body) == 4 + hello["length"]
    assert body in raw  # the ClientHello travels in clear in the first record
    assert [m["name"] for m in data["messages"] if m["encrypted"]] == ["finished", "finished"]
    assert data["server_chain"][0]["subject"] == "CN=localhost"
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", data["server_chain"][0]["sha256"])
    assert data["keylog"][0].startswith("CLIENT_RANDOM ")


def test_a_failed_handshake_exits_1_and_still_prints() -> None:
    result = certkit("handshake", "--tls", "1.3", "--client-auth", "required", "--no-client-cert")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "FAILED"
    assert "client: SSLError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED]" in result.stderr
    assert "server: SSLError: [SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE]" in result.stderr
    result = certkit(
        "handshake",
        "--tls",
        "1.3",
        "--client-auth",
        "required",
        "--no-client-cert",
        "--format",
        "curl",
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "* TLSv1.3 (IN), TLS alert, unknown (628):"


def test_a_wrong_host_name_fails_the_handshake() -> None:
    result = certkit("handshake", "--host", "wrong.example", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and "Hostname mismatch" in data["client_error"]
    assert [a["description"] for a in data["alerts"]] == ["bad_certificate"]


def test_resume_alpn_curve_and_static_rsa() -> None:
    data = json.loads(certkit("handshake", "--tls", "1.2", "--resume", "--format", "json").stdout)
    assert data["resumed"] is True
    assert [m["name"] for m in data["messages"]][:2] == ["client_hello", "server_hello"]
    assert "certificate" not in [m["name"] for m in data["messages"]]
    data = json.loads(certkit("handshake", "--alpn", "h2,http/1.1", "--format", "json").stdout)
    assert data["alpn"] == "h2"
    data = json.loads(
        certkit("handshake", "--tls", "1.3", "--curve", "secp384r1", "--format", "json").stdout
    )
    assert data["group"] == "secp384r1"
    result = certkit(
        "handshake",
        "--key-type",
        "rsa-2048",
        "--tls",
        "1.2",
        "--cipher",
        "AES256-GCM-SHA384",
        "--client-cipher",
        "AES256-GCM-SHA384",
        "--format",
        "steps",
    )
    assert result.returncode == 0, result.stderr
    assert "Static RSA key transport" in result.stdout


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["handshake", "--cipher", "NO-SUCH-SUITE"], "cipher 'NO-SUCH-SUITE'"),
        (["handshake", "--client-cipher", "NO-SUCH-SUITE"], "cipher 'NO-SUCH-SUITE'"),
        (["handshake", "--curve", "nosuchcurve"], "curve 'nosuchcurve'"),
        (["handshake", "--tls", "1.4"], "--tls"),
        (["handshake", "--format", "xml"], "--format"),
        (["handshake", "--key-type", "x25519"], "--key-type"),
        (["handshake", "--tls", "1.3", "--server-max", "1.2"], "--server-max 1.2"),
        (["handshake", "--alpn", "x" * 300], "--alpn"),
        (["handshake", "--side", "both"], "--side"),
        (["serve", "--port", "70000"], "port 70000"),
        (["serve", "--connections", "0"], "--connections 0"),
        (["serve", "--lifetime", "0"], "lifetime"),
        (["serve", "--cipher", "NO-SUCH-SUITE"], "cipher 'NO-SUCH-SUITE'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv: list[str], fragment: str) -> None:
    result = certkit(*argv)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("certkit: error: ")
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr, result.stderr


def test_tls13_ciphers_and_groups_options() -> None:

    certkit = str(Path(sys.executable).parent / "certkit")
    out = subprocess.run(
        [
            certkit,
            "handshake",
            "--tls13-ciphers",
            "TLS_CHACHA20_POLY1305_SHA256",
            "--groups",
            "secp384r1",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TLS_CHACHA20_POLY1305_SHA256" in out and "secp384r1" in out
    bad = subprocess.run(
        [certkit, "handshake", "--groups", "bogus"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "groups bogus" in bad.stderr
