"""certkit.traces.mermaid: sequence diagrams of real handshakes, valid for Mermaid itself."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lab_recordings import DECK_OPTIONS, record

from certkit.certificates.pki import LabPKI
from certkit.traces.mermaid import mermaid

ROOT = Path(__file__).resolve().parents[2]

MERMAID_LINE = re.compile(
    r"^    (participant (Client|Server)"
    r"|(Client|Server)(->>|-->>|-x)(Client|Server): [^;#]+"
    r"|Note over (Client|Server|Client,Server): [^;#]+)$"
)


def check_mermaid(source: str) -> None:
    lines = source.splitlines()
    assert lines[0] == "sequenceDiagram"
    for line in lines[1:]:
        assert MERMAID_LINE.match(line), line
        text = line.split(": ", 1)[-1]
        assert text.count("{") == text.count("}") and text.count("[") == text.count("]"), line


def mermaid_parse(sources: list[str]) -> list[str]:
    """Parse each diagram with the real Mermaid (node_modules), returning error messages."""
    node = shutil.which("node")
    core = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.core.mjs"
    if node is None or not core.exists():
        pytest.skip("node or node_modules/mermaid missing (make install)")
    script = (
        f"import mermaid from {json.dumps(core.as_uri())};\n"
        "import {readFileSync} from 'node:fs';\n"
        "const sources = JSON.parse(readFileSync(0, 'utf8'));\n"
        "const errors = [];\n"
        "for (const s of sources) {\n"
        "  try { await mermaid.parse(s); errors.push(''); }\n"
        "  catch (e) { errors.push(String(e.message || e)); }\n"
        "}\n"
        "console.log(JSON.stringify(errors));\n"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    errors: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return errors


def test_mermaid_diagrams_are_valid(rsa_pki: LabPKI, ec_pki: LabPKI) -> None:
    recordings = [
        record(rsa_pki, **vars(DECK_OPTIONS)),
        record(ec_pki, tls="1.3", client_auth="required"),
        record(ec_pki, tls="1.3", client_auth="required", client_cert=False),
        record(ec_pki, tls="1.2", client_auth="required", client_cert=False),
        record(ec_pki, tls="1.3", curve="secp384r1"),
        record(ec_pki, tls="1.2", resume=True),
    ]
    sources = [mermaid(rec) for rec in recordings]
    for source in sources:
        check_mermaid(source)
    assert mermaid_parse(sources) == [""] * len(sources)
    # A check that the checker checks: Mermaid rejects what certkit must never write.
    assert mermaid_parse(["sequenceDiagram\n    Client->>Server: a; b #c\n    Client-->>"]) != [""]


def test_mermaid_notation(rsa_pki: LabPKI, ec_pki: LabPKI) -> None:
    tls12 = mermaid(record(rsa_pki, **vars(DECK_OPTIONS))).splitlines()
    assert "    Client->>Server: [ChangeCipherSpec]" in tls12
    assert "    Client->>Server: {Finished}" in tls12
    assert (
        tls12.index("    Note over Client: the client encrypts from here")
        == tls12.index("    Client->>Server: {Finished}") - 1
    )
    tls13 = mermaid(record(ec_pki, tls="1.3", client_auth="required")).splitlines()
    assert "    Server->>Client: {EncryptedExtensions}" in tls13
    assert "    Server->>Client: [NewSessionTicket]" in tls13
    assert "    Client->>Server: {Certificate}" in tls13
    failed = mermaid(record(ec_pki, tls="1.3", client_auth="required", client_cert=False))
    assert "    Server-xClient: alert: certificate_required" in failed.splitlines()
    hrr = mermaid(record(ec_pki, tls="1.3", curve="secp384r1")).splitlines()
    # The second hellos come after dummy ChangeCipherSpecs, but travel in clear.
    assert hrr[3:9] == [
        "    Client->>Server: ClientHello",
        "    Server->>Client: HelloRetryRequest",
        "    Client->>Server: ChangeCipherSpec (compatibility, ignored)",
        "    Client->>Server: ClientHello",
        "    Server->>Client: ChangeCipherSpec (compatibility, ignored)",
        "    Server->>Client: ServerHello",
    ]
