"""x509-limbo as a peer test suite: certkit.certificates.verify gives cryptography's own verdict on every case.

The suite (9,780 path-validation cases, ../shared/peer-suites/x509-limbo/, README there) is run
twice per case: once straight through ``cryptography.x509.verification``, mapped the way
cryptography's own limbo harness maps a case, and once through ``certkit.certificates.verify.verify_chain``.
Both verdicts must be the same on every case; a deliberate deviation would be listed in
``DEVIATIONS`` by id, with the reason. Every failure must also come with an explanation that
renders (the diagnosis reads many malformed certificates here and must never crash).

Mapping of the case fields (as in cryptography's harness, extended to CLIENT cases):

* ``trusted_certs`` -> the trust store; ``untrusted_intermediates`` -> intermediates;
  ``peer_certificate`` -> the leaf.
* ``validation_time`` -> the time; when absent, one fixed "now" for both verdicts.
* ``validation_kind`` SERVER -> ``build_server_verifier`` for ``expected_peer_name`` (DNS or
  IP); certkit gets it as ``host``. A name cryptography refuses to build a verifier for
  (``ValueError``) is a FAILURE, as in cryptography's harness; certkit refuses it with
  ``InputError``, which counts as FAILURE too.
* CLIENT -> ``build_client_verifier``; certkit ``client=True``.
* ``extended_key_usage``: the server verifier requires serverAuth and the client verifier
  clientAuth, so only ``[]`` or that one EKU can be expressed.
* ``max_chain_depth`` -> ``max_chain_depth``.
* Not expressible in either API and so ignored by both verdicts: ``key_usage`` (2 cases ask
  for digitalSignature), ``expected_peer_names`` of CLIENT cases, ``crls``.
* A SERVER case without a peer name cannot be expressed at all: cryptography needs a subject
  and certkit a host. It is listed in ``INEXPRESSIBLE``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import json
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cryptography
import pytest
from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError
from timeouts import within

from certkit.certificates.verify import FAILURE_CLASSES, verify_chain
from certkit.errors import InputError

LIMBO = (
    Path(__file__).resolve().parents[3] / "shared" / "peer-suites" / "x509-limbo" / "limbo.json.gz"
)

DEVIATIONS: dict[str, str] = {}
"""Cases where certkit deliberately gives another verdict than cryptography, by id: none."""

INEXPRESSIBLE: dict[str, str] = {
    "rfc5280::nc::permitted-dn-match": (
        "a SERVER case with no expected peer name: cryptography's server verifier needs a "
        "subject and certkit a host; both refuse to verify without one"
    ),
}
"""Cases neither verifier can be asked, by id, with the reason."""

EXPECTED_TOTALS = {"50.0.2": {"agree": 9739, "disagree": 40, "inexpressible": 1}}
"""cryptography's verdict against expected_result, from the limbo README, per version measured."""

TIME_LIMIT_SECONDS = 300
"""A hard limit for the whole suite (it takes seconds); hitting it means a verifier hangs."""


def load_limbo() -> list[dict[str, Any]]:
    if not LIMBO.is_file():
        pytest.fail(
            f"x509-limbo is missing: {LIMBO} does not exist. The peer suite lives beside the "
            "repository in ../shared/peer-suites/x509-limbo/ (see its README); put it there.",
            pytrace=False,
        )
    with gzip.open(LIMBO, "rt", encoding="utf-8") as f:
        data = json.load(f)
    testcases: list[dict[str, Any]] = data["testcases"]
    return testcases


def pem(text: str) -> x509.Certificate:
    with warnings.catch_warnings():
        # A few cases carry negative or zero serial numbers on purpose.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_pem_x509_certificate(text.encode())


class Inexpressible(Exception):
    pass


def peer_name(case: dict[str, Any]) -> x509.DNSName | x509.IPAddress:
    name = case["expected_peer_name"]
    if name is None:
        raise Inexpressible("no peer name")
    if name["kind"] == "DNS":
        return x509.DNSName(name["value"])
    if name["kind"] == "IP":
        return x509.IPAddress(ipaddress.ip_address(name["value"]))
    raise Inexpressible(f"peer name kind {name['kind']}")


def check_expressible(case: dict[str, Any]) -> None:
    if case["signature_algorithms"]:
        raise Inexpressible("signature algorithm selection")
    eku = "clientAuth" if case["validation_kind"] == "CLIENT" else "serverAuth"
    if case["extended_key_usage"] not in ([], [eku]):
        raise Inexpressible(f"EKU {case['extended_key_usage']}")
    if case["validation_kind"] == "SERVER":
        peer_name(case)
        name = case["expected_peer_name"]
        if name["kind"] == "DNS" and is_ip_address(name["value"]):
            raise Inexpressible("a DNS peer name that certkit would read as an IP address")


def is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def cryptography_verdict(case: dict[str, Any], certs: dict[str, Any], now: dt.datetime) -> str:
    builder = PolicyBuilder().store(Store(certs["trusted"])).time(certs["time"] or now)
    if case["max_chain_depth"] is not None:
        builder = builder.max_chain_depth(case["max_chain_depth"])
    try:
        if case["validation_kind"] == "CLIENT":
            builder.build_client_verifier().verify(certs["peer"], certs["untrusted"])
        else:
            verifier = builder.build_server_verifier(peer_name(case))
            verifier.verify(certs["peer"], certs["untrusted"])
    except (VerificationError, ValueError):
        return "FAILURE"
    return "SUCCESS"


def certkit_verdict(
    case: dict[str, Any], certs: dict[str, Any], now: dt.datetime, classes: Counter[str]
) -> str:
    client = case["validation_kind"] == "CLIENT"
    name = case["expected_peer_name"]
    try:
        result = verify_chain(
            certs["peer"],
            certs["untrusted"],
            certs["trusted"],
            host=None if client else name["value"],
            client=client,
            at=certs["time"] or now,
            max_chain_depth=case["max_chain_depth"],
        )
    except InputError:
        classes["(refused: InputError)"] += 1
        return "FAILURE"
    if result.ok:
        assert result.failure is None and result.chain[0] == certs["peer"], case["id"]
        assert result.chain[-1] in certs["trusted"], case["id"]
        return "SUCCESS"
    failure = result.failure
    assert failure is not None and failure.kind in FAILURE_CLASSES, case["id"]
    assert result.to_text() and json.dumps(result.to_dict()), case["id"]
    classes[failure.kind] += 1
    return "FAILURE"


def run_suite(now: dt.datetime) -> dict[str, Any]:
    testcases = load_limbo()
    totals: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    differ: dict[str, tuple[str, str]] = {}
    inexpressible: dict[str, str] = {}
    for case in testcases:
        try:
            check_expressible(case)
        except Inexpressible as exc:
            inexpressible[case["id"]] = str(exc)
            totals["inexpressible"] += 1
            client = case["validation_kind"] == "CLIENT"
            if not client and case["expected_peer_name"] is None:
                # certkit refuses it just as cryptography cannot be asked.
                with pytest.raises(InputError):
                    verify_chain(pem(case["peer_certificate"]), (), [pem(case["trusted_certs"][0])])
            continue
        certs = {
            "trusted": [pem(c) for c in case["trusted_certs"]],
            "untrusted": [pem(c) for c in case["untrusted_intermediates"]],
            "peer": pem(case["peer_certificate"]),
            "time": (
                dt.datetime.fromisoformat(case["validation_time"])
                if case["validation_time"]
                else None
            ),
        }
        theirs = cryptography_verdict(case, certs, now)
        ours = certkit_verdict(case, certs, now, classes)
        totals["agree" if theirs == case["expected_result"] else "disagree"] += 1
        totals[f"cryptography {theirs}"] += 1
        if ours != theirs:
            differ[case["id"]] = (theirs, ours)
    return {
        "cases": len(testcases),
        "totals": totals,
        "classes": classes,
        "differ": differ,
        "inexpressible": inexpressible,
    }


def test_limbo_certkit_agrees_with_cryptography(
    record_property: Callable[[str, object], None],
) -> None:
    now = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    run = within(TIME_LIMIT_SECONDS, lambda: run_suite(now), "x509-limbo (a verification hangs)")
    seconds = time.perf_counter() - start

    totals = run["totals"]
    summary = (
        f"x509-limbo: {run['cases']} cases in {seconds:.1f} s; certkit = cryptography on "
        f"{run['cases'] - len(run['differ']) - totals['inexpressible']}, differ on "
        f"{len(run['differ'])}, inexpressible {totals['inexpressible']}; cryptography vs "
        f"expected_result: {totals['agree']} agree, {totals['disagree']} disagree; "
        f"certkit failure classes: {dict(run['classes'].most_common())}"
    )
    print(summary)
    record_property("limbo", summary)

    assert run["cases"] == 9780
    unexpected = {k: v for k, v in run["differ"].items() if k not in DEVIATIONS}
    assert not unexpected, f"certkit and cryptography differ (theirs, ours): {unexpected}"
    assert set(run["differ"]) == set(DEVIATIONS), "a listed deviation no longer occurs"
    assert set(run["inexpressible"]) == set(INEXPRESSIBLE), run["inexpressible"]
    expected = EXPECTED_TOTALS.get(cryptography.__version__)
    if expected is not None:
        assert {k: totals[k] for k in expected} == expected, summary


def test_limbo_missing_file_fails_clearly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys.modules[__name__], "LIMBO", tmp_path / "absent" / "limbo.json.gz")
    with pytest.raises(pytest.fail.Exception, match="x509-limbo is missing"):
        load_limbo()
