"""certkit.certificates.load: every kind of bad input gets one line saying what is wrong and what to do.

The table BAD_INPUTS is shared with tests/cli/test_inspect_cli.py, which runs each case through the
real ``certkit inspect`` command.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from bad_inputs import (
    AT,
    BAD_INPUTS,
    CLIENT,
    INTERMEDIATE,
    LAB,
    SERVER,
    der,
    key_pem,
    pem,
    write_case,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from certkit import InputError
from certkit.certificates.anatomy import describe_file
from certkit.certificates.load import (
    load_bundle,
    load_certificates,
    load_private_key,
    read_bundle,
    read_certificate_file,
    read_key_pair,
)
from certkit.files import name_of


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_gives_one_line_saying_what_is_wrong(name: str, tmp_path: Path) -> None:
    case = BAD_INPUTS[name]
    target, key = write_case(case, tmp_path)
    if key is not None:
        with pytest.raises(InputError) as info:
            read_key_pair(target, key, password=case.password)
        message = str(info.value)
    else:
        try:
            description = describe_file(target, case.password, at=AT)
        except InputError as exc:
            message = str(exc)
            assert case.described is None, "expected a partial description"
        else:
            summary = description.summary_of_problems()
            assert summary is not None, "no problem reported"
            message = summary
            assert case.described is not None
            assert case.described in description.to_text()
    assert "\n" not in message
    assert case.message in message, message
    named = name_of(target if key is None else key)
    assert message.startswith(named + ": "), message


# -- good inputs in unusual forms ------------------------------------------------------------


def _good_inputs() -> dict[str, tuple[str, bytes, str | None]]:
    """name: (file name, bytes, a note the loader must make, or None)."""
    server_pem = pem(SERVER.certificate)
    server_der = der(SERVER.certificate)
    return {
        "PEM": ("server.pem", server_pem, None),
        "DER": ("server.der", server_der, None),
        "DER in a file named .pem": ("server.pem", server_der, "binary DER, although the name"),
        "PEM in a file named .der": ("server.der", server_pem, "PEM text, although the name"),
        "UTF-8 byte order mark": ("bom.pem", b"\xef\xbb\xbf" + server_pem, "byte order mark"),
        "CRLF line ends": ("crlf.pem", server_pem.replace(b"\n", b"\r\n"), None),
        "openssl -text before the PEM": (
            "text.pem",
            b"Certificate:\n    Data:\n        Version: 3 (0x2)\n" + server_pem,
            "text before the first PEM block",
        ),
        "UTF-16 (Windows Notepad 'Unicode')": (
            "utf16.pem",
            server_pem.decode().encode("utf-16"),
            "UTF-16",
        ),
        "EBCDIC (binary transfer from z/OS)": (
            "ebcdic.pem",
            server_pem.decode().replace("\n", "\x85").encode("cp037"),
            "EBCDIC",
        ),
        "base64 without PEM lines": (
            "bare.b64",
            base64.encodebytes(server_der),
            "base64 without -----BEGIN/END lines",
        ),
        "PKCS#7 (.p7b)": (
            "chain.p7b",
            pkcs7.serialize_certificates([SERVER.certificate], serialization.Encoding.DER),
            None,
        ),
        "PKCS#7 PEM": (
            "chain.p7b",
            pkcs7.serialize_certificates([SERVER.certificate], serialization.Encoding.PEM),
            None,
        ),
        "trusted certificate (OpenSSL)": (
            "trusted.pem",
            server_pem.replace(b"CERTIFICATE", b"TRUSTED CERTIFICATE"),
            None,
        ),
        "X509 CERTIFICATE label": (
            "x509.pem",
            server_pem.replace(b"CERTIFICATE", b"X509 CERTIFICATE"),
            None,
        ),
    }


GOOD_INPUTS = _good_inputs()


@pytest.mark.parametrize("name", GOOD_INPUTS)
def test_good_input_in_unusual_forms_is_accepted(name: str, tmp_path: Path) -> None:
    filename, data, note = GOOD_INPUTS[name]
    path = tmp_path / filename
    path.write_bytes(data)
    bundle = read_bundle(path)
    assert bundle.certificates == [SERVER.certificate]
    assert not bundle.problems
    if note is None:
        assert not [n for n in bundle.notes if "although" in n]
    else:
        assert any(note in n for n in bundle.notes), bundle.notes
    assert read_certificate_file(path) == [SERVER.certificate]


def test_pkcs12_with_its_password_gives_key_chain_and_alias(tmp_path: Path) -> None:
    path = tmp_path / "server.p12"
    path.write_bytes(SERVER.pkcs12("changeit", alias="server"))
    bundle = read_bundle(path, password="changeit")
    assert bundle.encoding == "PKCS#12"
    assert bundle.certificates == SERVER.chain()
    assert bundle.items[0].alias == "server"
    assert len(bundle.private_keys) == 1 and not bundle.problems
    pair = read_key_pair(path, password="changeit")
    assert pair.certificate == SERVER.certificate
    assert pair.chain == SERVER.chain()[1:]


def test_pkcs12_without_password_protection_loads_without_one(tmp_path: Path) -> None:
    data = pkcs12.serialize_key_and_certificates(
        b"open", SERVER.private_key, SERVER.certificate, None, serialization.NoEncryption()
    )
    bundle = load_bundle(data, "open.p12")
    assert bundle.certificates == [SERVER.certificate]


def test_a_pkcs12_whose_key_is_not_the_certificates_is_a_problem() -> None:
    # cryptography refuses to pair a key with a certificate it does not belong to, but a
    # PKCS #12 file may hold a key and unrelated certificates.
    data = pkcs12.serialize_key_and_certificates(
        b"mixed",
        CLIENT.private_key,
        None,
        [SERVER.certificate],
        serialization.BestAvailableEncryption(b"pw"),
    )
    bundle = load_bundle(data, "mixed.p12", password="pw")
    assert [p.message for p in bundle.problems] == [
        "the private key in the file does not belong to the certificate CN=localhost; "
        "put the matching key with it"
    ]


def test_combined_pem_with_the_right_key(tmp_path: Path) -> None:
    path = tmp_path / "combined.pem"
    path.write_bytes(pem(SERVER.certificate) + key_pem(SERVER) + pem(INTERMEDIATE.certificate))
    bundle = read_bundle(path)
    assert not bundle.problems and len(bundle.private_keys) == 1
    pair = read_key_pair(path)
    assert pair.certificate == SERVER.certificate
    assert pair.chain == [INTERMEDIATE.certificate]


def test_key_pair_from_two_files_with_and_without_password(tmp_path: Path) -> None:
    (tmp_path / "server.pem").write_bytes(pem(SERVER.certificate))
    (tmp_path / "key.pem").write_bytes(key_pem(SERVER))
    (tmp_path / "enc.pem").write_bytes(key_pem(SERVER, "secret"))
    (tmp_path / "key.der").write_bytes(
        SERVER.private_key.private_bytes(  # type: ignore[union-attr]
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    assert read_key_pair(tmp_path / "server.pem", tmp_path / "key.pem").certificate == (
        SERVER.certificate
    )
    # A password given for a key that has none is not an error.
    read_key_pair(tmp_path / "server.pem", tmp_path / "key.pem", password="unneeded")
    read_key_pair(tmp_path / "server.pem", tmp_path / "enc.pem", password="secret")
    read_key_pair(tmp_path / "server.pem", tmp_path / "key.der", password="secret")
    with pytest.raises(InputError, match="encrypted; give its password"):
        read_key_pair(tmp_path / "server.pem", tmp_path / "key.der")
    with pytest.raises(InputError, match="password is wrong"):
        read_key_pair(tmp_path / "server.pem", tmp_path / "key.der", password="nope")
    with pytest.raises(InputError, match="holds no private key; give the key file as well"):
        read_key_pair(tmp_path / "server.pem")


def test_load_private_key_says_what_else_a_file_is() -> None:
    with pytest.raises(InputError, match="this is a certificate, not a private key"):
        load_private_key(der(SERVER.certificate), "x.der")
    crl = LAB.crl(INTERMEDIATE).public_bytes(serialization.Encoding.PEM)
    with pytest.raises(InputError, match="block 1 is a certificate revocation list"):
        load_private_key(crl, "x.pem")
    with pytest.raises(InputError, match="the file is empty"):
        load_private_key(b"", "x.pem")


# -- the strict loader (certkit fingerprint) --------------------------------------------------


def test_strict_loader_refuses_csrs_and_keys_next_to_certificates() -> None:
    request = LAB.request("strict.example.com")
    with pytest.raises(InputError, match="block 2 is a certificate signing request"):
        load_certificates(pem(SERVER.certificate) + request.pem.encode(), "mixed.pem")
    with pytest.raises(InputError, match="block 2 is a private key, not a certificate"):
        load_certificates(pem(SERVER.certificate) + key_pem(SERVER), "combined.pem")
    with pytest.raises(InputError, match="this DER file is a certificate signing request"):
        load_certificates(request.csr.public_bytes(serialization.Encoding.DER), "req.der")


def test_bundle_keeps_requests_and_block_numbers() -> None:
    request = LAB.request("bundle.example.com")
    data = request.pem.encode() + pem(SERVER.certificate)
    bundle = load_bundle(data, "both.pem")
    assert [(i.block, i.kind) for i in bundle.items] == [(1, "csr"), (2, "certificate")]
    assert bundle.requests == [request.csr]


def test_bundle_error_names_the_first_problem_and_counts_them_on_one_line() -> None:
    bad = b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n"
    with pytest.raises(InputError) as info:
        load_bundle(bad + bad, "two.pem")
    message = str(info.value)
    assert message.startswith("two.pem: 2 problems; the first: certificate block 1 ")
    assert "\n" not in message


def test_messages_say_what_to_do() -> None:
    """Each message names what is wrong and ends with an action (after a semicolon)."""
    for name, case in BAD_INPUTS.items():
        if case.key or case.extra_args:
            continue
        data = next(iter(case.files.values()))
        try:
            bundle = load_bundle(data, "f", password=case.password)
        except InputError as exc:
            message = str(exc)
        else:
            if not bundle.problems:
                continue  # a certificate whose fields fail only when read: see test_anatomy
            message = str(bundle.error())
        assert ";" in message, (name, message)
