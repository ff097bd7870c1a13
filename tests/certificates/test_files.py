"""Private keys on disk: mode 0600 from the moment the file exists, replaced whole."""

from __future__ import annotations

import os
import ssl
import stat
from pathlib import Path

import pytest

from certkit.certificates.files import load_cert_chain, write_private_key
from certkit.certificates.pki import Lab


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_new_key_file_is_0600_even_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        written = write_private_key(tmp_path / "key.pem", "secret\n")
    finally:
        os.umask(old)
    assert written == tmp_path / "key.pem"
    assert written.read_text() == "secret\n" and mode(written) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]  # no temporary left behind


def test_an_existing_file_is_replaced_and_a_link_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "client.p12"
    link.symlink_to(victim)
    write_private_key(link, b"\x30\x82")
    assert victim.read_text() == "keep me"
    assert not link.is_symlink() and link.read_bytes() == b"\x30\x82" and mode(link) == 0o600
    write_private_key(link, b"new")
    assert link.read_bytes() == b"new"


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        write_private_key(tmp_path / "key.pem", "not ascii: é")
    with pytest.raises(FileNotFoundError):
        write_private_key(tmp_path / "missing" / "key.pem", b"x")
    assert list(tmp_path.iterdir()) == []


def test_load_cert_chain_loads_a_chain_from_memory() -> None:
    pki = Lab(seed="files").pki()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    load_cert_chain(context, pki.server.fullchain_pem(), pki.server.key_pem())
    with pytest.raises(ssl.SSLError):
        load_cert_chain(context, pki.server.fullchain_pem(), pki.client.key_pem())
