"""The DER walk: every labelled span decodes to what its label claims.

The labels are checked against two independent readers of the same bytes: cryptography (what a
field's value is) and `openssl asn1parse` (where each TLV is, how long it is, what its tag is and
what OpenSSL calls each attribute type).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import subprocess
from collections.abc import Iterator

import bad_inputs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtensionOID, NameOID

from certkit import Lab
from certkit.certificates.derwalk import (
    MAX_DEPTH,
    DerError,
    Node,
    Tag,
    der_walk,
    detect_kind,
    hex_view,
    oid_name,
    read_tlv,
)

DER = serialization.Encoding.DER
LAB = Lab(seed="derwalk")
ROOT = LAB.root_ca("Walk Root")
INTERMEDIATE = LAB.intermediate_ca(ROOT, "Walk Intermediate")
SERVER = LAB.server(INTERMEDIATE, ["localhost", "127.0.0.1", "::1"])
RSA_ROOT = LAB.root_ca("Walk RSA Root", key_type="rsa-2048", days=365 * 40)  # GeneralizedTime
ED_ROOT = LAB.root_ca("Walk Ed25519 Root", key_type="ed25519")

RICH_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "New York"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Armonk"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Corp"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Mainframe Security"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "z/OS Connect"),
        x509.NameAttribute(NameOID.COMMON_NAME, "zosconnect.example.com"),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, "racf@example.com"),
        x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "example"),
    ]
)


def rich_certificate() -> x509.Certificate:
    """A certificate with O, OU, C, ST, L, email and DC in its subject and many extensions."""
    key = LAB.key("rich", "ec-p256")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    issuer_key = ROOT.private_key
    assert isinstance(issuer_key, ec.EllipticCurvePrivateKey)
    builder = (
        x509.CertificateBuilder()
        .subject_name(RICH_SUBJECT)
        .issuer_name(ROOT.certificate.subject)
        .public_key(key.public_key())
        .serial_number(LAB.serial("rich"))
        .not_valid_before(dt.datetime(1990, 6, 1, tzinfo=dt.UTC))  # UTCTime with YY >= 50
        .not_valid_after(dt.datetime(2055, 1, 1, tzinfo=dt.UTC))  # GeneralizedTime
        .add_extension(x509.BasicConstraints(ca=True, path_length=2), critical=True)
        .add_extension(
            x509.NameConstraints(
                permitted_subtrees=[
                    x509.DNSName("example.com"),
                    x509.IPAddress(__import__("ipaddress").ip_network("10.0.0.0/8")),
                ],
                excluded_subtrees=None,
            ),
            critical=True,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier("http://127.0.0.1/ca.crl")],
                        None,
                        None,
                        None,
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier("http://127.0.0.1/ocsp"),
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(x509.ObjectIdentifier("2.23.140.1.2.2"), ["http://cps"])]
            ),
            critical=False,
        )
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("zosconnect.example.com"),
                    x509.RFC822Name("racf@example.com"),
                    x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")])),
                    x509.RegisteredID(x509.ObjectIdentifier("1.2.3.4")),
                    x509.OtherName(x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"), b"\x0c\x01a"),
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier(
                b"\x01" * 20,
                [x509.DirectoryName(ROOT.certificate.subject)],
                ROOT.certificate.serial_number,
            ),
            critical=False,
        )
        .add_extension(
            x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4.5"), b"\x05\x00"), False
        )
    )
    return builder.sign(issuer_key, hashes.SHA256(), ecdsa_deterministic=True)


RICH = rich_certificate()


def der_of(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


CERTIFICATES = {
    "ec server": SERVER.certificate,
    "ec intermediate": INTERMEDIATE.certificate,
    "rsa root": RSA_ROOT.certificate,
    "ed25519 root": ED_ROOT.certificate,
    "rich": RICH,
}


def one(nodes: list[Node], path: str) -> Node:
    found = [n for n in nodes if n.path == path and not n.explicit]
    assert len(found) == 1, (path, [n.path for n in nodes])
    return found[0]


def content(der: bytes, node: Node) -> bytes:
    return der[node.content_offset : node.end]


def children(nodes: list[Node], index: int) -> Iterator[Node]:
    parent = nodes[index]
    for node in nodes[index + 1 :]:
        if node.depth <= parent.depth:
            return
        if node.depth == parent.depth + 1:
            yield node


def encode_oid(dotted: str) -> bytes:
    """DER of an OBJECT IDENTIFIER, written independently of the walker's decoder."""
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return bytes([0x06, len(body)]) + bytes(body)


# -- structure ------------------------------------------------------------------------------


def all_ders() -> dict[str, bytes]:
    request = LAB.request("walk.example.com", hostnames=["walk.example.com"])
    crl = LAB.crl(INTERMEDIATE, [SERVER])
    ders = {name: der_of(cert) for name, cert in CERTIFICATES.items()}
    ders["csr"] = request.csr.public_bytes(serialization.Encoding.DER)
    ders["crl"] = crl.public_bytes(serialization.Encoding.DER)
    ders["pkcs8 key"] = ROOT.private_key.private_bytes(  # type: ignore[union-attr]
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    ders["pkcs12"] = SERVER.pkcs12("changeit")
    return ders


ALL = all_ders()


@pytest.mark.parametrize("name", ALL)
def test_spans_nest_and_tile_the_whole_der(name: str) -> None:
    der = ALL[name]
    nodes = der_walk(der)
    assert (nodes[0].offset, nodes[0].end, nodes[0].depth) == (0, len(der), 0)
    assert [n.offset for n in nodes] == sorted(n.offset for n in nodes)
    for index, node in enumerate(nodes):
        # The header is what read_tlv reads at that offset.
        assert read_tlv(der, node.offset)[1:] == (node.header_length, node.length)
        kids = list(children(nodes, index))
        if not kids:
            assert not node.tag.constructed or node.length == 0 or node.explicit is False
            continue
        start = node.content_offset + (1 if node.tag == Tag("universal", False, 3) else 0)
        assert kids[0].offset == start, node.path
        for before, after in itertools.pairwise(kids):
            assert before.end == after.offset, (before.path, after.path)
        assert kids[-1].end == node.end, node.path
        if not node.tag.constructed:
            assert node.encapsulates
    assert all(n.problem is None for n in nodes), [(n.path, n.problem) for n in nodes if n.problem]


def test_detect_kind() -> None:
    assert detect_kind(ALL["ec server"]) == "certificate"
    assert detect_kind(ALL["csr"]) == "csr"
    assert detect_kind(ALL["crl"]) == "crl"
    assert detect_kind(ALL["pkcs8 key"]) == "generic"
    assert detect_kind(ALL["pkcs12"]) == "generic"
    assert detect_kind(b"\x30\x80") == "generic"


# -- every label against cryptography -----------------------------------------------------


@pytest.mark.parametrize("name", CERTIFICATES)
def test_certificate_labels_match_cryptography(name: str) -> None:
    cert = CERTIFICATES[name]
    der = der_of(cert)
    nodes = der_walk(der)
    assert nodes[0].asn1_type == "Certificate"

    tbs = one(nodes, "tbsCertificate")
    assert der[tbs.offset : tbs.end] == cert.tbs_certificate_bytes

    version = one(nodes, "tbsCertificate.version")
    assert version.value == cert.version.value == int.from_bytes(content(der, version), "big")

    serial = one(nodes, "tbsCertificate.serialNumber")
    assert serial.value == cert.serial_number
    assert int.from_bytes(content(der, serial), "big", signed=True) == cert.serial_number
    assert der[serial.offset] == 0x02

    algorithm = one(nodes, "tbsCertificate.signature.algorithm")
    outer_algorithm = one(nodes, "signatureAlgorithm.algorithm")
    assert algorithm.value == outer_algorithm.value == cert.signature_algorithm_oid.dotted_string
    assert der[algorithm.offset : algorithm.end] == encode_oid(algorithm.value)

    for field, expected in (
        ("notBefore", cert.not_valid_before_utc),
        ("notAfter", cert.not_valid_after_utc),
    ):
        (time,) = [n for n in nodes if n.path.startswith(f"tbsCertificate.validity.{field}.")]
        assert time.value == expected
        text = content(der, time).decode("ascii")
        if time.path.endswith("utcTime"):
            assert der[time.offset] == 0x17 and expected.year < 2050
            assert text == expected.strftime("%y%m%d%H%M%SZ")
        else:
            assert time.path.endswith("generalTime") and der[time.offset] == 0x18
            assert expected.year >= 2050 and text == expected.strftime("%Y%m%d%H%M%SZ")

    for field, name_ in (("issuer", cert.issuer), ("subject", cert.subject)):
        rdns = one(nodes, f"tbsCertificate.{field}.rdnSequence")
        assert der[rdns.offset : rdns.end] == name_.public_bytes()
        for i, rdn in enumerate(name_.rdns):
            for j, attribute in enumerate(rdn):
                type_node = one(nodes, f"tbsCertificate.{field}.rdnSequence[{i}][{j}].type")
                value_node = one(nodes, f"tbsCertificate.{field}.rdnSequence[{i}][{j}].value")
                assert der[type_node.offset : type_node.end] == encode_oid(
                    attribute.oid.dotted_string
                )
                assert type_node.value == attribute.oid.dotted_string
                assert value_node.value == attribute.value

    spki = one(nodes, "tbsCertificate.subjectPublicKeyInfo")
    assert der[spki.offset : spki.end] == cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    signature = one(nodes, "signatureValue")
    assert content(der, signature) == b"\x00" + cert.signature

    extension_nodes = [
        n for n in nodes if re.fullmatch(r"tbsCertificate\.extensions\[\d+\]", n.path)
    ]
    assert len(extension_nodes) == len(cert.extensions)
    for i, extension in enumerate(cert.extensions):
        ext_id = one(nodes, f"tbsCertificate.extensions[{i}].extnID")
        assert ext_id.value == extension.oid.dotted_string
        assert der[ext_id.offset : ext_id.end] == encode_oid(extension.oid.dotted_string)
        critical = [n for n in nodes if n.path == f"tbsCertificate.extensions[{i}].critical"]
        assert bool(critical and critical[0].value) == extension.critical
        if critical:  # DER omits the DEFAULT FALSE, so a present flag is TRUE
            assert content(der, critical[0]) == b"\xff"
        value = one(nodes, f"tbsCertificate.extensions[{i}].extnValue")
        assert content(der, value) == extension.value.public_bytes()
        name_ = oid_name(extension.oid.dotted_string)
        if value.encapsulates:
            assert name_ is not None
            inner = one(nodes, f"tbsCertificate.extensions[{i}].extnValue.{name_}")
            assert (inner.offset, inner.end) == (value.content_offset, value.end)


def test_the_organization_name_is_labelled_organization_name() -> None:
    """The error of the best-known hand-annotated certificate cannot happen here."""
    der = der_of(RICH)
    nodes = der_walk(der)
    types = [
        n
        for n in nodes
        if n.path.startswith("tbsCertificate.subject.") and n.path.endswith(".type")
    ]
    assert [n.value for n in types] == [a.oid.dotted_string for a in RICH.subject]
    organization = [n for n in types if n.text.endswith(" organizationName")]
    units = [n for n in types if n.text.endswith(" organizationalUnitName")]
    assert len(organization) == 1 and len(units) == 2
    assert der[organization[0].offset : organization[0].end] == bytes.fromhex("060355040a")
    for unit in units:
        assert der[unit.offset : unit.end] == bytes.fromhex("060355040b")
    value = one(nodes, organization[0].path.removesuffix(".type") + ".value")
    assert value.value == RICH.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value


def test_extension_values_are_walked_with_their_rfc_5280_fields() -> None:
    der = der_of(RICH)
    nodes = der_walk(der)
    by_path = {n.path: n for n in nodes if not n.explicit}
    index = {ext.oid: i for i, ext in enumerate(RICH.extensions)}

    bc = f"tbsCertificate.extensions[{index[ExtensionOID.BASIC_CONSTRAINTS]}].extnValue.basicConstraints"
    assert by_path[f"{bc}.cA"].value is True
    assert by_path[f"{bc}.pathLenConstraint"].value == 2

    san = f"tbsCertificate.extensions[{index[ExtensionOID.SUBJECT_ALTERNATIVE_NAME]}].extnValue.subjectAltName"
    assert by_path[f"{san}[0].dNSName"].value == "zosconnect.example.com"
    assert by_path[f"{san}[1].rfc822Name"].value == "racf@example.com"
    assert by_path[f"{san}[2].directoryName.rdnSequence[0][0].type"].value == "2.5.4.3"
    assert by_path[f"{san}[3].registeredID"].value == "1.2.3.4"
    assert by_path[f"{san}[4].otherName.type-id"].value == "1.3.6.1.4.1.311.20.2.3"

    nc = f"tbsCertificate.extensions[{index[ExtensionOID.NAME_CONSTRAINTS]}].extnValue.nameConstraints"
    assert by_path[f"{nc}.permittedSubtrees[0].base.dNSName"].value == "example.com"
    assert str(by_path[f"{nc}.permittedSubtrees[1].base.iPAddress"].value) == "10.0.0.0/8"

    dp = f"tbsCertificate.extensions[{index[ExtensionOID.CRL_DISTRIBUTION_POINTS]}].extnValue.cRLDistributionPoints"
    assert (
        by_path[f"{dp}[0].distributionPoint.fullName[0].uniformResourceIdentifier"].value
        == "http://127.0.0.1/ca.crl"
    )
    aia = f"tbsCertificate.extensions[{index[ExtensionOID.AUTHORITY_INFORMATION_ACCESS]}].extnValue.authorityInfoAccess"
    assert by_path[f"{aia}[0].accessMethod"].text == "1.3.6.1.5.5.7.48.1 id-ad-ocsp"
    policies = f"tbsCertificate.extensions[{index[ExtensionOID.CERTIFICATE_POLICIES]}].extnValue.certificatePolicies"
    assert (
        by_path[f"{policies}[0].policyIdentifier"].text == "2.23.140.1.2.2 organization-validated"
    )
    aki = f"tbsCertificate.extensions[{index[ExtensionOID.AUTHORITY_KEY_IDENTIFIER]}].extnValue.authorityKeyIdentifier"
    assert by_path[f"{aki}.keyIdentifier"].value == b"\x01" * 20
    assert by_path[f"{aki}.authorityCertSerialNumber"].value == ROOT.certificate.serial_number
    # An extension certkit has no definition for is shown as bytes, not guessed at.
    unknown = by_path[f"tbsCertificate.extensions[{len(RICH.extensions) - 1}].extnValue"]
    assert not unknown.encapsulates and unknown.value == b"\x05\x00"


def test_key_usage_bits_are_named() -> None:
    nodes = der_walk(der_of(ROOT.certificate))
    (usage,) = [n for n in nodes if n.path.endswith("extnValue.keyUsage")]
    assert usage.text == "digitalSignature, keyCertSign, cRLSign"


def test_rsa_key_and_ecdsa_signature_inside_bit_strings() -> None:
    rsa_nodes = der_walk(der_of(RSA_ROOT.certificate))
    public = RSA_ROOT.certificate.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    numbers = public.public_numbers()
    prefix = "tbsCertificate.subjectPublicKeyInfo.subjectPublicKey.rsaPublicKey"
    assert one(rsa_nodes, f"{prefix}.modulus").value == numbers.n
    assert one(rsa_nodes, f"{prefix}.publicExponent").value == numbers.e == 65537
    params = one(rsa_nodes, "tbsCertificate.subjectPublicKeyInfo.algorithm.parameters")
    assert params.tag.name == "NULL"

    ec_nodes = der_walk(der_of(SERVER.certificate))
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    r, s = decode_dss_signature(SERVER.certificate.signature)
    assert one(ec_nodes, "signatureValue.ecdsaSigValue.r").value == r
    assert one(ec_nodes, "signatureValue.ecdsaSigValue.s").value == s
    curve = one(ec_nodes, "tbsCertificate.subjectPublicKeyInfo.algorithm.parameters.namedCurve")
    assert curve.text == "1.2.840.10045.3.1.7 secp256r1"

    ed_nodes = der_walk(der_of(ED_ROOT.certificate))
    key = one(ed_nodes, "tbsCertificate.subjectPublicKeyInfo.subjectPublicKey")
    ed_public = ED_ROOT.certificate.public_key()
    assert isinstance(ed_public, ed25519.Ed25519PublicKey)
    assert key.value == ed_public.public_bytes_raw()


def test_ip_addresses_in_the_san() -> None:
    nodes = der_walk(der_of(SERVER.certificate))
    ips = [str(n.value) for n in nodes if n.path.endswith(".iPAddress")]
    assert ips == ["127.0.0.1", "::1"]


def test_csr_labels_match_cryptography() -> None:
    request = LAB.request("csr.example.com", hostnames=["csr.example.com", "10.1.2.3"])
    der = request.csr.public_bytes(serialization.Encoding.DER)
    nodes = der_walk(der)
    assert nodes[0].asn1_type == "CertificationRequest"
    info = one(nodes, "certificationRequestInfo")
    assert der[info.offset : info.end] == request.csr.tbs_certrequest_bytes
    assert one(nodes, "certificationRequestInfo.version").value == 0
    subject = one(nodes, "certificationRequestInfo.subject.rdnSequence")
    assert der[subject.offset : subject.end] == request.csr.subject.public_bytes()
    spki = one(nodes, "certificationRequestInfo.subjectPKInfo")
    assert der[spki.offset : spki.end] == request.csr.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert one(nodes, "certificationRequestInfo.attributes[0].type").text.endswith(
        "extensionRequest"
    )
    ext_id = one(nodes, "certificationRequestInfo.attributes[0].values[0][0].extnID")
    assert ext_id.value == request.csr.extensions[0].oid.dotted_string
    signature = one(nodes, "signature")
    assert content(der, signature) == b"\x00" + request.csr.signature


def test_crl_labels_match_cryptography() -> None:
    crl = LAB.crl(INTERMEDIATE, [SERVER, LAB.client(INTERMEDIATE, "revoked client")])
    der = crl.public_bytes(serialization.Encoding.DER)
    nodes = der_walk(der)
    serials = [n.value for n in nodes if n.path.endswith(".userCertificate")]
    assert serials == [r.serial_number for r in crl]
    assert one(nodes, "tbsCertList.thisUpdate.utcTime").value == crl.last_update_utc
    number = [n for n in nodes if n.path.endswith("extnValue.cRLNumber")]
    assert number[0].value == 1


# -- against openssl asn1parse --------------------------------------------------------------

OPENSSL = shutil.which("openssl")
_LINE = re.compile(r"\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)\s+(prim|cons):\s+(.*?)\s*(?::(.*))?$")
_OPENSSL_TAGS = {
    "SEQUENCE": "SEQUENCE",
    "SET": "SET",
    "INTEGER": "INTEGER",
    "OBJECT": "OBJECT IDENTIFIER",
    "BOOLEAN": "BOOLEAN",
    "BIT STRING": "BIT STRING",
    "OCTET STRING": "OCTET STRING",
    "NULL": "NULL",
    "UTF8STRING": "UTF8String",
    "PRINTABLESTRING": "PrintableString",
    "IA5STRING": "IA5String",
    "UTCTIME": "UTCTime",
    "GENERALIZEDTIME": "GeneralizedTime",
}


@pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed (make test installs it)")
@pytest.mark.parametrize("name", [*CERTIFICATES, "csr", "crl"])
def test_offsets_lengths_and_tags_agree_with_openssl_asn1parse(
    name: str, tmp_path: pytest.TempPathFactory
) -> None:
    der = ALL[name]
    path = tmp_path / "x.der"  # type: ignore[operator]
    path.write_bytes(der)
    out = subprocess.run(
        [str(OPENSSL), "asn1parse", "-inform", "DER", "-in", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    theirs = []
    for line in out.splitlines():
        match = _LINE.match(line)
        assert match, line
        offset, depth, hl, length, kind, tag, value = match.groups()
        tag = tag.split("  ")[0].strip()  # "OCTET STRING      [HEX DUMP]"
        theirs.append((int(offset), int(depth), int(hl), int(length), kind == "cons", tag, value))
    nodes = der_walk(der)
    # openssl does not look inside OCTET STRING and BIT STRING values: leave those out.
    inside: list[tuple[int, int]] = [(n.content_offset, n.end) for n in nodes if n.encapsulates]
    ours = [n for n in nodes if not any(a <= n.offset < b for a, b in inside)]
    assert len(ours) == len(theirs)
    named = 0
    for node, (offset, depth, hl, length, cons, tag, value) in zip(ours, theirs, strict=True):
        assert (node.offset, node.depth, node.header_length, node.length) == (
            offset,
            depth,
            hl,
            length,
        )
        assert node.tag.constructed == cons
        if tag.startswith("cont ["):
            assert node.tag.name == f"[{tag[6:-1].strip()}]"
        else:
            assert _OPENSSL_TAGS[tag] == node.tag.name, (tag, node.path)
        if node.path.endswith(".type") and "rdnSequence" in node.path:
            # OpenSSL's own name for the attribute type, e.g. organizationName, commonName.
            assert value == oid_name(node.value), node.path
            named += 1
    assert named >= 1


# -- damaged input --------------------------------------------------------------------------


def test_a_damaged_extension_is_walked_with_a_problem() -> None:
    bad = LAB.server(
        INTERMEDIATE,
        ["damaged.example.com"],
        extra_extensions=[
            (x509.UnrecognizedExtension(ExtensionOID.BASIC_CONSTRAINTS, b"\x01\x02junk"), True)
        ],
        omit=[x509.BasicConstraints],
    )
    nodes = der_walk(bad.der)
    value = [n for n in nodes if n.problem]
    assert len(value) == 1 and value[0].path.endswith(".extnValue")
    assert "basicConstraints" in (value[0].problem or "")
    # The rest is labelled as usual.
    assert one(nodes, "tbsCertificate.serialNumber").value == bad.certificate.serial_number


def test_a_field_of_the_wrong_type_keeps_a_generic_label() -> None:
    der = bytearray(der_of(SERVER.certificate))
    nodes = der_walk(bytes(der))
    serial = one(nodes, "tbsCertificate.serialNumber")
    der[serial.offset] = 0x04  # an OCTET STRING where the serial INTEGER belongs
    damaged = der_walk(bytes(der))
    problems = [n for n in damaged if n.problem]
    assert problems and "expected" in (problems[0].problem or "")


def test_invalid_strings_are_reported_not_raised() -> None:
    der = der_of(SERVER.certificate).replace(b"localhost", b"\xff\xfeocalhos", 1)
    nodes = der_walk(der)
    (bad,) = [n for n in nodes if n.problem]
    assert bad.path == "tbsCertificate.subject.rdnSequence[0][0].value"
    assert "not valid utf-8" in (bad.problem or "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no bytes"),
        (b"\x30\x05\x02\x01", "truncated"),
        (b"\x30\x80\x00\x00", "indefinite length"),
        (b"\x30\x00\x00", "follow the end"),
        (b"\x30", "no length octet"),
        (b"\x3f", "cut short"),
    ],
)
def test_malformed_der_raises_der_error(data: bytes, message: str) -> None:
    with pytest.raises(DerError, match=message):
        der_walk(data)


def test_truncated_certificate_names_the_offset() -> None:
    der = der_of(SERVER.certificate)
    with pytest.raises(DerError) as info:
        der_walk(der[:-10])
    assert info.value.offset == 0


def test_high_tag_numbers_and_long_lengths() -> None:
    tag, hl, length = read_tlv(b"\xbf\x81\x00\x82\x01\x00" + b"\x00" * 256)
    assert (tag.cls, tag.constructed, tag.number, hl, length) == ("context", True, 128, 6, 256)
    assert Tag("application", False, 1).name == "[APPLICATION 1]"


# -- the hex view ---------------------------------------------------------------------------


def test_hex_view_shows_every_node_with_offset_bytes_and_label() -> None:
    der = der_of(SERVER.certificate)
    nodes = der_walk(der)
    view = hex_view(nodes, der)
    lines = view.splitlines()
    labelled = [line for line in lines if line[:1] != " "]
    assert len(labelled) == len(nodes)
    for line, node in zip(labelled, nodes, strict=True):
        assert line.startswith(f"{node.offset:06x}  {der[node.offset]:02x}")
        assert node.label in line
    assert lines[0].startswith("000000  30 82 ")
    assert lines[0].endswith("Certificate  SEQUENCE")
    serial_line = next(line for line in lines if "tbsCertificate.serialNumber" in line)
    assert f"0x{SERVER.certificate.serial_number:x}" in serial_line
    # Every byte of every primitive appears once.
    hex_digits = " ".join(line[8 : 8 + 16 * 3] for line in lines).split()
    primitives = sum(
        n.end - n.offset for n in nodes if not n.tag.constructed and not n.encapsulates
    )
    headers = sum(
        n.header_length + (1 if n.encapsulates and n.tag.number == 3 else 0)
        for n in nodes
        if n.tag.constructed or n.encapsulates
    )
    assert len(hex_digits) == primitives + headers


def test_hex_view_options() -> None:
    der = der_of(SERVER.certificate)
    assert hex_view(der) == hex_view(der_walk(der), der)
    short = hex_view(der, max_lines=1)
    assert " ..." in short and len(short.splitlines()) == len(der_walk(der))
    indented = hex_view(der, paths=False)
    assert "          type  OBJECT IDENTIFIER (AttributeType) = 2.5.4.3 commonName" in indented
    with pytest.raises(ValueError, match="DER bytes"):
        hex_view(der_walk(der))


def test_nodes_to_dict_are_json_ready() -> None:
    import json

    for node in der_walk(der_of(RICH)):
        json.dumps(node.to_dict())


def test_nesting_thousands_deep_is_walked_to_a_limit_and_named() -> None:
    """5000 nested SEQUENCEs (alone, or as an extension's value) cost no RecursionError."""
    deep = bad_inputs.nested_sequences(5000)
    nodes = der_walk(deep, "generic")
    assert len(nodes) == MAX_DEPTH + 1
    assert nodes[-1].depth == MAX_DEPTH
    assert nodes[-1].problem == f"nested more than {MAX_DEPTH} levels deep: not walked further"
    assert all(node.problem is None for node in nodes[:-1])
    san = bad_inputs.deep_extension_certificate(known=True).public_bytes(DER)  # walked as names
    walked = der_walk(san)
    assert [n.depth for n in walked if n.problem and "levels deep" in n.problem] == [MAX_DEPTH]
    assert "not walked further" in hex_view(walked, san)
    opaque = bad_inputs.deep_extension_certificate(critical=True).public_bytes(DER)
    assert max(n.depth for n in der_walk(opaque)) < 10  # an unknown extension's value is bytes
