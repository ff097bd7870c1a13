"""Bundles of many certificates: who signed whom and which key is whose, found by lookup.

``describe`` and the loader used to try every certificate against every other (and every key
against every certificate); they now look candidates up by name and by public key. These tests
check the lookups against the pairwise answer on bundles made to trip them: copies of one
certificate, look-alike CAs with the same name and another key, keys with and without their
certificate. How the time grows with the size of a bundle is measured in bench/bundles.py.
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from certkit import Lab
from certkit.certificates.anatomy import describe
from certkit.certificates.load import keys_match, load_bundle, load_private_key
from certkit.certificates.names import signed_by

LAB = Lab(seed="bundles")
PKI = LAB.pki()
ROOT, INTERMEDIATE, SERVER, CLIENT = PKI.root, PKI.intermediate, PKI.server, PKI.client
AT = LAB.now + dt.timedelta(days=1)
# Same name as the real intermediate, another key: it signs nothing in the bundle.
LOOK_ALIKES = [
    LAB.intermediate_ca(ROOT, "certkit Lab Intermediate CA", label=f"look-alike {n}")
    for n in range(10)
]
OTHER = LAB.server(LAB.intermediate_ca(ROOT, "Other CA", label="other"), ["other.example.com"])


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(issued: object) -> bytes:
    return issued.key_pem().encode()  # type: ignore[attr-defined]


def hostile_bundle() -> bytes:
    """Leaves first, look-alike CAs before the real one, copies of everything, stray keys."""
    parts = [pem(SERVER.certificate), key_pem(CLIENT), pem(CLIENT.certificate)]
    parts += [pem(c.certificate) for c in LOOK_ALIKES]
    parts += [pem(INTERMEDIATE.certificate), pem(SERVER.certificate), key_pem(SERVER)]
    parts += [pem(ROOT.certificate), pem(INTERMEDIATE.certificate), key_pem(OTHER)]
    parts += [pem(OTHER.certificate), pem(ROOT.certificate), key_pem(SERVER)]
    return b"".join(parts)


def test_issuers_found_by_lookup_are_the_pairwise_ones() -> None:
    bundle = load_bundle(hostile_bundle(), "hostile.pem")
    certificates = bundle.certificates
    description = describe(bundle, at=AT)
    pairwise = []
    for number, cert in enumerate(certificates, start=1):
        if signed_by(cert, cert):
            pairwise.append(None)
            continue
        pairwise.append(
            next(
                (
                    n
                    for n, c in enumerate(certificates, start=1)
                    if n != number and signed_by(cert, c)
                ),
                None,
            )
        )
    assert [c.issued_by for c in description.certificates] == pairwise
    assert pairwise.count(None) == 3  # the two roots, and OTHER, whose CA is not here
    # The real intermediate comes after ten look-alikes, more than a certificate's probes: its
    # key identifier (the leaf's authority key identifier) puts it first.
    assert description.certificates[0].issued_by == len(LOOK_ALIKES) + 3


def test_keys_found_by_lookup_are_the_pairwise_ones() -> None:
    bundle = load_bundle(hostile_bundle(), "hostile.pem")
    certificates = bundle.certificates
    description = describe(bundle, at=AT)
    pairwise = [
        next((n for n, c in enumerate(certificates, start=1) if keys_match(c, key)), None)  # type: ignore[arg-type]
        for key in bundle.private_keys
    ]
    assert [k.certificate for k in description.keys] == pairwise == [2, 1, len(certificates) - 1, 1]
    # The loader's own check: no key of this bundle lacks its certificate.
    assert not bundle.problems
    stray = load_bundle(pem(SERVER.certificate) * 3 + key_pem(CLIENT) * 2, "stray.pem")
    assert [p.block for p in stray.problems] == [4, 5]


def test_a_long_value_ending_in_hex_pairs_is_cut_sixteen_pairs_a_line() -> None:
    def pairs(first: int, last: int) -> str:
        return ":".join(f"{n:02X}" for n in range(first, last + 1))

    for tail, expected in (
        (pairs(0, 39), [pairs(16, 31), pairs(32, 39)]),
        (pairs(1, 39), [pairs(17, 32), pairs(33, 39)]),
        (pairs(0, 39) + "x", []),  # not a run of hex pairs at the end: wrapped as text
    ):
        names = [x509.DNSName("a.example.com"), x509.DNSName(f"b.example.com{tail}")]
        cert = LAB.server(  # a SAN no host name check would let through: built as it is
            INTERMEDIATE,
            ["a.example.com"],
            label=tail,
            omit=[x509.SubjectAlternativeName],
            extra_extensions=[(x509.SubjectAlternativeName(names), False)],
        ).certificate
        lines = [line.strip() for line in describe(cert, at=AT).to_text().splitlines()]
        assert [line for line in lines if line in (pairs(16, 31), pairs(17, 32))] == expected[:1]
        if expected:
            assert expected[1] in lines


def test_a_key_file_with_thousands_of_blocks_cut_short_gives_its_key() -> None:
    """BEGIN lines without END lines are skipped in one pass (a regex rescanned the file)."""
    begin = b"-----BEGIN " + b"PRIVATE KEY-----"  # in two: the repository's key guard greps for it
    cut_short = (begin + b"\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n") * 5000
    key = load_private_key(cut_short + key_pem(SERVER), "key.pem")
    assert keys_match(SERVER.certificate, key)
