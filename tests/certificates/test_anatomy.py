"""certkit.certificates.anatomy: every field as cryptography, openssl and keytool see it."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bad_inputs import (
    bad_extension_certificate,
    bad_subject_certificate,
    duplicate_extension_certificate,
    unknown_key_certificate,
)
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtensionOID

from certkit import Lab
from certkit.certificates.anatomy import (
    CertificateDescription,
    describe,
    describe_file,
    extension_meaning,
    fingerprint,
    serial_forms,
)
from certkit.certificates.derwalk import oid_name
from certkit.datafiles import data_file

LAB = Lab(seed="anatomy")
PKI = LAB.pki()
ROOT, INTERMEDIATE, SERVER, CLIENT = PKI.root, PKI.intermediate, PKI.server, PKI.client
START = LAB.now
OPENSSL = shutil.which("openssl")
KEYTOOL = shutil.which("keytool")
DATA = Path(str(data_file("extensions.json")))


def only(cert: x509.Certificate, at: dt.datetime = START) -> CertificateDescription:
    (entry,) = describe(cert, at=at).certificates
    return entry


def test_fields_match_cryptography() -> None:
    cert = SERVER.certificate
    d = only(cert)
    assert d.version == 3
    assert d.serial == cert.serial_number
    assert d.signature_algorithm == "ecdsa-with-SHA256"
    assert d.signature_algorithm_oid == cert.signature_algorithm_oid.dotted_string
    assert d.issuer == "CN=certkit Lab Intermediate CA" == cert.issuer.rfc4514_string()
    assert d.subject == "CN=localhost"
    assert d.validity.not_before == cert.not_valid_before_utc
    assert d.validity.not_after == cert.not_valid_after_utc
    assert d.public_key is not None and str(d.public_key) == "EC secp256r1 (P-256), 256 bits"
    assert [(e.oid, e.critical) for e in d.extensions] == [
        (e.oid.dotted_string, e.critical) for e in cert.extensions
    ]
    values = {e.name: e.value for e in d.extensions}
    assert values["basicConstraints"] == "CA:FALSE"
    assert values["keyUsage"] == "digitalSignature"
    assert values["extKeyUsage"] == "serverAuth (1.3.6.1.5.5.7.3.1)"
    assert values["subjectAltName"] == "DNS:localhost, IP:127.0.0.1"
    ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert values["subjectKeyIdentifier"] == ski.hex(":").upper()
    assert values["authorityKeyIdentifier"].startswith("keyid:")
    assert not d.problems and not d.self_signed


def test_ca_certificates() -> None:
    root = only(ROOT.certificate)
    assert root.self_signed and root.issued_by is None
    values = {e.name: e.value for e in root.extensions}
    assert values["basicConstraints"] == "CA:TRUE"
    assert values["keyUsage"] == "digitalSignature, keyCertSign, cRLSign"
    intermediate = only(INTERMEDIATE.certificate)
    assert {e.name: e.value for e in intermediate.extensions}["basicConstraints"] == (
        "CA:TRUE, pathLenConstraint 0"
    )


def test_every_extension_has_its_meaning_and_rfc_section() -> None:
    for e in only(SERVER.certificate).extensions:
        entry = extension_meaning(e.oid)
        assert entry is not None
        assert e.meaning == entry["meaning"]
        assert e.reference == f"RFC 5280 section {entry['section']}"


def test_extension_data_file() -> None:
    data = json.loads(DATA.read_text())["extensions"]
    sections = {}
    for oid, entry in data.items():
        assert re.fullmatch(r"\d+(\.\d+)+", oid)
        assert set(entry) == {"name", "title", "rfc", "section", "meaning", "critical"}, oid
        assert re.fullmatch(r"\d+(\.\d+)*", entry["section"]), oid
        assert entry["meaning"].endswith("."), oid
        assert oid_name(oid) == entry["name"]
        sections[entry["name"]] = (entry["rfc"], entry["section"])
    # Every certificate extension RFC 5280 section 4.2 defines, at its section.
    assert sections["authorityKeyIdentifier"] == (5280, "4.2.1.1")
    assert sections["subjectKeyIdentifier"] == (5280, "4.2.1.2")
    assert sections["keyUsage"] == (5280, "4.2.1.3")
    assert sections["certificatePolicies"] == (5280, "4.2.1.4")
    assert sections["policyMappings"] == (5280, "4.2.1.5")
    assert sections["subjectAltName"] == (5280, "4.2.1.6")
    assert sections["issuerAltName"] == (5280, "4.2.1.7")
    assert sections["subjectDirectoryAttributes"] == (5280, "4.2.1.8")
    assert sections["basicConstraints"] == (5280, "4.2.1.9")
    assert sections["nameConstraints"] == (5280, "4.2.1.10")
    assert sections["policyConstraints"] == (5280, "4.2.1.11")
    assert sections["extKeyUsage"] == (5280, "4.2.1.12")
    assert sections["cRLDistributionPoints"] == (5280, "4.2.1.13")
    assert sections["inhibitAnyPolicy"] == (5280, "4.2.1.14")
    assert sections["freshestCRL"] == (5280, "4.2.1.15")
    assert sections["authorityInfoAccess"] == (5280, "4.2.2.1")
    assert sections["subjectInfoAccess"] == (5280, "4.2.2.2")
    # The OIDs agree with cryptography's names for them.
    for name, oid in (
        ("basicConstraints", ExtensionOID.BASIC_CONSTRAINTS),
        ("keyUsage", ExtensionOID.KEY_USAGE),
        ("extKeyUsage", ExtensionOID.EXTENDED_KEY_USAGE),
        ("subjectAltName", ExtensionOID.SUBJECT_ALTERNATIVE_NAME),
        ("authorityKeyIdentifier", ExtensionOID.AUTHORITY_KEY_IDENTIFIER),
        ("subjectKeyIdentifier", ExtensionOID.SUBJECT_KEY_IDENTIFIER),
        ("nameConstraints", ExtensionOID.NAME_CONSTRAINTS),
        ("cRLDistributionPoints", ExtensionOID.CRL_DISTRIBUTION_POINTS),
        ("authorityInfoAccess", ExtensionOID.AUTHORITY_INFORMATION_ACCESS),
        ("certificatePolicies", ExtensionOID.CERTIFICATE_POLICIES),
        ("inhibitAnyPolicy", ExtensionOID.INHIBIT_ANY_POLICY),
        ("policyConstraints", ExtensionOID.POLICY_CONSTRAINTS),
        ("freshestCRL", ExtensionOID.FRESHEST_CRL),
        ("signedCertificateTimestampList", ExtensionOID.PRECERT_SIGNED_CERTIFICATE_TIMESTAMPS),
        ("tlsfeature", ExtensionOID.TLS_FEATURE),
    ):
        assert data[oid.dotted_string]["name"] == name


def test_an_unknown_extension_is_shown_as_bytes() -> None:
    cert = LAB.server(
        INTERMEDIATE,
        ["odd.example.com"],
        extra_extensions=[
            (x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4"), b"\x05\x00"), False)
        ],
    ).certificate
    (odd,) = [e for e in only(cert).extensions if e.oid == "1.2.3.4"]
    assert odd.name == "1.2.3.4" and odd.value == "2 bytes: 05:00"
    assert "no description" in odd.meaning and odd.reference == ""


@pytest.mark.parametrize(
    ("key_type", "text"),
    [
        ("ec-p256", "EC secp256r1 (P-256), 256 bits"),
        ("ec-p384", "EC secp384r1 (P-384), 384 bits"),
        ("rsa-2048", "RSA, 2048 bits"),
        ("ed25519", "Ed25519, 256 bits"),
    ],
)
def test_public_keys(key_type: str, text: str) -> None:
    cert = LAB.root_ca(f"Key {key_type}", key_type=key_type).certificate
    d = only(cert)
    assert d.public_key is not None and str(d.public_key) == text


# -- validity at a given moment ---------------------------------------------------------------


def test_validity_relative_to_at() -> None:
    cert = SERVER.certificate  # valid for 90 days from the lab clock
    before = only(cert, START - dt.timedelta(days=2, hours=3))
    assert before.validity.status == "not yet valid"
    assert str(before.validity) == "NOT YET VALID: starts in 2 days 3 hours"
    during = only(cert, START + dt.timedelta(days=30, hours=1))
    assert during.validity.status == "valid"
    assert str(during.validity) == "valid, 59 days 23 hours left"
    assert during.validity.time_left == dt.timedelta(days=59, hours=23)
    after = only(cert, START + dt.timedelta(days=91))
    assert after.validity.status == "expired" and str(after.validity) == "EXPIRED 1 day ago"
    assert after.validity.time_left == -dt.timedelta(days=1)
    last = only(cert, START + dt.timedelta(days=90) - dt.timedelta(minutes=5))
    assert str(last.validity) == "valid, 5 minutes left"


def test_naive_at_is_utc_and_default_is_now() -> None:
    naive = describe(SERVER.certificate, at=dt.datetime(2026, 1, 2))
    assert naive.at == dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    now = describe(SERVER.certificate)
    assert abs(now.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


# -- serials and fingerprints as the tools print them ----------------------------------------


def test_serial_forms() -> None:
    assert serial_forms(0x0ABC) == ("0ABC", "0a:bc", "abc")
    assert serial_forms(1) == ("01", "01", "1")
    assert serial_forms(-0x10) == ("-10", "-10", "-10")


def test_fingerprint_forms() -> None:
    fp = fingerprint(SERVER.der, "sha256")
    assert fp.keytool == "SHA256: " + SERVER.fingerprint("sha256")
    assert fp.openssl == "sha256 Fingerprint=" + SERVER.fingerprint("sha256")
    assert fp.racf == [
        ":".join(SERVER.fingerprint("sha256").split(":")[:16]),
        ":".join(SERVER.fingerprint("sha256").split(":")[16:]),
    ]
    sha1 = fingerprint(SERVER.der, "sha1")
    assert sha1.algorithm == "SHA-1" and len(sha1.racf) == 2 and len(sha1.hex) == 40


@pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed (make test installs it)")
def test_serial_and_fingerprints_as_openssl_prints_them(tmp_path: Path) -> None:
    # A serial with a leading zero nibble shows how each tool pads.
    label = next(f"pad-{i}" for i in range(200) if len(f"{LAB.serial(f'pad-{i}'):x}") % 2)
    cert = LAB.root_ca("Padding Root", label=label).certificate
    assert serial_forms(cert.serial_number)[0].startswith("0")
    for certificate in (SERVER.certificate, cert):
        path = tmp_path / "c.pem"
        path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        d = only(certificate)
        out = subprocess.run(
            [
                str(OPENSSL),
                "x509",
                "-in",
                str(path),
                "-noout",
                "-serial",
                "-fingerprint",
                "-sha256",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        assert out[0] == f"serial={d.serial_hex}"
        assert out[1] == d.fingerprints[1].openssl
        sha1 = subprocess.run(
            [str(OPENSSL), "x509", "-in", str(path), "-noout", "-fingerprint", "-sha1"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert sha1 == d.fingerprints[0].openssl
        text = subprocess.run(
            [str(OPENSSL), "x509", "-in", str(path), "-noout", "-text"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert d.serial_colon in text


@pytest.mark.skipif(KEYTOOL is None, reason="keytool is not installed (make test installs a JDK)")
def test_serial_and_fingerprints_as_keytool_prints_them(tmp_path: Path) -> None:
    path = tmp_path / "c.pem"
    path.write_bytes(SERVER.pem.encode())
    out = subprocess.run(
        [str(KEYTOOL), "-printcert", "-file", str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "JAVA_TOOL_OPTIONS": "-Duser.language=en"},
    ).stdout
    d = only(SERVER.certificate)
    assert f"Serial number: {d.serial_keytool}" in out
    for fp in d.fingerprints:
        assert f"\t {fp.keytool}\n" in out


@pytest.mark.parametrize(
    ("zone", "flags", "shown"),
    [
        ("Etc/GMT-14", [], "Valid from: Thu Jan 01 14:00:00 GMT+14:00 2026"),
        ("Etc/GMT+12", [], "Valid from: Wed Dec 31 12:00:00 GMT-12:00 2025"),
        ("Etc/GMT-14", ["-J-Duser.timezone=UTC"], "Valid from: Thu Jan 01 00:00:00 UTC 2026"),
    ],
)
def test_keytool_prints_dates_in_the_local_zone(
    tmp_path: Path, zone: str, flags: list[str], shown: str
) -> None:
    """docs/anatomy.md runs keytool with -J-Duser.timezone=UTC, and says why."""
    assert KEYTOOL, "keytool (a JDK) is required: make system-deps installs it"
    path = tmp_path / "c.pem"
    path.write_bytes(SERVER.pem.encode())
    out = subprocess.run(
        [str(KEYTOOL), *flags, "-printcert", "-file", str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": zone},
    ).stdout
    assert SERVER.certificate.not_valid_before_utc.isoformat() == "2026-01-01T00:00:00+00:00"
    assert shown in out, out


# -- requests, chains, PKCS #12 ----------------------------------------------------------------


def test_csr() -> None:
    request = LAB.request("csr.example.com", hostnames=["csr.example.com"])
    d = describe(request.csr)
    (r,) = d.requests
    assert r.subject == "CN=csr.example.com" and r.signature_valid is True
    assert [(e.name, e.value) for e in r.extensions] == [("subjectAltName", "DNS:csr.example.com")]
    assert "Certificate signing request 1" in d.to_text()
    assert "valid (the requester holds the private key)" in d.to_text()


def test_chain_links_issuers() -> None:
    d = describe(SERVER.chain(), at=START)
    assert [c.subject for c in d.certificates] == [
        "CN=localhost",
        "CN=certkit Lab Intermediate CA",
        "CN=certkit Lab Root CA",
    ]
    assert [c.issued_by for c in d.certificates] == [2, 3, None]
    assert [c.self_signed for c in d.certificates] == [False, False, True]
    text = d.to_text()
    flat = " ".join(text.split())  # long values wrap at 78 columns
    assert "(signed by certificate 2)" in flat and "(self-signed:" in flat


def test_pkcs12_object_and_file(tmp_path: Path) -> None:
    data = SERVER.pkcs12("changeit", alias="server")
    d = describe(pkcs12.load_pkcs12(data, b"changeit"), at=START)
    assert d.encoding == "PKCS#12"
    assert d.certificates[0].alias == "server"
    assert [(k.certificate, str(k.public_key) if k.public_key else None) for k in d.keys] == [
        (1, "EC secp256r1 (P-256), 256 bits")
    ]
    (tmp_path / "server.p12").write_bytes(data)
    from_file = describe_file(tmp_path / "server.p12", "changeit", at=START)
    assert from_file.ok
    assert "Private key (block 1): EC secp256r1 (P-256), 256 bits; belongs to certificate 1" in (
        from_file.to_text()
    )
    assert "Certificate 1 (alias 'server')" in from_file.to_text()


# -- certificates whose fields fail only when read -------------------------------------------


def test_a_malformed_extension_costs_that_extension_only() -> None:
    cert = bad_extension_certificate()
    with pytest.raises(ValueError):
        _ = cert.extensions
    d = only(cert)
    assert [p.field for p in d.problems] == ["extension 6 (basicConstraints)"]
    assert d.subject == "CN=bad-extension.example.com"
    by_name = {e.name: e for e in d.extensions}
    assert by_name["basicConstraints"].value == "(cannot be read)"
    assert by_name["basicConstraints"].critical is True and by_name["basicConstraints"].problem
    assert by_name["subjectAltName"].value == "DNS:bad-extension.example.com"
    assert by_name["keyUsage"].value == "digitalSignature"
    assert len(d.extensions) == 6


def test_a_name_cryptography_cannot_read_is_shown_from_the_der_walk() -> None:
    cert = bad_subject_certificate()
    with pytest.raises(ValueError):
        _ = cert.subject
    d = only(cert)
    assert [p.field for p in d.problems] == ["subject"]
    assert d.subject.startswith("CN=<unreadable: ff:fe:ff:fe")
    assert d.issuer == "CN=certkit Lab Intermediate CA"
    assert d.extensions and d.fingerprints


def test_an_unknown_key_algorithm() -> None:
    d = only(unknown_key_certificate())
    assert d.public_key is None and [p.field for p in d.problems] == ["public key"]
    assert "Public key           (cannot be read)" in describe(unknown_key_certificate()).to_text()


def test_a_duplicate_extension() -> None:
    d = only(duplicate_extension_certificate())
    assert [p.field for p in d.problems] == ["extensions"]
    assert "Duplicate" in d.problems[0].message
    assert [e.oid for e in d.extensions].count("1.2.3.4.5") == 2


def test_summary_of_problems_is_one_line() -> None:
    d = describe(bad_extension_certificate(), source="bad.pem")
    summary = d.summary_of_problems()
    assert summary is not None and "\n" not in summary
    assert summary.startswith("bad.pem: certificate 1: cannot read extension 6 (basicConstraints)")
    assert summary.endswith("; ask the issuer for a well-formed certificate")
    assert not d.ok
    assert describe(SERVER.certificate).summary_of_problems() is None


# -- output ---------------------------------------------------------------------------------


def test_json_output() -> None:
    d = describe(SERVER.chain(), at=START, source="chain")
    data = json.loads(json.dumps(d.to_dict(), indent=2))
    assert data["source"] == "chain" and data["at"] == "2026-01-01T00:00:00+00:00"
    first = data["entries"][0]
    assert first["kind"] == "certificate"
    assert first["serial"] == SERVER.certificate.serial_number
    assert first["validity"]["status"] == "valid"
    assert first["validity"]["time_left"] == 90 * 86400
    assert first["fingerprints"][1]["keytool"] == "SHA256: " + SERVER.fingerprint()
    assert first["extensions"][0] == {
        "oid": "2.5.29.19",
        "name": "basicConstraints",
        "critical": True,
        "value": "CA:FALSE",
        "meaning": extension_meaning("2.5.29.19")["meaning"],  # type: ignore[index]
        "reference": "RFC 5280 section 4.2.1.9",
        "criticality": "must be critical in CA certificates that sign certificates",
        "problem": None,
    }
    assert json.loads(json.dumps(d.to_dict())) == data


def test_text_output() -> None:
    d = describe(SERVER.certificate, at=START, source="server.pem")
    text = d.to_text()
    lines = text.splitlines()
    assert lines[0] == "server.pem: object, 1 certificate"
    assert (
        "  Serial number        " + serial_forms(SERVER.certificate.serial_number)[1].upper()
        in lines
    )
    assert "    Status             valid, 90 days left (at 2026-01-01 00:00:00 UTC)" in lines
    assert "    basicConstraints (2.5.29.19), critical: CA:FALSE" in lines
    # A SHA-256 fingerprint does not fit 78 columns after its label: 16 bytes a line.
    sha256 = SERVER.fingerprint()
    at = lines.index("    keytool            SHA256: " + sha256[:47])
    assert lines[at + 1] == " " * 23 + sha256[48:]
    assert "    * RACF line layout UNVERIFIED (the hex pairs are exact)" in lines
    assert max(len(line) for line in lines) <= 78
    assert max(len(line) for line in d.to_text(width=100).splitlines()) > 78
