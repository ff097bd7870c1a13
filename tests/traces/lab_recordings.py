"""Lab recordings the trace tests share: real in-memory handshakes, EC and RSA.

The fixtures are registered by tests/traces/conftest.py."""

from __future__ import annotations

import ssl

import pytest

from certkit.certificates.pki import LabPKI
from certkit.tls.handshake import Options, contexts, lab_pki, run
from certkit.tls.recording import Recording

DECK_OPTIONS = Options(
    server_max="1.2", cipher="ECDHE-RSA-AES256-GCM-SHA384", client_auth="required"
)


@pytest.fixture(scope="module")
def rsa_pki() -> LabPKI:
    return lab_pki(seed="render-tests", key_type="rsa-2048")


@pytest.fixture(scope="module")
def ec_pki() -> LabPKI:
    return lab_pki(seed="render-tests")


def record(pki: LabPKI, *, curl_like: bool = False, **options: object) -> Recording:
    opts = Options(**options)  # type: ignore[arg-type]
    client, server = contexts(pki, opts)
    if curl_like:
        # curl sets SSL_OP_NO_TICKET: its TLS 1.2 ClientHello has no session_ticket extension,
        # so no server may answer with a NewSessionTicket.
        client.options |= ssl.OP_NO_TICKET
    return run(client, server, opts)
