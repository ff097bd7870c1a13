"""Damaged files through everything that reads them: load, describe, lint and verify.

Each test feeds damaged DER, PEM and bundles (tests/fuzz/mutations.py) to a loader, then hands
whatever loaded to the code that explains it, as ``certkit inspect``, ``lint`` and ``verify``
do. Only certkit's own error may come out, and every result must print as text and as JSON.
"""

from __future__ import annotations

import warnings

import pytest
from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from hypothesis import given
from hypothesis import strategies as st

from certkit.certificates.anatomy import describe
from certkit.certificates.lint import lint_report
from certkit.certificates.load import (
    Bundle,
    Item,
    load_bundle,
    load_certificates,
    load_private_key,
)
from certkit.certificates.verify import verify_chain
from fuzz.budget import fuzz
from fuzz.check import answer, printable
from fuzz.corpus import AT, CERTIFICATES, DER_SEEDS, HOST, INTERMEDIATE, PASSWORD, ROOT, SERVER
from fuzz.mutations import der_inputs, files

# cryptography warns of what damage makes (a negative serial, an empty name attribute).
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

PASSWORDS = st.sampled_from([None, PASSWORD, "wrong"])
CERTIFICATE_SEEDS = {name: DER_SEEDS[name] for name in CERTIFICATES}


def explained(bundle: Bundle) -> None:
    """What ``certkit inspect`` does with a bundle: describe it, print it both ways."""
    description = describe(bundle, at=AT)
    printable(description)
    description.summary_of_problems()


def linted_and_verified(certificates: list[x509.Certificate]) -> None:
    """What ``certkit lint`` and ``certkit verify`` do with the certificates of a file."""
    with warnings.catch_warnings():  # as certkit lint does (negative serials, ...)
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for cert in certificates[:3]:
            for role in (None, "ca"):
                report = answer(lint_report, cert, role=role, at=AT, source="fuzz.pem")
                if report is not None:
                    printable(report)
        if not certificates:
            return
        leaf, rest = certificates[0], certificates[1:]
        for trust in ([ROOT.certificate], [certificates[-1]]):
            for host, client in ((HOST, False), (None, True)):
                result = answer(verify_chain, leaf, rest, trust, host=host, client=client, at=AT)
                if result is not None:
                    printable(result)


@fuzz(150)
@given(files(), PASSWORDS)
def test_a_damaged_file_is_described_or_refused(data: bytes, password: object) -> None:
    bundle = answer(load_bundle, data, "fuzz.pem", password=password)
    if bundle is not None:
        assert bundle.items or bundle.problems
        explained(bundle)


@fuzz(100)
@given(files())
def test_what_loads_from_a_damaged_file_is_linted_and_verified(data: bytes) -> None:
    bundle = answer(load_bundle, data, "fuzz.pem", password=PASSWORD)
    if bundle is not None:
        linted_and_verified(bundle.certificates)


@fuzz(150)
@given(files(), PASSWORDS)
def test_the_strict_loaders_load_or_refuse(data: bytes, password: object) -> None:
    certificates = answer(load_certificates, data, "fuzz.pem")
    assert certificates is None or all(isinstance(c, x509.Certificate) for c in certificates)
    answer(load_private_key, data, "key.pem", password=password)


@fuzz(200)
@given(der_inputs(CERTIFICATE_SEEDS, layers=("der",)))
def test_a_certificate_with_damaged_fields_is_explained(data: bytes) -> None:
    """Structure-aware damage that cryptography still loads: its fields are read lazily."""
    try:
        cert = x509.load_der_x509_certificate(data)
    except (ValueError, x509.InvalidVersion):
        return  # not a certificate any more: test_a_damaged_file... covers the refusal
    explained(Bundle("fuzz.der", "DER", [Item(1, "certificate", cert)]))
    linted_and_verified([cert, INTERMEDIATE.certificate])  # as the leaf
    for intermediates, trust in (
        ([cert], [ROOT.certificate]),
        ([INTERMEDIATE.certificate], [cert]),
    ):
        result = answer(verify_chain, SERVER.certificate, intermediates, trust, host=HOST, at=AT)
        if result is not None:  # as the intermediate, as the trust anchor
            printable(result)
