"""A chain and key that exist only in memory, handed to Python's ``ssl`` without a disk file."""

from __future__ import annotations

import os
import ssl
import tempfile
from pathlib import Path

import pytest

from certkit.certificates.files import load_cert_chain
from certkit.certificates.pki import Lab


def test_load_cert_chain_loads_a_chain_from_memory() -> None:
    pki = Lab(seed="files").pki()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    load_cert_chain(context, pki.server.fullchain_pem(), pki.server.key_pem())
    with pytest.raises(ssl.SSLError):
        load_cert_chain(context, pki.server.fullchain_pem(), pki.client.key_pem())


def test_no_key_touches_the_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux the key goes through an anonymous memory file: nothing is made in TMPDIR."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    opened_before = set(os.listdir("/proc/self/fd"))
    pki = Lab(seed="files").pki()
    load_cert_chain(
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), pki.server.fullchain_pem(), pki.server.key_pem()
    )
    assert list(tmp_path.iterdir()) == []
    assert set(os.listdir("/proc/self/fd")) <= opened_before | {"3"}  # no descriptor kept
