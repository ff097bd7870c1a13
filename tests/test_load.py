"""certkit.load: every kind of bad input gets one line saying what is wrong and what to do.

The table BAD_INPUTS is shared with tests/test_inspect_cli.py, which runs each case through the
real ``certkit inspect`` command.
"""

from __future__ import annotations

import base64
import datetime as dt
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import ExtensionOID

from certkit import InputError, Lab
from certkit.anatomy import describe_file
from certkit.load import (
    MAX_FILE_BYTES,
    load_bundle,
    load_certificates,
    load_private_key,
    read_bundle,
    read_certificate_file,
    read_file,
    read_key_pair,
)

LAB = Lab(seed="load")
PKI = LAB.pki()
ROOT, INTERMEDIATE, SERVER, CLIENT = PKI.root, PKI.intermediate, PKI.server, PKI.client
AT = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def key_pem(issued: object, password: str | None = None) -> bytes:
    return issued.key_pem(password).encode()  # type: ignore[attr-defined]


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


# -- certificates whose fields fail only when read -------------------------------------------


def bad_extension_certificate() -> x509.Certificate:
    """basicConstraints whose value is not DER: the certificate loads, .extensions fails."""
    return LAB.server(
        INTERMEDIATE,
        ["bad-extension.example.com"],
        extra_extensions=[
            (x509.UnrecognizedExtension(ExtensionOID.BASIC_CONSTRAINTS, b"\x01\x02junk"), True)
        ],
        omit=[x509.BasicConstraints],
    ).certificate


def bad_subject_certificate() -> x509.Certificate:
    """A subject CN that is not valid UTF-8: the certificate loads, .subject fails."""
    good = LAB.server(INTERMEDIATE, ["zzzzhost.example.com"], omit=[x509.SubjectAlternativeName])
    return x509.load_der_x509_certificate(good.der.replace(b"zzzzhost", b"\xff\xfe\xff\xfezzzz"))


def unknown_key_certificate() -> x509.Certificate:
    """A public key algorithm nobody knows (id-ecPublicKey with its last arc changed)."""
    good = LAB.server(INTERMEDIATE, ["odd-key.example.com"])
    ec_public_key = bytes.fromhex("06072a8648ce3d0201")
    assert good.der.count(ec_public_key) == 1
    return x509.load_der_x509_certificate(
        good.der.replace(ec_public_key, bytes.fromhex("06072a8648ce3d0209"))
    )


def duplicate_extension_certificate() -> x509.Certificate:
    """Two extensions with one OID: each reads on its own, the set does not (RFC 5280 4.2)."""
    made = LAB.server(
        INTERMEDIATE,
        ["dup.example.com"],
        extra_extensions=[
            (x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4.5"), b"\x05\x00"), False),
            (x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4.6"), b"\x05\x00"), False),
        ],
    )
    assert made.der.count(bytes.fromhex("06042a030406")) == 1
    return x509.load_der_x509_certificate(
        made.der.replace(bytes.fromhex("06042a030406"), bytes.fromhex("06042a030405"))
    )


# -- the table of bad inputs -----------------------------------------------------------------


@dataclass
class Case:
    """A bad input: the files to write, the first is the argument; the message expected."""

    files: dict[str, bytes]
    message: str
    password: str | None = None
    key: str | None = None
    # What is still described on standard output (a fragment), when something is.
    described: str | None = None
    extra_args: list[str] = field(default_factory=list)


def _bad_inputs() -> dict[str, Case]:
    server_pem = pem(SERVER.certificate)
    server_der = der(SERVER.certificate)
    lines = server_pem.splitlines(keepends=True)
    corrupt = b"".join(lines[:3]) + b"!!" + b"".join(lines[3:])
    crl = LAB.crl(INTERMEDIATE, [CLIENT])
    public = SERVER.certificate.public_key()
    csr = LAB.request("csr.example.com")
    p12 = SERVER.pkcs12("changeit", alias="server")
    random_bytes = b"\x00" + LAB.bytes("random", 511)
    openssl_text = (
        b"Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number:\n"
        b"            2b:28:5f\n    Signature Algorithm: ecdsa-with-SHA256\n"
    )
    return {
        "empty file": Case({"empty.pem": b""}, "the file is empty"),
        "only blank lines": Case({"blank.pem": b"\n \r\n\t\n"}, "the file is empty"),
        "private key (PEM)": Case(
            {"key.pem": key_pem(SERVER)}, "block 1 is a private key, not a certificate"
        ),
        "encrypted private key (PEM)": Case(
            {"key.pem": key_pem(SERVER, "secret")},
            "block 1 is an encrypted private key, not a certificate",
        ),
        "private key (DER)": Case(
            {
                "key.der": SERVER.private_key.private_bytes(  # type: ignore[union-attr]
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            },
            "this DER file is a private key, not a certificate",
        ),
        "CRL (PEM)": Case(
            {"ca.crl": crl.public_bytes(serialization.Encoding.PEM)},
            "block 1 is a certificate revocation list (CRL), not a certificate",
        ),
        "CRL (DER)": Case(
            {"ca.crl": crl.public_bytes(serialization.Encoding.DER)},
            "this DER file is a certificate revocation list (CRL), not a certificate",
        ),
        "public key (PEM)": Case(
            {
                "pub.pem": public.public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            },
            "block 1 is a public key, not a certificate",
        ),
        "public key (DER)": Case(
            {
                "pub.der": public.public_bytes(
                    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            },
            "this DER file is a public key, not a certificate",
        ),
        "bundle with one corrupt block": Case(
            {"bundle.pem": pem(ROOT.certificate) + corrupt + pem(INTERMEDIATE.certificate)},
            "certificate block 2 does not decode: bad base64 (a '!' on line 3 of the block)",
            described="CN=certkit Lab Intermediate CA",
        ),
        "bundle with a block cut short": Case(
            {"bundle.pem": pem(ROOT.certificate) + b"".join(lines[:5])},
            "block 2 (CERTIFICATE) has no -----END CERTIFICATE----- line",
            described="CN=certkit Lab Root CA",
        ),
        "PEM block with a line missing": Case(
            {"missing.pem": b"".join(lines[:4] + lines[5:])},
            "a line of the block is missing",
        ),
        "PEM block with bad padding": Case(
            {
                "padding.pem": server_pem.replace(b"=\n-----END", b"\n-----END").replace(
                    b"-----END", b"A-----END"
                )
            },
            "does not decode",
        ),
        "bad base64": Case(
            {"bad.pem": b"-----BEGIN CERTIFICATE-----\n!!!notbase64\n-----END CERTIFICATE-----\n"},
            "certificate block 1 does not decode: bad base64",
        ),
        "truncated DER": Case(
            {"server.der": server_der[:-20]}, "looks like DER but does not decode: it is truncated"
        ),
        "trailing garbage after DER": Case(
            {"server.der": server_der + b"garbage!"},
            "8 bytes follow its end at byte 463 (trailing garbage)",
        ),
        "zero padding after DER (RECFM=FB)": Case(
            {"server.der": server_der + b"\x00" * (80 - len(server_der) % 80)},
            "(zeros: the padding a binary transfer from a fixed-length RECFM=FB data set adds)",
        ),
        "DER that is no certificate inside": Case(
            {"server.der": server_der.replace(b"\x02\x10", b"\x04\x10", 1)},
            "looks like DER but does not decode as a certificate",
        ),
        "random bytes": Case({"random.bin": random_bytes}, "no PEM block and not DER"),
        "text without PEM": Case(
            {"notes.txt": b"Please find the certificate attached.\n"},
            "text without a -----BEGIN CERTIFICATE----- line",
        ),
        "openssl -text output alone": Case(
            {"text.txt": openssl_text}, "openssl x509 -text output without the certificate"
        ),
        "CERTIFICATE block holding a CSR": Case(
            {"mislabelled.pem": csr.pem.replace("CERTIFICATE REQUEST", "CERTIFICATE").encode()},
            "block 1 is labelled CERTIFICATE but holds a certificate signing request",
        ),
        "a malformed extension (read lazily)": Case(
            {"bad-ext.pem": pem(bad_extension_certificate())},
            "certificate 1: cannot read extension 6 (basicConstraints)",
            described="subjectAltName (2.5.29.17), not critical: DNS:bad-extension.example.com",
        ),
        "a subject that is not UTF-8 (read lazily)": Case(
            {"bad-subject.pem": pem(bad_subject_certificate())},
            "certificate 1: cannot read subject",
            described="CN=<unreadable:",
        ),
        "an unknown public key algorithm (read lazily)": Case(
            {"odd-key.pem": pem(unknown_key_certificate())},
            "certificate 1: cannot read public key",
            described="Public key           (cannot be read)",
        ),
        "a duplicate extension (read lazily)": Case(
            {"dup.pem": pem(duplicate_extension_certificate())},
            "certificate 1: cannot read extensions (Duplicate",
            described="subjectAltName (2.5.29.17), not critical: DNS:dup.example.com",
        ),
        "PKCS#12 without a password": Case(
            {"server.p12": p12}, "a PKCS #12 file needs its password; give it with --password"
        ),
        "PKCS#12 with a wrong password": Case(
            {"server.p12": p12}, "the PKCS #12 password is wrong", password="wrong"
        ),
        "PKCS#12 truncated": Case(
            {"server.p12": p12[:-40]}, "looks like DER but does not decode: it is truncated"
        ),
        "combined PEM with a key of another certificate": Case(
            {"combined.pem": server_pem + key_pem(CLIENT)},
            "the private key in block 2 does not belong to the certificate CN=localhost",
            described="belongs to NO certificate here",
        ),
        "--key that does not match": Case(
            {"server.pem": server_pem, "client-key.pem": key_pem(CLIENT)},
            "client-key.pem: the private key does not belong to the certificate CN=localhost",
            key="client-key.pem",
            described="CN=localhost",
        ),
        "--key that is encrypted, no password": Case(
            {"server.pem": server_pem, "enc-key.pem": key_pem(SERVER, "secret")},
            "block 1 is an encrypted private key and no password was given",
            key="enc-key.pem",
            described="CN=localhost",
        ),
        "--key with a wrong password": Case(
            {"server.pem": server_pem, "enc-key.pem": key_pem(SERVER, "secret")},
            "the private key's password is wrong",
            key="enc-key.pem",
            password="wrong",
            described="CN=localhost",
        ),
        "--key that is a certificate": Case(
            {"server.pem": server_pem, "root.pem": pem(ROOT.certificate)},
            "root.pem: block 1 is a certificate, not a private key; give the key file",
            key="root.pem",
            described="CN=localhost",
        ),
        "a directory": Case({"dir/x.pem": server_pem}, "is a directory", extra_args=["DIR"]),
        "a missing file": Case({}, "no such file", extra_args=["MISSING"]),
    }


BAD_INPUTS = _bad_inputs()


def write_case(case: Case, tmp_path: Path) -> tuple[Path, Path | None]:
    for name, data in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if case.extra_args == ["DIR"]:
        target = tmp_path / "dir"
    elif case.extra_args == ["MISSING"]:
        target = tmp_path / "missing.pem"
    else:
        target = tmp_path / next(iter(case.files))
    return target, (tmp_path / case.key if case.key else None)


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
    assert message.startswith(str(target if key is None else key)), message


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
        "the private key in the file does not belong to the certificate CN=localhost "
        "(their public keys differ); put the key made with this certificate's request next to it"
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


def test_bundle_error_lists_every_problem_on_one_line() -> None:
    bad = b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n"
    with pytest.raises(InputError) as info:
        load_bundle(bad + bad, "two.pem")
    message = str(info.value)
    assert message.startswith("two.pem: 2 problems: certificate block 1 ")
    assert "; certificate block 2 " in message and "\n" not in message


# -- the size cap -----------------------------------------------------------------------------


def test_a_64_mib_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.pem"
    with huge.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: no disk used
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="67108864 bytes is more than the 16 MiB"):
            read_file(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024, f"read {peak} bytes of a file it should not have read"
    with pytest.raises(InputError, match="MiB"):
        describe_file(huge)


def test_the_read_itself_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose size stat does not show (a device, a growing file) is cut at the cap."""
    path = tmp_path / "grows.pem"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(InputError, match="2048 bytes is more than the 1023 bytes"):
        read_file(path, max_bytes=1023)
    if Path("/dev/zero").exists():
        with pytest.raises(InputError, match="more than the 16 MiB"):
            read_file("/dev/zero")
    assert MAX_FILE_BYTES == 16 * 1024 * 1024


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "nope")
    with pytest.raises(InputError, match="is a directory"):
        read_file(tmp_path)


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
