"""Benchmark: certkit.certificates.verify against hostile pools of intermediates, with a time budget.

Usage: ``.venv/bin/python bench/verify_hostile_pool.py [--repeat N] [--budget SECONDS]``.

A verifier that explores every candidate path can be made to hang by a pool of CA certificates
that share names or keys (cryptography 48 and older never finished on x509-limbo's
``pathological-chain-same-subject-same-key``). Each scenario below is verified with cryptography
alone and with ``certkit.certificates.verify.verify_chain`` (cryptography plus the explanation of a failure);
the goal is that every verification, explanation included, finishes within the budget.
The x509-limbo pathological cases and the whole limbo suite through certkit are timed too when
the suite is present in ../shared/peer-suites/x509-limbo/.

Appends one JSON line to ``bench/results/verify.jsonl`` and prints it. Exits with status 1 when
a verification goes over the budget. The test suite asserts only correctness and a generous hard
timeout (tests/certificates/test_verify.py); the goal lives here.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cryptography
from cryptography import x509
from cryptography.x509.verification import DNSName, PolicyBuilder, Store, VerificationError

from certkit.certificates.pki import Issued, Lab
from certkit.certificates.verify import verify_chain
from certkit.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "verify.jsonl"
LIMBO = ROOT.parent / "shared" / "peer-suites" / "x509-limbo" / "limbo.json.gz"
HOST = "pool.example.com"


def same_name_chain(
    lab: Lab, size: int, *, same_key: bool
) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """``size`` CAs all named "Hostile CA", each signing the next, none trusted (Go's pathological chains)."""
    ca = lab.root_ca("Hostile CA", label="hostile 0")
    pool = [ca.certificate]
    for number in range(1, size):
        label = "hostile 0" if same_key else f"hostile {number}"
        ca = lab.intermediate_ca(ca, "Hostile CA", label=label, path_length=None, days=400 + number)
        pool.append(ca.certificate)
    return lab.server(ca, [HOST], label=f"hostile leaf {size} {same_key}").certificate, pool


def decoys(
    lab: Lab, trusted: Issued, size: int, *, valid_first: bool
) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """A valid chain among ``size`` look-alike roots, each cross-signing the issuing CA's key."""
    good = lab.intermediate_ca(trusted, "Pool Issuing CA", label="pool", path_length=None)
    pool: list[x509.Certificate] = []
    for number in range(size):
        fake = lab.root_ca("Pool Root CA", label=f"decoy {number}")
        cross = lab.intermediate_ca(
            fake, "Pool Issuing CA", label="pool", path_length=None, days=900 + number
        )
        pool += [fake.certificate, cross.certificate]
    pool = [good.certificate, *pool] if valid_first else [*pool, good.certificate]
    return lab.server(good, [HOST], label="pool leaf").certificate, pool


def median_seconds(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def scenario(
    name: str,
    leaf: x509.Certificate,
    pool: list[x509.Certificate],
    trust: list[x509.Certificate],
    at: dt.datetime,
    repeat: int,
    budget: float,
) -> dict[str, Any]:
    def bare() -> bool:
        verifier = PolicyBuilder().store(Store(trust)).time(at).build_server_verifier(DNSName(HOST))
        try:
            verifier.verify(leaf, pool)
        except VerificationError:
            return False
        return True

    theirs_s, theirs = median_seconds(bare, repeat)
    ours_s, result = median_seconds(
        lambda: verify_chain(leaf, pool, trust, host=HOST, at=at), repeat
    )
    assert result.ok is theirs, name  # type: ignore[attr-defined]
    failure = result.failure  # type: ignore[attr-defined]
    return {
        "scenario": name,
        "pool": len(pool),
        "verdict": "ok" if theirs else "fail",
        "class": failure.kind if failure is not None else None,
        "cryptography_s": round(theirs_s, 4),
        "certkit_s": round(ours_s, 4),
        "within_budget": ours_s <= budget,
    }


def limbo_figures(repeat: int, budget: float) -> dict[str, Any]:
    with gzip.open(LIMBO, "rt", encoding="utf-8") as f:
        cases = json.load(f)["testcases"]
    now = dt.datetime.now(dt.UTC)

    def run(case: dict[str, Any]) -> None:
        load = x509.load_pem_x509_certificate
        peer_name = case["expected_peer_name"]
        client = case["validation_kind"] == "CLIENT"
        with contextlib.suppress(InputError):
            verify_chain(
                load(case["peer_certificate"].encode()),
                [load(c.encode()) for c in case["untrusted_intermediates"]],
                [load(c.encode()) for c in case["trusted_certs"]],
                host=None if client or peer_name is None else peer_name["value"],
                client=client,
                at=dt.datetime.fromisoformat(case["validation_time"])
                if case["validation_time"]
                else now,
                max_chain_depth=case["max_chain_depth"],
            )

    pathological = {}
    for case in cases:
        if "denial-of-service" in case["features"]:
            seconds, _ = median_seconds(lambda case=case: run(case), repeat)
            pathological[case["id"]] = round(seconds, 4)
    start = time.perf_counter()
    for case in cases:
        run(case)
    return {
        "limbo_pathological_certkit_s": pathological,
        "limbo_pathological_within_budget": all(s <= budget for s in pathological.values()),
        "limbo_all_cases_certkit_s": round(time.perf_counter() - start, 2),
        "limbo_cases": len(cases),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per scenario (median)")
    parser.add_argument(
        "--budget", type=float, default=1.0, help="seconds one verification may take"
    )
    parser.add_argument("--sizes", default="100,300,1000", help="pool sizes for the chains")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    lab = Lab(seed="bench verify hostile pool")
    at = lab.now + dt.timedelta(days=1)
    trusted = lab.root_ca("Pool Root CA")
    trust = [trusted.certificate]
    rows = []
    for size in sizes:
        for same_key in (True, False):
            leaf, pool = same_name_chain(lab, size, same_key=same_key)
            name = f"same-name-{'same' if same_key else 'distinct'}-key-chain"
            rows.append(scenario(name, leaf, pool, trust, at, args.repeat, args.budget))
        for valid_first in (True, False):
            leaf, pool = decoys(lab, trusted, size // 2, valid_first=valid_first)
            name = f"cross-signed-decoys-valid-{'first' if valid_first else 'last'}"
            rows.append(scenario(name, leaf, pool, trust, at, args.repeat, args.budget))

    record: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
        "cryptography": cryptography.__version__,
        "budget_s": args.budget,
        "scenarios": rows,
    }
    if LIMBO.is_file():
        record.update(limbo_figures(args.repeat, args.budget))
    ok = all(r["within_budget"] for r in rows) and record.get(
        "limbo_pathological_within_budget", True
    )
    record["all_within_budget"] = ok
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
