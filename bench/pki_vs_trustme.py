"""Benchmark: certkit builds a lab PKI against trustme doing the same, in one run.

Usage: ``.venv/bin/python bench/pki_vs_trustme.py [--repeat N] [--profile] [--no-record]``

One "PKI" is a root CA, an intermediate CA signed by it, a server certificate (localhost and
127.0.0.1) and a client certificate signed by the intermediate, every key EC P-256:

* certkit, random: ``Lab()`` (a random seed; keys derived from it), then ``root_ca``,
  ``intermediate_ca``, ``server``, ``client``;
* certkit, seeded: ``Lab(seed=...)``, a new seed every round so that ``derive_key``'s cache never
  answers (deterministic mode: keys derived from the seed, RFC 6979 ECDSA signatures);
* trustme: ``trustme.CA()``, ``ca.create_child_ca()``, ``issue_cert("localhost",
  "127.0.0.1")`` and ``issue_cert("client@example.com")``. trustme's default key type is
  ``KeyType.ECDSA`` (P-256, SHA-256 signatures), the same as certkit's default ``ec-p256``.

trustme's ``issue_cert`` also writes the leaf's key and certificate chain as PEM, which certkit
only does when asked; the ``*_pem`` variants make certkit produce the same PEM (leaf key, leaf
and intermediate certificates) so that both sides deliver the same output. That comparison is
the headline ratio; the objects-only ratio is recorded too.

Variants run interleaved, in a shuffled order each round, after a warm-up. Appends one JSON line
to ``bench/results/pki.jsonl`` and prints it. A ratio below 1 means certkit is faster.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import json
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import trustme
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from certkit import Lab
from certkit.certificates.keys import derive_key

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "pki.jsonl"
HOSTS = ["localhost", "127.0.0.1"]


def certkit_pki(seed: str | None, pem: bool) -> None:
    lab = Lab(seed=seed)
    root = lab.root_ca("Bench Root CA")
    intermediate = lab.intermediate_ca(root, "Bench Intermediate CA")
    server = lab.server(intermediate, HOSTS)
    client = lab.client(intermediate, "bench client")
    if pem:  # what trustme's issue_cert serialises: the leaf key, the leaf and its chain
        for leaf in (server, client):
            leaf.key_pem()
            leaf.fullchain_pem()


def trustme_pki() -> None:
    ca = trustme.CA()  # key_type=KeyType.ECDSA (P-256) is the default
    child = ca.create_child_ca()
    child.issue_cert(*HOSTS)
    child.issue_cert("client@example.com")


def variants(round_number: int) -> dict[str, Callable[[], None]]:
    seed = f"bench-{round_number}"
    return {
        "certkit_random": lambda: certkit_pki(None, False),
        "certkit_seeded": lambda: certkit_pki(seed, False),
        "certkit_random_pem": lambda: certkit_pki(None, True),
        "certkit_seeded_pem": lambda: certkit_pki(seed + "-pem", True),
        "trustme": trustme_pki,
    }


def components_us() -> dict[str, float]:
    """Per-operation costs that explain the ratio, in microseconds (timeit, best of 5)."""
    curve = ec.SECP256R1()
    key = ec.generate_private_key(curve)
    data = os.urandom(400)
    counter = iter(range(10**9))

    def best(fn: Callable[[], object], number: int = 2000) -> float:
        return round(min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6, 1)

    return {
        "ec_generate_private_key": best(lambda: ec.generate_private_key(curve)),
        "certkit_derive_key_ec_p256": best(lambda: derive_key("bench", f"k{next(counter)}")),
        "ecdsa_sign_random_nonce": best(lambda: key.sign(data, ec.ECDSA(hashes.SHA256()))),
        "ecdsa_sign_rfc6979": best(
            lambda: key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        ),
    }


def profile(rounds: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        certkit_pki(None, False)
    profiler.disable()
    print("certkit Lab() root + intermediate + server + client, by own time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=600, help="PKIs per variant (default 600)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed rounds first (default 30)")
    parser.add_argument("--profile", action="store_true", help="also profile certkit's build")
    parser.add_argument("--no-record", action="store_true", help="print only, append nothing")
    args = parser.parse_args()

    for number in range(args.warmup):
        for build in variants(-1 - number).values():
            build()
    times: dict[str, list[float]] = {name: [] for name in variants(0)}
    order = random.Random(0)
    gc.collect()
    for number in range(args.repeat):
        items = list(variants(number).items())
        order.shuffle(items)
        for name, build in items:
            start = time.perf_counter()
            build()
            times[name].append(time.perf_counter() - start)

    median_ms = {name: round(statistics.median(t) * 1000, 4) for name, t in times.items()}
    p90_ms = {name: round(statistics.quantiles(t, n=10)[-1] * 1000, 4) for name, t in times.items()}
    base = statistics.median(times["trustme"])

    def ratio(name: str) -> float:
        return round(statistics.median(times[name]) / base, 3)

    record: dict[str, object] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
        "cryptography": version("cryptography"),
        "trustme": version("trustme"),
        "builds": "root CA + intermediate CA + server + client, EC P-256 keys, ECDSA-SHA256",
        "repeat": args.repeat,
        "ratio_certkit_over_trustme": {
            "random_same_output": ratio("certkit_random_pem"),
            "seeded_same_output": ratio("certkit_seeded_pem"),
            "random_objects_only": ratio("certkit_random"),
            "seeded_objects_only": ratio("certkit_seeded"),
        },
        "median_ms": median_ms,
        "p90_ms": p90_ms,
        "components_us": components_us(),
    }
    if not args.no_record:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))
    if args.profile:
        profile(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
