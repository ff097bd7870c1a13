"""What the fuzz tests found, each as a plain test of the smallest input that showed it.

Every case here was a traceback or a hang of ``certkit inspect``, ``lint`` or ``verify`` on a
damaged file: an exception other than certkit's own escaped (cryptography reads some fields
lazily and raises several types), a walk recursed too deep, or a count taken from the file made
the work grow without bound. Now certkit refuses the input with one line, or shows what it
can read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs import bad_subject_certificate, duplicate_extension_certificate
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

from certkit.certificates.anatomy import describe
from certkit.certificates.derwalk import (
    MAX_DEPTH,
    DerError,
    der_walk,
    hex_view,
    key_derivation_rounds,
    read_tlv,
)
from certkit.certificates.lint import lint_report
from certkit.certificates.load import (
    MAX_KDF_ROUNDS,
    load_bundle,
    load_certificates,
    load_private_key,
)
from certkit.certificates.verify import verify_chain
from certkit.cli.app import main
from certkit.errors import InputError
from certkit.tls.wire import Record, RecordSplitter, messages_from_records
from certkit.zos.text import javadebug
from fuzz.corpus import (
    AT,
    CLIENT,
    DER_SEEDS,
    HOST,
    INTERMEDIATE,
    LAB,
    PASSWORD,
    ROOT,
    SERVER,
    armour,
)
from fuzz.mutations import encode, flatten, length_octets, parse


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + length_octets(len(content)) + content


def nested(inner: bytes, depth: int) -> bytes:
    for _ in range(depth):
        inner = tlv(0x30, inner)
    return inner


def with_integer(der: bytes, old: int, new: bytes) -> bytes:
    """``der`` with every INTEGER whose value is ``old`` given the content ``new``, lengths kept
    right (the tree is read into OCTET STRINGs that hold DER, as in PKCS #12 files)."""
    nodes = parse(der)
    assert nodes is not None
    hits = 0
    for holder, i in flatten(nodes):
        node = holder[i]
        is_integer = node.tag == b"\x02" and node.children is None
        if is_integer and int.from_bytes(node.content, "big", signed=True) == old:
            node.content, hits = new, hits + 1
    assert hits
    return encode(nodes)


CLIENT_KEY = CLIENT.key_pem().encode()


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


# -- derwalk: recursion and counts read from the bytes -------------------------------------------


def test_der_nested_thousands_deep_is_walked_to_a_limit() -> None:
    """RecursionError: the generic walk recursed once per level of nesting."""
    data = nested(b"\x05\x00", 5000)
    nodes = der_walk(data, "generic")
    assert len(nodes) == MAX_DEPTH + 1
    assert nodes[-1].problem == f"nested more than {MAX_DEPTH} levels deep: not walked further"
    assert hex_view(data).count("\n") == MAX_DEPTH + 1


def test_a_certificate_with_a_deeply_nested_name_is_described() -> None:
    """The same, reached through ``certkit inspect``: an otherName's value is ANY."""
    other_name = tlv(0xA0, tlv(0x06, bytes.fromhex("2a0304")) + tlv(0xA0, nested(b"", 3000)))
    cert = LAB.server(
        INTERMEDIATE,
        ["deep.example.com"],
        extra_extensions=[
            (
                x509.UnrecognizedExtension(
                    ExtensionOID.SUBJECT_ALTERNATIVE_NAME, tlv(0x30, other_name)
                ),
                False,
            )
        ],
        omit=[x509.SubjectAlternativeName],
        label="deep",
    ).certificate
    description = describe(cert, at=AT)
    assert "Certificate 1" in description.to_text()
    nodes = der_walk(cert.public_bytes(serialization.Encoding.DER))
    assert any(n.problem and "nested more than" in n.problem for n in nodes)


def test_a_high_tag_number_is_read_up_to_five_octets() -> None:
    """Quadratic: each octet of a high tag number shifted a growing number."""
    assert read_tlv(b"\x1f\x81\x81\x81\x81\x01\x00")[0].number == 0x204081 * 128 + 1
    for octets in (6, 100_000):
        with pytest.raises(DerError, match="tag number at offset 0 is too big"):
            read_tlv(b"\x1f" + b"\x81" * (octets - 1) + b"\x01\x00")


def test_an_object_identifier_arc_is_read_up_to_twenty_octets() -> None:
    """Quadratic, like the tag: an OID arc of megabytes was decoded bit by bit."""
    uuid_arc = bytes.fromhex("83ffffffffffffffffffffffffffffffffff7f")  # 2.25.(2**128 - 1)
    assert len(uuid_arc) == 19
    node = der_walk(tlv(0x30, tlv(0x06, b"\x69" + uuid_arc)), "generic")[1]
    assert node.value == f"2.25.{2**128 - 1}" and node.problem is None
    for arc in (b"\xff" * 20 + b"\x01", b"\xff" * 100_000 + b"\x01"):
        node = der_walk(tlv(0x30, tlv(0x06, b"\x2a" + arc)), "generic")[1]
        assert node.problem == "OBJECT IDENTIFIER has an arc of more than 20 octets"


# -- key derivation: a count in the file is not a cost certkit pays ----------------------------


def test_key_derivation_rounds_are_found_in_every_kind_of_file() -> None:
    assert key_derivation_rounds(DER_SEEDS["encrypted pkcs8 key"]) == 2048
    assert key_derivation_rounds(SERVER.pkcs12("changeit")) == 2048 + 2 * 10000  # MAC, 2 bags
    assert key_derivation_rounds(DER_SEEDS["server"]) == 0
    salt = tlv(0x04, b"\x11" * 16)
    scrypt = bytes.fromhex("06092b06010401da47040b") + tlv(
        0x30, salt + tlv(0x02, b"\x40\x00") + tlv(0x02, b"\x08") + tlv(0x02, b"\x02")
    )
    assert key_derivation_rounds(scrypt) == 16384 * 8 * 2
    pkcs12_pbe = bytes.fromhex("060a2a864886f70d010c0103") + tlv(
        0x30, salt + tlv(0x02, b"\x07\xd0")
    )
    assert key_derivation_rounds(pkcs12_pbe) == 2000
    huge = bytes.fromhex("06092a864886f70d01050c") + tlv(0x30, salt + tlv(0x02, b"\x7f" * 30))
    assert key_derivation_rounds(huge) == 2**64


def test_a_pkcs12_file_asking_for_billions_of_rounds_is_refused() -> None:
    """A hang: reading checks the MAC, with or without a password, at the file's count."""
    data = with_integer(SERVER.pkcs12("changeit"), 2048, b"\x7f\xff\xff\xff")  # the MAC's
    for password in (None, "changeit"):
        with pytest.raises(InputError, match="more than 4,000,000 rounds of password hashing"):
            load_bundle(data, "evil.p12", password=password)
    assert key_derivation_rounds(data) > MAX_KDF_ROUNDS


def test_an_encrypted_key_asking_for_billions_of_rounds_is_refused() -> None:
    """A hang: decrypting the key with the password given runs the file's count."""
    der = with_integer(DER_SEEDS["encrypted pkcs8 key"], 2048, b"\x7f\xff\xff\xff")
    with pytest.raises(InputError, match=r"key\.der: a private key that asks for more than"):
        load_private_key(der, "key.der", password=PASSWORD)
    with pytest.raises(InputError, match="private key block 1 asks for more than 4,000,000"):
        load_private_key(armour(der, "ENCRYPTED PRIVATE KEY"), "key.pem", password=PASSWORD)
    bundle = load_bundle(
        pem(SERVER.certificate) + armour(der, "ENCRYPTED PRIVATE KEY"),
        "combined.pem",
        password=PASSWORD,
    )
    assert bundle.certificates == [SERVER.certificate]
    assert [p.block for p in bundle.problems] == [2]
    with pytest.raises(InputError, match="the private key is encrypted; give its password"):
        load_private_key(der, "key.der")  # without a password nothing is derived


# -- load: exceptions cryptography raises besides ValueError -----------------------------------


def test_pkcs7_of_another_content_type_is_refused() -> None:
    """UnsupportedAlgorithm from cryptography's PKCS #7 reader."""
    data = tlv(0x30, bytes.fromhex("06092a864886f70d010701") + tlv(0xA0, tlv(0x04, b"payload")))
    with pytest.raises(InputError, match=r"x\.p7b: a PKCS #7 file that does not decode"):
        load_bundle(data, "x.p7b")
    bundle_pem = pem(SERVER.certificate) + armour(data, "PKCS7")
    bundle = load_bundle(bundle_pem, "x.pem")
    assert bundle.certificates == [SERVER.certificate]
    assert "PKCS #7 block 2 does not decode" in bundle.problems[0].message


@pytest.mark.parametrize(
    ("seed", "version", "message"),
    [
        ("server", 2, "has version field 3, which X.509 does not define"),
        ("csr", 0, "1 is not a valid CSR version"),
        ("pkcs7", 2, "3 is not a valid X509 version"),
    ],
)
def test_a_version_no_certificate_has_is_refused(seed: str, version: int, message: str) -> None:
    """x509.InvalidVersion, which is not a ValueError."""
    data = with_integer(DER_SEEDS[seed], version, bytes([version + 1]))
    with pytest.raises(InputError, match=message):
        load_bundle(data, "x.der")
    label = {"csr": "CERTIFICATE REQUEST", "pkcs7": "PKCS7"}.get(seed, "CERTIFICATE")
    bundle = load_bundle(pem(ROOT.certificate) + armour(data, label), "x.pem")
    assert bundle.certificates == [ROOT.certificate]
    assert message in bundle.problems[0].message
    with pytest.raises(InputError, match=message):
        load_certificates(armour(data, label), "x.pem")


def key_variants() -> dict[str, bytes]:
    sec1, ed25519 = DER_SEEDS["sec1 key"], DER_SEEDS["ed25519 key"]
    p256 = bytes.fromhex("06082a8648ce3d030107")
    return {
        # UnsupportedAlgorithm: a curve nobody knows
        "unknown curve": sec1.replace(p256, bytes.fromhex("06085386") + p256[4:]),
        # InternalError: an Ed25519 key's 32 bytes under the OID of Ed448
        "Ed448 OID on an Ed25519 key": ed25519.replace(
            b"\x06\x03\x2b\x65\x70", b"\x06\x03\x2b\x65\x71"
        ),
        # ValueError on the second try: a password given for a damaged unencrypted key
        "damaged RSA key": DER_SEEDS["rsa key"][:11]
        + bytes([DER_SEEDS["rsa key"][11] ^ 1])
        + DER_SEEDS["rsa key"][12:],
    }


@pytest.mark.parametrize("name", key_variants())
@pytest.mark.parametrize("password", [None, PASSWORD])
def test_a_key_cryptography_cannot_set_up_is_refused(name: str, password: bytes | None) -> None:
    der = key_variants()[name]
    label = "EC PRIVATE KEY" if name == "unknown curve" else "PRIVATE KEY"
    if name == "damaged RSA key":
        label = "RSA PRIVATE KEY"
    with pytest.raises(InputError, match=r"key\.der: "):
        load_private_key(der, "key.der", password=password)
    with pytest.raises(InputError, match=r"key\.pem: .*private key block 1"):
        load_private_key(armour(der, label), "key.pem", password=password)
    bundle = load_bundle(
        pem(SERVER.certificate) + armour(der, label), "combined.pem", password=password
    )
    assert bundle.certificates == [SERVER.certificate] and bundle.problems


# -- lint and verify: names cryptography reads lazily ------------------------------------------


def test_lint_reports_a_certificate_whose_subject_does_not_decode() -> None:
    """ValueError from ``cert.subject``: a finding (name-malformed), and the checks step aside."""
    report = lint_report(bad_subject_certificate(), role="server", at=AT)
    assert report.subject == "(subject does not decode)"
    assert "name-malformed" in [f.rule for f in report.findings]
    good = LAB.intermediate_ca(
        ROOT,
        "zzzzca",
        extra_extensions=[(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)],
        label="eku ca",
    ).der
    bad = x509.load_der_x509_certificate(good.replace(b"zzzzca", b"\xff\xfe\xff\xfe\xff\xfe"))
    findings = {f.rule: f.message for f in lint_report(bad, role="ca", at=AT).findings}
    assert "root CA" not in findings.get("ca-has-eku", "")


def test_lint_reports_a_certificate_with_a_duplicate_extension() -> None:
    """x509.DuplicateExtension, which is not a ValueError, from ``cert.extensions``."""
    rules = [f.rule for f in lint_report(duplicate_extension_certificate(), at=AT).findings]
    assert "duplicate-extension" in rules


def test_verify_gives_a_verdict_for_a_certificate_whose_names_do_not_decode() -> None:
    """ValueError from cryptography's verifier (a leaf) and from the explanation (any)."""
    bad = bad_subject_certificate()
    chains = {
        "the leaf certificate": (bad, [INTERMEDIATE.certificate], [ROOT.certificate]),
        "intermediate certificate 1": (SERVER.certificate, [bad], [ROOT.certificate]),
        "trusted certificate 2": (SERVER.certificate, [], [ROOT.certificate, bad]),
    }
    for which, (leaf, intermediates, trust) in chains.items():
        for host, client in ((HOST, False), (None, True)):
            result = verify_chain(leaf, intermediates, trust, host=host, client=client, at=AT)
            result.to_text()  # the explanation reads the names too
            assert not result.ok or which == "trusted certificate 2", which


def bit_string_cn_certificate() -> x509.Certificate:
    """A subject CN whose value is a BIT STRING: cryptography raises TypeError reading it."""
    nodes = parse(SERVER.der)
    assert nodes is not None
    (cn,) = [
        h[i] for h, i in flatten(nodes) if h[i].tag == b"\x0c" and h[i].content == b"localhost"
    ]
    cn.tag, cn.content = b"\x03", b"\x00localhost"
    return x509.load_der_x509_certificate(encode(nodes))


def test_a_name_attribute_of_an_impossible_type_is_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """TypeError (not ValueError) from ``cert.subject``, found by the long fuzz run."""
    cert = bit_string_cn_certificate()
    with pytest.raises(TypeError):
        cert.subject  # noqa: B018
    description = describe(cert, at=AT)
    assert description.certificates[0].problems[0].field == "subject"
    assert lint_report(cert, at=AT).subject == "(subject does not decode)"
    result = verify_chain(cert, [INTERMEDIATE.certificate], [ROOT.certificate], host=HOST, at=AT)
    assert not result.ok and result.to_text()  # a verdict (bad signature), not a traceback
    bundle = load_bundle(pem(cert) + CLIENT_KEY, "combined.pem")
    assert "does not belong to the certificate with serial" in bundle.problems[0].message
    path = tmp_path / "odd.pem"
    path.write_bytes(pem(cert))
    assert main(["fingerprint", str(path)]) == 0
    assert "(subject unreadable: see certkit inspect)" in capsys.readouterr().out


# -- wire: linear in the bytes however they arrive ---------------------------------------------


def test_a_handshake_message_one_byte_per_record_is_read() -> None:
    """Quadratic: every record copied the whole message received so far."""
    message = b"\x0b" + (3000).to_bytes(3, "big") + bytes(range(250)) * 12
    records = [
        Record("server", 22, "TLSv1.2", 1, b"\x16\x03\x03\x00\x01" + message[i : i + 1])
        for i in range(len(message))
    ]
    assert [m.data for m in messages_from_records(records)] == [message]
    splitter = RecordSplitter("server")
    wire = b"".join(r.data for r in records)
    found = [r for i in range(len(wire)) for r in splitter.feed(wire[i : i + 1])]
    assert found == records and splitter.pending == b""
    assert splitter.feed(wire[:3]) == [] and splitter.pending == wire[:3]


def test_a_non_utf8_host_for_pki_create_is_refused_before_any_key_is_derived(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by tests/cli/test_any_argv.py with 3,000 command lines: the server key's
    derivation label was made from the host name before the name was checked, and encoding a
    name holding bytes that are not UTF-8 raised UnicodeEncodeError."""
    status = main(["pki", "create", "--host", "\udcff\udcfe", "--seed", "x", str(tmp_path / "l")])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("certkit: error: host '\\xff\\xfe': ")
    assert not (tmp_path / "l").exists()


def test_an_empty_javax_net_debug_value_is_explained_for_ibm_java_8() -> None:
    """Found by tests/fuzz/test_fuzz_zos_text.py: explain("") on IBM Java 8 raised TypeError
    (its data gives no meaning to an empty value)."""
    lines = javadebug.explain("", "ibm-java-8")
    assert lines[0].startswith("(empty): not in IBM's list")
    assert javadebug.explain(" ", "semeru-11+")[0].startswith("(empty): messages go to")
