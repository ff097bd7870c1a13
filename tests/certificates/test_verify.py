"""certkit.certificates.verify: cryptography's verdict, with an explanation of every failure class.

Each failure class is made with a deterministic Lab and checked for the broken link (which
certificate), the rule (RFC section) and the fix (also as a RACF sketch). A hostile pool of
intermediates must be decided (as cryptography decides it) within a generous hard timeout; the
speed goal itself lives in bench/verify_hostile_pool.py. The CLI is run as the real command.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import bad_inputs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier
from cryptography.x509.verification import (
    DNSName,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)
from timeouts import within

from certkit import InputError, Issued, Lab
from certkit.certificates.names import host_name
from certkit.certificates.pki import pem_bundle
from certkit.certificates.verify import (
    FACT_NAMES,
    FAILURE_CLASSES,
    Failure,
    Verification,
    client_leaf_policy,
    message_group,
    verify_chain,
)
from certkit.datafiles import data_file

CERTKIT = Path(sys.executable).parent / "certkit"
DATA = Path(str(data_file("verify_failures.json")))
HARD_TIMEOUT_SECONDS = 30.0
T = TypeVar("T")


@dataclass(frozen=True)
class Pki:
    lab: Lab
    root: Issued
    inter: Issued
    server: Issued
    at: dt.datetime


@pytest.fixture(scope="module")
def pki() -> Pki:
    lab = Lab(seed="certkit verify tests")
    root = lab.root_ca("Verify Root CA")
    inter = lab.intermediate_ca(root, "Verify Issuing CA")
    server = lab.server(inter, ["zcee.example.com", "127.0.0.1"])
    return Pki(lab, root, inter, server, lab.now + dt.timedelta(days=1))


def check(
    leaf: Issued,
    intermediates: Sequence[Issued],
    trust: Sequence[Issued],
    at: dt.datetime,
    *,
    host: str | None = "zcee.example.com",
    client: bool = False,
    max_chain_depth: int | None = None,
) -> Verification:
    """certkit's verdict, asserted equal to cryptography's own, with every rendering exercised."""
    result = verify_chain(
        leaf.certificate,
        [c.certificate for c in intermediates],
        [c.certificate for c in trust],
        host=None if client else host,
        client=client,
        at=at,
        max_chain_depth=max_chain_depth,
    )
    builder = PolicyBuilder().store(Store([c.certificate for c in trust])).time(at)
    if max_chain_depth is not None:
        builder = builder.max_chain_depth(max_chain_depth)
    try:
        if client:  # with the one rule certkit relaxes for client certificates (see below)
            builder.extension_policies(
                ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=client_leaf_policy()
            ).build_client_verifier().verify(
                leaf.certificate, [c.certificate for c in intermediates]
            )
        else:
            assert host is not None
            builder.build_server_verifier(host_name(host)).verify(
                leaf.certificate, [c.certificate for c in intermediates]
            )
        theirs = True
    except VerificationError:
        theirs = False
    assert result.ok is theirs
    text = result.to_text()
    assert json.loads(json.dumps(result.to_dict()))["ok"] is result.ok
    if not result.ok:
        failure = result.failure
        assert failure is not None and failure.kind in FAILURE_CLASSES
        assert failure.title in text and failure.message in text.replace("\n    ", " ")
        assert_racf_sketch(failure.keyring_fix())
    return result


def failure_of(result: Verification) -> Failure:
    assert not result.ok and result.failure is not None and result.chain == []
    return result.failure


def assert_racf_sketch(sketch: str) -> None:
    """The sketch's commands follow the RACDCERT syntax of ../shared/reference/zos-syntax.md."""
    commands: list[str] = []
    pending = ""
    for line in sketch.splitlines():
        assert len(line) <= 71, f"SYSTSIN records stay within 71 columns: {line!r}"
        stripped = line.strip()
        if stripped.startswith("/*"):
            assert stripped.endswith("*/"), line
            continue
        if stripped.endswith(" +"):
            pending += stripped[:-1]
            continue
        commands.append(pending + stripped)
        pending = ""
    assert not pending, "a continued command must end"
    for command in commands:
        verb = command.split()[0]
        assert verb in ("RACDCERT", "SETROPTS"), command
        assert command.count("(") == command.count(")"), command
        assert command.count("'") % 2 == 0, command
        if "CONNECT(" in command:
            # IRRD121I: a ring and a label are both required; a CA connects as CERTAUTH.
            assert "LABEL('" in command and "RING(" in command and "USAGE(" in command, command
            if "CONNECT(CERTAUTH" in command:
                assert "USAGE(CERTAUTH)" in command, command
        if "REMOVE(" in command:
            assert "LABEL('" in command and "RING(" in command, command
        for label in re.findall(r"LABEL\('((?:[^']|'')*)'\)", command):
            assert len(label.replace("''", "'")) <= 32, command


# -- success --------------------------------------------------------------------------------------


def test_server_chain_verifies(pki: Pki) -> None:
    result = check(pki.server, [pki.inter], [pki.root], pki.at)
    assert result.ok and result.failure is None
    assert result.chain == [pki.server.certificate, pki.inter.certificate, pki.root.certificate]
    assert (result.purpose, result.host, result.at) == ("server", "zcee.example.com", pki.at)
    assert result.to_text().splitlines() == [
        "verified for host zcee.example.com at 2026-01-02 00:00:00 UTC",
        "  0 CN=zcee.example.com",
        "      issued by CN=Verify Issuing CA",
        "  1 CN=Verify Issuing CA",
        "      issued by CN=Verify Root CA",
        "  2 CN=Verify Root CA (trust anchor)",
    ]


def test_server_chain_verifies_for_an_ip_address(pki: Pki) -> None:
    assert check(pki.server, [pki.inter], [pki.root], pki.at, host="127.0.0.1").ok
    assert check(pki.server, [pki.inter], [pki.root], pki.at, host="[127.0.0.1]").ok


def test_client_chain_verifies(pki: Pki) -> None:
    client = pki.lab.client(pki.inter, "zcee user", emails=["zcee.user@example.com"])
    result = check(client, [pki.inter], [pki.root], pki.at, client=True)
    assert result.ok and result.purpose == "client" and result.host is None
    assert result.chain == [client.certificate, pki.inter.certificate, pki.root.certificate]
    assert result.to_text().startswith("verified for client use at ")


def test_intermediates_in_any_order_and_extra_ones(pki: Pki) -> None:
    other = pki.lab.root_ca("Unrelated Root CA")
    result = check(pki.server, [other, pki.inter, pki.root], [pki.root], pki.at)
    assert result.ok and len(result.chain) == 3


def test_naive_time_is_utc_and_default_time_is_now(pki: Pki) -> None:
    naive = pki.at.replace(tzinfo=None)
    result = verify_chain(
        pki.server.certificate,
        [pki.inter.certificate],
        [pki.root.certificate],
        host="zcee.example.com",
        at=naive,
    )
    assert result.at == pki.at
    lab = Lab()  # a random lab: its clock is now
    root = lab.root_ca("Now Root")
    inter = lab.intermediate_ca(root, "Now Issuing")
    server = lab.server(inter, ["now.example.com"])
    before = dt.datetime.now(dt.UTC)
    result = verify_chain(
        server.certificate, [inter.certificate], [root.certificate], host="now.example.com"
    )
    assert result.ok and before <= result.at <= dt.datetime.now(dt.UTC)


# -- failure classes ------------------------------------------------------------------------------


def test_expired_leaf(pki: Pki) -> None:
    leaf = pki.lab.server(
        pki.inter, ["zcee.example.com"], start=dt.timedelta(days=-100), days=30, label="expired"
    )
    failure = failure_of(check(leaf, [pki.inter], [pki.root], pki.at))
    assert failure.kind == "expired" and failure.certificate == leaf.certificate
    assert failure.role == "server certificate"
    assert failure.subject == "CN=zcee.example.com" and failure.issuer == "CN=Verify Issuing CA"
    assert failure.detail == (
        "The server certificate 'CN=zcee.example.com' (issued by 'CN=Verify Issuing CA') "
        "expired on 2025-10-23 00:00:00 UTC; the chain was verified as of "
        "2026-01-02 00:00:00 UTC."
    )
    assert "4.1.2.5" in failure.rfc and "notAfter" in failure.rule
    assert "Renew 'CN=zcee.example.com'" in failure.fix
    sketch = failure.keyring_fix()
    assert "RACDCERT ID(LIBSERV) +\n  GENREQ(LABEL('zcee.example.com')) +" in sketch
    assert "USAGE(PERSONAL) DEFAULT)" in sketch


def test_expired_intermediate(pki: Pki) -> None:
    old = pki.lab.intermediate_ca(
        pki.root, "Old Issuing CA", start=dt.timedelta(days=-400), days=365
    )
    leaf = pki.lab.server(old, ["zcee.example.com"], label="under old")
    failure = failure_of(check(leaf, [old], [pki.root], pki.at))
    assert failure.kind == "expired" and failure.certificate == old.certificate
    assert failure.role == "intermediate CA certificate"
    assert "'CN=Old Issuing CA'" in failure.detail and "expired on 2025-11-27" in failure.detail
    assert "The CA certificate 'CN=Old Issuing CA' has expired" in failure.fix
    sketch = failure.keyring_fix("ZCEESRV", "ZCEE.Ring")
    assert "RACDCERT CERTAUTH ADD('HLQ.CA.NEW')" in sketch
    assert "RACDCERT ID(ZCEESRV) REMOVE(CERTAUTH +\n  LABEL('Old Issuing CA') RING(ZCEE.Ring))" in (
        sketch
    )


def test_not_yet_valid(pki: Pki) -> None:
    leaf = pki.lab.server(
        pki.inter, ["zcee.example.com"], start=dt.timedelta(days=10), label="future"
    )
    failure = failure_of(check(leaf, [pki.inter], [pki.root], pki.at))
    assert failure.kind == "not-yet-valid" and failure.certificate == leaf.certificate
    assert "is valid only from 2026-01-11 00:00:00 UTC" in failure.detail
    assert "4.1.2.5" in failure.rfc and "clock" in failure.fix
    assert "NOTBEFORE" in failure.keyring_fix()


def test_unknown_issuer(pki: Pki) -> None:
    other = pki.lab.root_ca("Other Root CA")
    failure = failure_of(check(pki.server, [pki.inter], [other], pki.at))
    assert failure.kind == "unknown-issuer" and failure.certificate == pki.inter.certificate
    assert failure.detail == (
        "The chain ends at the intermediate CA certificate 'CN=Verify Issuing CA', issued by "
        "'CN=Verify Root CA', and no trusted CA certificate is named 'CN=Verify Root CA'."
    )
    assert "section 6.1" in failure.rfc and "trust anchor" in failure.rule
    assert "add its certificate to the verifier's trust store" in failure.fix
    assert (
        "RACDCERT ID(LIBSERV) CONNECT(CERTAUTH +\n"
        "  LABEL('Verify Root CA') +\n"
        "  RING(Liberty.KeyRing) USAGE(CERTAUTH))"
    ) in failure.keyring_fix()


def test_unknown_issuer_untrusted_root_sent_along(pki: Pki) -> None:
    other = pki.lab.root_ca("Other Root CA")
    failure = failure_of(check(pki.server, [pki.inter, pki.root], [other], pki.at))
    assert failure.kind == "unknown-issuer" and failure.certificate == pki.root.certificate
    assert failure.role == "self-signed certificate"
    assert "self-signed certificate 'CN=Verify Root CA', which is not among" in failure.detail
    # cryptography 50 reports "chain construction exceeds max depth" here: the root is its own
    # issuer by name and is tried again and again; the note says so.
    if "max depth" in failure.message:
        assert "kept trying the untrusted self-signed certificate" in failure.notes[0]
    assert "LABEL('Verify Root CA')" in failure.keyring_fix()


def test_missing_intermediate(pki: Pki) -> None:
    failure = failure_of(check(pki.server, [], [pki.root], pki.at))
    assert failure.kind == "missing-intermediate"
    assert failure.certificate == pki.server.certificate
    assert failure.detail == (
        "The server certificate 'CN=zcee.example.com' was issued by 'CN=Verify Issuing CA', but "
        "no certificate named 'CN=Verify Issuing CA' was supplied with it and none is trusted."
    )
    assert "RFC 8446, section 4.4.2" in failure.rfc and "full chain" in failure.fix
    sketch = failure.keyring_fix("ZCEESRV", "ZCEE.Ring")
    assert "CONNECT(CERTAUTH +\n  LABEL('Verify Issuing CA') +\n  RING(ZCEE.Ring)" in sketch


def test_name_mismatch(pki: Pki) -> None:
    failure = failure_of(check(pki.server, [pki.inter], [pki.root], pki.at, host="api.example.com"))
    assert failure.kind == "name-mismatch" and failure.certificate == pki.server.certificate
    assert failure.detail == (
        "The server certificate 'CN=zcee.example.com' is for DNS:zcee.example.com, "
        "IP:127.0.0.1; it was checked for 'api.example.com'."
    )
    assert "4.2.1.6" in failure.rfc and "RFC 9525" in failure.rfc
    assert "CN is ignored" in failure.rule
    sketch = failure.keyring_fix()
    assert "ALTNAME(DOMAIN('api.example.com'))" in sketch
    assert "SIGNWITH(CERTAUTH LABEL('Verify Issuing CA'))" in sketch
    ip = failure_of(check(pki.server, [pki.inter], [pki.root], pki.at, host="10.1.1.2"))
    assert "ALTNAME(IP(10.1.1.2))" in ip.keyring_fix()


def test_name_mismatch_cn_is_ignored(pki: Pki) -> None:
    san = x509.SubjectAlternativeName([x509.DNSName("other.example.com")])
    leaf = pki.lab.server(
        pki.inter, ["zcee.example.com"], label="cn only", extra_extensions=[(san, False)]
    )
    failure = failure_of(check(leaf, [pki.inter], [pki.root], pki.at))
    assert failure.kind == "name-mismatch"
    assert failure.notes == (
        "The subject CN 'zcee.example.com' equals the host name, but the CN is not used for the "
        "match: only the subjectAltName counts.",
    )
    no_san = pki.lab.server(
        pki.inter, ["zcee.example.com"], label="no san", omit=[x509.SubjectAlternativeName]
    )
    failure = failure_of(check(no_san, [pki.inter], [pki.root], pki.at))
    assert failure.kind == "name-mismatch" and "has no subjectAltName" in failure.detail
    assert "CN is not used" in failure.detail


def test_wrong_eku_client_certificate_as_server(pki: Pki) -> None:
    san = x509.SubjectAlternativeName([x509.DNSName("zcee.example.com")])
    leaf = pki.lab.client(pki.inter, "zcee.example.com", extra_extensions=[(san, False)])
    failure = failure_of(check(leaf, [pki.inter], [pki.root], pki.at))
    assert failure.kind == "wrong-eku" and failure.certificate == leaf.certificate
    assert failure.detail == (
        "The server certificate 'CN=zcee.example.com' lists clientAuth in its extended key "
        "usage; a TLS server certificate needs serverAuth."
    )
    assert "4.2.1.12" in failure.rfc and "serverAuth" in failure.fix


def test_wrong_eku_server_certificate_as_client(pki: Pki) -> None:
    failure = failure_of(check(pki.server, [pki.inter], [pki.root], pki.at, client=True))
    assert failure.kind == "wrong-eku" and failure.role == "client certificate"
    assert "lists serverAuth" in failure.detail and "needs clientAuth" in failure.detail


def test_wrong_eku_on_the_issuing_ca(pki: Pki) -> None:
    eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH])
    ca = pki.lab.intermediate_ca(pki.root, "Client-only CA", extra_extensions=[(eku, False)])
    leaf = pki.lab.server(ca, ["zcee.example.com"], label="under client-only")
    failure = failure_of(check(leaf, [ca], [pki.root], pki.at))
    assert failure.kind == "wrong-eku" and failure.certificate == ca.certificate
    assert failure.role == "intermediate CA certificate"
    assert "lists only clientAuth" in failure.detail and "whose certificate allows serverAuth" in (
        failure.fix
    )


def test_issuer_with_ca_false(pki: Pki) -> None:
    not_ca = x509.BasicConstraints(ca=False, path_length=None)
    issuer = pki.lab.intermediate_ca(pki.root, "Not A CA", extra_extensions=[(not_ca, True)])
    leaf = pki.lab.server(issuer, ["zcee.example.com"], label="under not-a-ca")
    failure = failure_of(check(leaf, [issuer], [pki.root], pki.at))
    assert failure.kind == "issuer-not-ca" and failure.certificate == issuer.certificate
    assert failure.detail == (
        "The intermediate certificate 'CN=Not A CA' issued 'CN=zcee.example.com', but its "
        "basicConstraints says cA=FALSE."
    )
    assert "4.2.1.9" in failure.rfc and "6.1.4 (k)" in failure.rfc
    assert "does not make a certificate a CA" in failure.keyring_fix()
    assert "KEYUSAGE(CERTSIGN)" in failure.keyring_fix()


def test_issuer_without_basic_constraints(pki: Pki) -> None:
    issuer = pki.lab.intermediate_ca(pki.root, "No BC CA", omit=[x509.BasicConstraints])
    leaf = pki.lab.server(issuer, ["zcee.example.com"], label="under no-bc")
    failure = failure_of(check(leaf, [issuer], [pki.root], pki.at))
    assert failure.kind == "issuer-not-ca" and failure.certificate == issuer.certificate
    assert "it has no basicConstraints extension" in failure.detail


def test_issuer_without_key_cert_sign(pki: Pki) -> None:
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    issuer = pki.lab.intermediate_ca(pki.root, "No KCS CA", extra_extensions=[(usage, True)])
    leaf = pki.lab.server(issuer, ["zcee.example.com"], label="under no-kcs")
    failure = failure_of(check(leaf, [issuer], [pki.root], pki.at))
    assert failure.kind == "issuer-key-usage" and failure.certificate == issuer.certificate
    assert "4.2.1.3" in failure.rfc and "without keyCertSign" in failure.detail


def test_path_length_exceeded(pki: Pki) -> None:
    # pki.inter has pathLenConstraint 0: it may not sign another CA.
    sub = pki.lab.intermediate_ca(pki.inter, "Sub Issuing CA")
    leaf = pki.lab.server(sub, ["zcee.example.com"], label="under sub")
    failure = failure_of(check(leaf, [pki.inter, sub], [pki.root], pki.at))
    assert failure.kind == "path-length" and failure.certificate == pki.inter.certificate
    assert failure.detail == (
        "The intermediate CA certificate 'CN=Verify Issuing CA' has pathLenConstraint 0, but 1 "
        "intermediate CA certificate(s) follow it in this chain."
    )
    assert "6.1.4 (l), (m)" in failure.rfc
    assert (failure.facts["path_length"], failure.facts["below"]) == ("0", "1")


def test_name_constraints_violated(pki: Pki) -> None:
    constraints = x509.NameConstraints(
        permitted_subtrees=[x509.DNSName("internal.example.com")], excluded_subtrees=None
    )
    ca = pki.lab.intermediate_ca(pki.root, "Internal CA", name_constraints=constraints)
    leaf = pki.lab.server(ca, ["zcee.example.com"], label="under internal")
    failure = failure_of(check(leaf, [ca], [pki.root], pki.at))
    assert failure.kind == "name-constraints" and failure.certificate == ca.certificate
    assert failure.detail == (
        "The intermediate CA certificate 'CN=Internal CA' constrains names (permitted: "
        "DNS:internal.example.com); the server certificate 'CN=zcee.example.com' has "
        "DNS:zcee.example.com."
    )
    assert "4.2.1.10" in failure.rfc


def test_bad_signature_look_alike_issuer(pki: Pki) -> None:
    impostor_lab = Lab(seed="another PKI with the same names")
    impostor = impostor_lab.intermediate_ca(
        impostor_lab.root_ca("Verify Root CA"), "Verify Issuing CA"
    )
    leaf = impostor_lab.server(impostor, ["zcee.example.com"])
    failure = failure_of(check(leaf, [pki.inter], [pki.root], pki.at))
    assert failure.kind == "bad-signature" and failure.certificate == leaf.certificate
    assert failure.detail == (
        "The signature of the server certificate 'CN=zcee.example.com' does not verify with the "
        "key of 'CN=Verify Issuing CA' (intermediate CA certificate), although the names match."
    )
    assert "6.1.3 (a)(1)" in failure.rfc


def test_bad_signature_look_alike_trust_anchor(pki: Pki) -> None:
    look_alike = pki.lab.root_ca("Verify Root CA", label="a new key, the same name")
    failure = failure_of(check(pki.server, [pki.inter], [look_alike], pki.at))
    assert failure.kind == "bad-signature" and failure.certificate == pki.inter.certificate
    assert failure.facts["ca_role"] == "trusted CA certificate"
    sketch = failure.keyring_fix()
    assert "REMOVE(CERTAUTH +\n  LABEL('Verify Root CA') RING(Liberty.KeyRing))" in sketch
    assert "WITHLABEL('Verify Root CA new') TRUST" in sketch


def test_ca_certificate_as_leaf_and_reversed_chain(pki: Pki) -> None:
    san = x509.SubjectAlternativeName([x509.DNSName("zcee.example.com")])
    ca = pki.lab.intermediate_ca(pki.root, "CA With SAN", extra_extensions=[(san, False)])
    leaf = pki.lab.server(ca, ["zcee.example.com"], label="under ca-with-san")
    failure = failure_of(check(ca, [leaf], [pki.root], pki.at))
    assert failure.kind == "leaf-is-ca" and failure.certificate == ca.certificate
    assert failure.notes == (
        "The chain looks reversed: 'CN=zcee.example.com' was issued by the first certificate. "
        "List the leaf first, then its issuers.",
    )


def test_client_certificate_without_san_verifies(pki: Pki) -> None:
    """RFC 5280 needs no SAN when the subject names the client; the lab's client has none."""
    client = pki.lab.client(pki.inter, "ZCEEUSR")
    assert client.certificate.subject.rfc4514_string() == "CN=ZCEEUSR"
    with pytest.raises(x509.ExtensionNotFound):
        client.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    result = check(client, [pki.inter], [pki.root], pki.at, client=True)
    assert result.ok
    assert "Note: the client certificate has no subjectAltName. RFC 5280 needs none" in (
        result.to_text()
    )
    # cryptography's default client profile is the web PKI's, and refuses it: certkit says so
    # (in client_leaf_policy's documentation and the note) rather than pretend otherwise.
    default = PolicyBuilder().store(Store([pki.root.certificate])).time(pki.at)
    with pytest.raises(VerificationError, match="missing required extension"):
        default.build_client_verifier().verify(client.certificate, [pki.inter.certificate])
    lab = Lab(seed="verify client")
    lab_pki = lab.pki()  # the lab PKI's own client certificate, as certkit pki create makes it
    result = verify_chain(
        lab_pki.client.certificate,
        [lab_pki.intermediate.certificate],
        [lab_pki.root.certificate],
        client=True,
        at=lab.now + dt.timedelta(days=1),
    )
    assert result.ok, result.to_text()


def _nameless_client(pki: Pki, san: x509.SubjectAlternativeName | None, critical: bool) -> Issued:
    """A client certificate with an empty subject (cryptography's builder, the lab's CA)."""
    model = pki.lab.client(pki.inter, "model").certificate
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(model.issuer)
        .public_key(model.public_key())
        .serial_number(model.serial_number + 1)
        .not_valid_before(model.not_valid_before_utc)
        .not_valid_after(model.not_valid_after_utc)
    )
    for extension in model.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    if san is not None:
        builder = builder.add_extension(san, critical)
    assert pki.inter.private_key is not None
    certificate = builder.sign(pki.inter.private_key, hashes.SHA256())  # type: ignore[arg-type]
    return Issued(certificate, None, pki.inter)


def test_client_certificate_that_names_no_one(pki: Pki) -> None:
    nobody = _nameless_client(pki, None, False)
    failure = failure_of(check(nobody, [pki.inter], [pki.root], pki.at, client=True))
    assert failure.kind == "client-no-san" and failure.certificate == nobody.certificate
    assert "empty subject and no subjectAltName" in failure.detail
    assert "RFC 5280" in failure.rfc and "ALTNAME(EMAIL(" in failure.keyring_fix()
    mail = x509.SubjectAlternativeName([x509.RFC822Name("user@example.com")])
    assert check(_nameless_client(pki, mail, True), [pki.inter], [pki.root], pki.at, client=True).ok
    not_critical = _nameless_client(pki, mail, False)
    failure = failure_of(check(not_critical, [pki.inter], [pki.root], pki.at, client=True))
    assert failure.kind == "malformed" and "MUST be critical" in failure.message


def test_chain_longer_than_max_depth(pki: Pki) -> None:
    failure = failure_of(check(pki.server, [pki.inter], [pki.root], pki.at, max_chain_depth=0))
    assert failure.kind == "max-depth" and failure.certificate is None
    assert "at most 0 intermediate" in failure.detail and failure.role == ""
    assert check(pki.server, [pki.inter], [pki.root], pki.at, max_chain_depth=1).ok
    # Past cryptography's default depth (8 on cryptography 50), the figure is the default.
    ca = pki.root
    chain = []
    for number in range(10):
        ca = pki.lab.intermediate_ca(ca, f"Deep CA {number}", path_length=None)
        chain.append(ca)
    leaf = pki.lab.server(ca, ["zcee.example.com"], label="deep leaf")
    failure = failure_of(check(leaf, chain, [pki.root], pki.at))
    assert failure.kind == "max-depth", failure.message
    assert re.search(r"at most \d+ intermediate", failure.detail), failure.detail


def test_algorithm_not_accepted(pki: Pki) -> None:
    root = pki.lab.root_ca("Ed Root CA", key_type="ed25519")
    inter = pki.lab.intermediate_ca(root, "Ed Issuing CA", key_type="ed25519")
    leaf = pki.lab.server(inter, ["zcee.example.com"], key_type="ed25519", label="ed leaf")
    failure = failure_of(check(leaf, [inter], [root], pki.at))
    assert failure.kind == "algorithm" and failure.certificate is not None
    assert "has an Ed25519 key, signed with no separate hash, which" in failure.detail
    assert "Ed25519 are refused" in failure.rule


def test_unrecognized_critical_extension(pki: Pki) -> None:
    private = x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.55738.666.1"), b"\x05\x00")
    leaf = pki.lab.server(
        pki.inter, ["zcee.example.com"], label="private ext", extra_extensions=[(private, True)]
    )
    failure = failure_of(check(leaf, [pki.inter], [pki.root], pki.at))
    assert failure.kind == "critical-extension" and failure.certificate == leaf.certificate
    assert "section 4.2" in failure.rfc and "non-critical" in failure.fix


def test_unknown_messages_are_explained_as_other() -> None:
    assert message_group("a message no version of cryptography has printed yet") == "other"


# -- hostile pool ---------------------------------------------------------------------------------


def hostile_pool(lab: Lab, size: int) -> tuple[Issued, list[x509.Certificate]]:
    """``size`` CA certificates with one name and one key, each signing the next; none trusted."""
    ca = lab.root_ca("Hostile CA", label="hostile")
    pool = [ca.certificate]
    for number in range(1, size):
        ca = lab.intermediate_ca(
            ca, "Hostile CA", label="hostile", path_length=None, days=400 + number
        )
        pool.append(ca.certificate)
    return lab.server(ca, ["zcee.example.com"], label="hostile leaf"), pool


def decoy_pool(
    lab: Lab, trusted: Issued, size: int
) -> tuple[Issued, Issued, list[x509.Certificate]]:
    """A valid chain hidden among ``size`` cross-signed look-alikes of its CA and of the root."""
    good = lab.intermediate_ca(trusted, "Pool Issuing CA", label="pool", path_length=None)
    decoys: list[x509.Certificate] = []
    for number in range(size):
        fake_root = lab.root_ca(
            trusted.certificate.subject.rfc4514_string()[3:], label=f"decoy {number}"
        )
        cross = lab.intermediate_ca(
            fake_root, "Pool Issuing CA", label="pool", path_length=None, days=900 + number
        )
        decoys += [fake_root.certificate, cross.certificate]
    return lab.server(good, ["zcee.example.com"], label="pool leaf"), good, decoys


def cryptography_ok(
    leaf: x509.Certificate, pool: list[x509.Certificate], trust: Issued, at: dt.datetime
) -> bool:
    verifier = PolicyBuilder().store(Store([trust.certificate])).time(at)
    try:
        verifier.build_server_verifier(DNSName("zcee.example.com")).verify(leaf, pool)
    except VerificationError:
        return False
    return True


def test_hostile_pool_same_name_same_key_is_rejected_in_time(pki: Pki) -> None:
    leaf, pool = hostile_pool(pki.lab, 300)
    result = within(
        HARD_TIMEOUT_SECONDS,
        lambda: verify_chain(
            leaf.certificate, pool, [pki.root.certificate], host="zcee.example.com", at=pki.at
        ),
        "verification",
    )
    assert not result.ok
    assert result.ok is cryptography_ok(leaf.certificate, pool, pki.root, pki.at)
    failure = failure_of(result)
    assert failure.kind == "resource-limit", failure.message
    assert "301 certificates were supplied" in failure.detail  # and the trust anchor
    assert_racf_sketch(failure.keyring_fix())


@pytest.mark.parametrize("good_first", [True, False], ids=["valid-path-first", "decoys-first"])
def test_hostile_pool_of_cross_signed_decoys(pki: Pki, good_first: bool) -> None:
    leaf, good, decoys = decoy_pool(pki.lab, pki.root, 150)
    pool = [good.certificate, *decoys] if good_first else [*decoys, good.certificate]
    result = within(
        HARD_TIMEOUT_SECONDS,
        lambda: verify_chain(
            leaf.certificate, pool, [pki.root.certificate], host="zcee.example.com", at=pki.at
        ),
        "verification",
    )
    # The verdict is cryptography's: with the valid path first it is found; behind 300
    # look-alikes cryptography 50 stops at its signature-check limit and rejects the chain.
    assert result.ok is cryptography_ok(leaf.certificate, pool, pki.root, pki.at)
    if result.ok:
        assert result.chain == [leaf.certificate, good.certificate, pki.root.certificate]
    else:
        assert failure_of(result).kind == "resource-limit"


# -- input ----------------------------------------------------------------------------------------


def test_bad_arguments_raise_input_error(pki: Pki) -> None:
    leaf, inters, trust = pki.server.certificate, [pki.inter.certificate], [pki.root.certificate]
    with pytest.raises(InputError, match="no trusted CA certificate"):
        verify_chain(leaf, inters, [], host="zcee.example.com")
    with pytest.raises(InputError, match="verified for a host name"):
        verify_chain(leaf, inters, trust)
    with pytest.raises(InputError, match="without a host name"):
        verify_chain(leaf, inters, trust, host="zcee.example.com", client=True)
    with pytest.raises(InputError, match="not a valid DNS name"):
        verify_chain(leaf, inters, trust, host="foo_bar.example.com")
    with pytest.raises(InputError, match="host name is empty"):
        verify_chain(leaf, inters, trust, host=" ")
    with pytest.raises(InputError, match="from 0 to 255"):
        verify_chain(leaf, inters, trust, host="zcee.example.com", max_chain_depth=256)
    failure = failure_of(check(pki.server, [], [pki.root], pki.at))
    with pytest.raises(InputError, match="RACF user ID"):
        failure.keyring_fix("TOOLONGUSER")
    with pytest.raises(InputError, match="ring name"):
        failure.keyring_fix("LIBSRV", "my ring")
    assert "ID(LIBSRV)" in failure.keyring_fix("libsrv")


# -- the data file --------------------------------------------------------------------------------


def test_every_failure_class_is_explained_in_the_data_file() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert list(data["classes"]) == list(FAILURE_CLASSES)
    known = set(FACT_NAMES) | {"owner", "ring"}
    placeholder = re.compile(r"\{(\w+)\}")
    for kind, entry in data["classes"].items():
        for key in ("title", "rfc", "rule", "detail", "fix", "keyring"):
            assert entry[key], (kind, key)
        assert entry["rfc"].startswith(("RFC 5280", "not an RFC 5280 rule")), kind
        for variant in entry.get("variants", {}).values():
            assert set(variant) <= {"title", "rfc", "rule", "detail", "fix", "keyring"}, kind
        used = set(placeholder.findall(json.dumps(entry)))
        assert used <= known, (kind, used - known)
    groups = {group for _, group in data["messages"]}
    assert groups <= set(FAILURE_CLASSES) | {"validity", "no-path"}
    assert set(placeholder.findall(json.dumps(data["notes"]))) <= known


def test_sketches_fit_with_the_longest_labels() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    facts = dict.fromkeys(FACT_NAMES, "x" * 32)
    facts.update(
        host_q="zcee.example.com", altname="DOMAIN('zcee.example.com')", purpose="serverAuth"
    )
    facts.update(subject_cn="x" * 32, host_or_names="'zcee.example.com'")
    for kind, entry in data["classes"].items():
        for lines in [
            entry["keyring"],
            *(v["keyring"] for v in entry.get("variants", {}).values() if "keyring" in v),
        ]:
            failure = Failure(
                kind, "", "", None, "", "", "", "", "", facts=facts, keyring_template=tuple(lines)
            )
            assert_racf_sketch(failure.keyring_fix("ABCDEFGH", "Keyring.ZCEE"))


# -- the certkit command --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("verify-cli")
    (folder / "fullchain.pem").write_text(pki.server.fullchain_pem())
    (folder / "leaf.der").write_bytes(pki.server.der)
    (folder / "root.pem").write_text(pki.root.pem)
    (folder / "inter.pem").write_text(pki.inter.pem)
    client = pki.lab.client(pki.inter, "zcee user", emails=["zcee.user@example.com"])
    (folder / "client.pem").write_text(client.fullchain_pem())
    (folder / "bundle.pem").write_text(pem_bundle([pki.lab.root_ca("Unrelated").certificate]))
    (folder / "key.pem").write_text(pki.server.key_pem())
    return folder


def certkit(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CERTKIT), "verify", *argv], cwd=folder, capture_output=True, text=True, check=False
    )


AT = ["--at", "2026-01-02T00:00:00Z"]


def test_cli_verified(files: Path) -> None:
    run = certkit(files, "--host", "zcee.example.com", "fullchain.pem", "--trust", "root.pem", *AT)
    assert (run.returncode, run.stderr) == (0, "")
    assert (
        run.stdout.splitlines()[0]
        == "verified for host zcee.example.com at 2026-01-02 00:00:00 UTC"
    )
    run = certkit(
        files, "--client", "client.pem", "--trust", "bundle.pem", "--trust", "root.pem", *AT
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_cli_not_verified_prints_the_explanation(files: Path) -> None:
    run = certkit(files, "--host", "zcee.example.com", "leaf.der", "--trust", "root.pem", *AT)
    assert run.returncode == 1 and run.stderr == ""
    assert run.stdout.startswith(
        "NOT verified for host zcee.example.com at 2026-01-02 00:00:00 UTC:\n"
        "  missing intermediate CA certificate\n"
    )
    assert "RACDCERT ID(LIBSERV) CONNECT(CERTAUTH +" in run.stdout
    run = certkit(
        files, "--host", "zcee.example.com", "fullchain.pem", "--trust", "root.pem",
        "--at", "2027-01-01", "--ring-owner", "zceesrv", "--ring", "ZCEE.Ring",
    )  # fmt: skip
    assert run.returncode == 1 and "certificate expired" in run.stdout.splitlines()[1]
    assert "RACDCERT ID(ZCEESRV) +\n      GENREQ" in run.stdout and "RING(ZCEE.Ring)" in run.stdout


def test_cli_reversed_chain_file(pki: Pki, files: Path) -> None:
    (files / "reversed.pem").write_text(pem_bundle(reversed(pki.server.chain(include_root=False))))
    run = certkit(files, "--host", "zcee.example.com", "reversed.pem", "--trust", "root.pem", *AT)
    assert run.returncode == 1
    text = " ".join(run.stdout.split())
    assert "Note: The first certificate, 'CN=Verify Issuing CA', is a CA certificate" in text
    assert "Note: The chain looks reversed: 'CN=zcee.example.com' was issued by the first" in text


def test_cli_json(files: Path) -> None:
    run = certkit(
        files, "--host", "other.example.com", "fullchain.pem", "--trust", "root.pem", *AT, "--json"
    )
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["ok"] is False and data["host"] == "other.example.com"
    assert data["failure"]["class"] == "name-mismatch"
    assert data["failure"]["certificate"]["subject"] == "CN=zcee.example.com"
    assert "ALTNAME(DOMAIN('other.example.com'))" in data["failure"]["keyring_fix"]
    run = certkit(
        files, "--host", "zcee.example.com", "fullchain.pem", "--trust", "root.pem", *AT, "--json"
    )
    data = json.loads(run.stdout)
    assert run.returncode == 0 and data["ok"] is True and data["failure"] is None
    assert [c["subject"] for c in data["chain"]] == [
        "CN=zcee.example.com",
        "CN=Verify Issuing CA",
        "CN=Verify Root CA",
    ]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["--host", "zcee.example.com", "fullchain.pem", "--trust", "absent.pem"],
            "absent.pem: no such file",
        ),
        (
            ["--host", "zcee.example.com", "key.pem", "--trust", "root.pem"],
            "is a private key, not a certificate",
        ),
        (["--host", "zcee.example.com", "fullchain.pem"], "--trust"),
        (["fullchain.pem", "--trust", "root.pem"], "give --host NAME"),
        (["--client", "--host", "x", "client.pem", "--trust", "root.pem"], "drop --host"),
        (
            ["--host", "zcee.example.com", "fullchain.pem", "--trust", "root.pem", "--at", "soon"],
            "ISO 8601",
        ),
        (
            ["--host", "foo_bar.example.com", "fullchain.pem", "--trust", "root.pem"],
            "not a valid DNS name",
        ),
        (
            [
                "--host",
                "zcee.example.com",
                "fullchain.pem",
                "--trust",
                "root.pem",
                "--max-chain-depth",
                "x",
            ],
            "invalid int",
        ),
        (
            [
                "--host",
                "x.example.com",
                "fullchain.pem",
                "--trust",
                "root.pem",
                "--ring-owner",
                "WAYTOOLONG",
            ],
            "RACF user ID",
        ),
    ],
)
def test_cli_bad_input(files: Path, argv: list[str], fragment: str) -> None:
    run = certkit(files, *argv)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout == "" and "Traceback" not in run.stderr
    assert run.stderr.startswith("certkit: error: ") and run.stderr.count("\n") == 1, run.stderr
    assert fragment in run.stderr


def test_the_pki_chapters_verdict_table_names_every_failure_class() -> None:
    # docs/pki.md, "Why chains break": one row per verdict, in words; the words are the page's,
    # the verdicts must be the library's.
    page = (Path(__file__).resolve().parents[2] / "docs" / "pki.md").read_text("utf-8")
    section = page.split("## Why chains break", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    named = {name for row in rows for name in re.findall(r"`([a-z-]+)`", row.split("|")[1])}
    assert named == set(FAILURE_CLASSES) - {"other"}


def test_a_certificate_whose_parts_do_not_decode_is_a_verdict_not_a_crash() -> None:
    """cryptography's verifier raises ValueError for a subject that is not UTF-8: 'malformed'."""
    leaf = bad_inputs.bad_subject_certificate()
    result = verify_chain(
        leaf,
        [bad_inputs.INTERMEDIATE.certificate],
        [bad_inputs.ROOT.certificate],
        host="zzzzhost.example.com",
        at=bad_inputs.AT,
    )
    failure = failure_of(result)
    assert failure.kind == "malformed" and failure.certificate == leaf
    assert failure.message == "malformed certificate: an invalid value in subject"
    assert "'CN=(name does not decode)'" in failure.detail
    assert result.to_text() and json.dumps(result.to_dict())
    as_anchor = verify_chain(leaf, [], [leaf], host="zzzzhost.example.com", at=bad_inputs.AT)
    assert as_anchor.to_text() and json.dumps(as_anchor.to_dict())
