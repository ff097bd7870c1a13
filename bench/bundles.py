"""Benchmark: reading a bundle costs time in proportion to its size (issue 10).

Usage: ``.venv/bin/python bench/bundles.py [--repeat N] [--file-repeat N] [--sizes 1000,4000,16000]
[--mib 1,4,16] [--no-record]``

A PEM bundle of 1,000, 4,000 and 16,000 certificates (a few distinct lab certificates, made at
bench time, repeated: no key material is committed) is read through each path a reader takes,
in this process:

* ``load_bundle``: the loader alone (``certkit.certificates.load``);
* ``certkit inspect FILE``: load, describe (who signed whom, which key is whose) and print;
* ``certkit fingerprint FILE`` and ``certkit lint FILE``: load, then one line or report each.

Then 16 MiB files that are not bundles (and the same at 1 and 4 MiB): random bytes, and PEM
near misses (BEGIN lines without END lines, blocks whose base64 is broken, one block that never
ends), through ``load_bundle``, ``certkit inspect`` and the private key loader (``--key``).
Each is refused; the time to refuse must grow with the size too.

Every case runs ``--repeat`` rounds, all sizes in turn in each round, so that whatever else
the machine does slows every size alike; the ratios use each case's best time (noise only ever
adds time), the median is recorded too, with the load average.

The goal: the time per certificate at 16,000 is within 1.5 times that at 1,000 (a quadratic
step makes it 16 times); a file that is not a bundle is read in linear time by the same
measure (per MiB) or refused quickly (within a second at 16 MiB). Appends one JSON line to
``bench/results/bundles.jsonl`` and prints it; exits with status 1 when the goal is missed.
The test suite asserts only what is read (tests/certificates/test_bundles.py,
tests/fuzz/test_found.py); the speed goal lives here.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cryptography
from cryptography.hazmat.primitives import serialization

from certkit import Lab
from certkit.certificates.load import load_bundle, load_private_key
from certkit.cli.app import main
from certkit.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "bundles.jsonl"
GOAL = 1.5
QUICK_S = 1.0  # a file that is not a bundle may instead be refused within this, at 16 MiB
MIB = 1024 * 1024


def distinct_certificates() -> list[bytes]:
    """Root, intermediate, eight servers and a client, as PEM: what a bundle repeats."""
    lab = Lab(seed="bench bundles")
    pki = lab.pki()
    leaves = [
        lab.server(pki.intermediate, [f"host{n}.example.com"], label=f"leaf {n}").certificate
        for n in range(8)
    ]
    certs = [pki.root.certificate, pki.intermediate.certificate, *leaves, pki.client.certificate]
    return [c.public_bytes(serialization.Encoding.PEM) for c in certs]


def bundle(pems: list[bytes], count: int) -> bytes:
    return b"".join(pems[n % len(pems)] for n in range(count))


def near_misses(pems: list[bytes], size: int) -> dict[str, bytes]:
    """Files of ``size`` bytes that look like PEM and are not."""
    rng = random.Random(f"bench bundles {size}")
    one = pems[2]
    lines = one.splitlines(keepends=True)

    def fill(unit: bytes) -> bytes:
        return (unit * (size // len(unit) + 1))[:size]

    body = b"".join(lines[1:-1])
    return {
        "random bytes": rng.randbytes(size),
        "BEGIN lines without END": fill(lines[0] + lines[1]),
        "blocks with broken base64": fill(one.replace(lines[3], b"!" + lines[3][1:])),
        "END lines a dash short": fill(
            one.replace(b"-----END CERTIFICATE-----", b"----END CERTIFICATE----")
        ),
        "one block that never ends": (lines[0] + fill(body))[:size],
    }


def interleaved(cases: dict[Any, Callable[[], object]], repeat: int) -> dict[Any, list[float]]:
    """Seconds of each case, ``repeat`` rounds of all cases in turn (so that whatever else
    the machine does slows every size alike)."""
    times: dict[Any, list[float]] = {key: [] for key in cases}
    for _ in range(repeat):
        for key, work in cases.items():
            start = time.perf_counter()
            work()
            times[key].append(time.perf_counter() - start)
    return times


def command(*argv: str) -> Callable[[], int]:
    """``certkit ARGV`` in this process, its output thrown away (its exit status kept)."""

    def run() -> int:
        with (
            open(os.devnull, "w") as sink,
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
        ):
            return main(list(argv))

    return run


def refused(work: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        with contextlib.suppress(InputError):
            work()

    return run


def summary(seconds: list[float], unit: int, per: str) -> dict[str, float]:
    """The best and the median time of a case, and the best per certificate (or per MiB)."""
    best = min(seconds)
    scale, name = (
        (1e6, f"best_us_per_{per}") if per == "certificate" else (1e3, f"best_ms_per_{per}")
    )
    return {
        "best_s": round(best, 4),
        "median_s": round(statistics.median(seconds), 4),
        name: round(best / unit * scale, 2),
    }


def ratio(rows: list[dict[str, Any]], path: str, unit: str) -> float:
    """Time per unit at the largest size over that at the smallest, from the best times."""
    first, last = rows[0], rows[-1]
    return round((last[path]["best_s"] / last[unit]) / (first[path]["best_s"] / first[unit]), 2)


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the bundles")
    parser.add_argument(
        "--file-repeat", type=int, default=7, help="rounds over the files that are not bundles"
    )
    parser.add_argument("--sizes", default="1000,4000,16000", help="certificates per bundle")
    parser.add_argument("--mib", default="1,4,16", help="sizes of the files that are not bundles")
    parser.add_argument("--no-record", action="store_true", help="print, do not append")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    mibs = [int(s) for s in args.mib.split(",")]
    pems = distinct_certificates()
    paths = ["load_bundle", "inspect", "fingerprint", "lint"]
    file_paths = ["load_bundle", "inspect", "load_private_key"]

    with tempfile.TemporaryDirectory() as scratch:
        cases: dict[tuple[int, str], Callable[[], object]] = {}
        for count in sizes:
            data = bundle(pems, count)
            path = Path(scratch, f"bundle-{count}.pem")
            path.write_bytes(data)
            loaded = load_bundle(data, path.name)
            assert len(loaded.certificates) == count and not loaded.problems
            assert command("inspect", str(path))() == 0
            cases[count, "load_bundle"] = lambda data=data: load_bundle(data)
            cases[count, "inspect"] = command("inspect", str(path))
            cases[count, "fingerprint"] = command("fingerprint", str(path))
            cases[count, "lint"] = command("lint", "--at", "2026-01-02T00:00:00Z", str(path))
        times = interleaved(cases, args.repeat)
        rows: list[dict[str, Any]] = []
        for count in sizes:
            row: dict[str, Any] = {"certificates": count, "bytes": len(bundle(pems, count))}
            for name in paths:
                row[name] = summary(times[count, name], count, "certificate")
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)

        file_cases: dict[tuple[str, int, str], Callable[[], object]] = {}
        for mib in mibs:
            for kind, data in near_misses(pems, mib * MIB).items():
                path = Path(scratch, f"{kind.replace(' ', '-')}-{mib}.pem")
                path.write_bytes(data)
                file_cases[kind, mib, "load_bundle"] = refused(
                    lambda data=data: load_bundle(data, "x.pem")
                )
                file_cases[kind, mib, "inspect"] = command("inspect", str(path))
                file_cases[kind, mib, "load_private_key"] = refused(
                    lambda data=data: load_private_key(data, "key.pem")
                )
        file_times = interleaved(file_cases, args.file_repeat)
        files: dict[str, list[dict[str, Any]]] = {}
        for kind in near_misses(pems, 1024):
            for mib in mibs:
                found: dict[str, Any] = {"mib": mib}
                for name in file_paths:
                    found[name] = summary(file_times[kind, mib, name], mib, "mib")
                files.setdefault(kind, []).append(found)

    bundle_ratios = {name: ratio(rows, name, "certificates") for name in paths}
    file_ratios = {
        kind: {name: ratio(found, name, "mib") for name in file_paths}
        for kind, found in files.items()
    }
    worst = max([*bundle_ratios.values(), *(r for f in file_ratios.values() for r in f.values())])
    slowest_refusal = max(
        found[-1][name]["best_s"] for found in files.values() for name in file_paths
    )
    files_ok = all(
        file_ratios[kind][name] <= GOAL or found[-1][name]["best_s"] <= QUICK_S
        for kind, found in files.items()
        for name in file_paths
    )
    record: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cryptography": cryptography.__version__,
        "repeat": args.repeat,
        "file_repeat": args.file_repeat,
        "goal": (
            f"time per certificate at the largest bundle within {GOAL}x of that at the smallest, "
            f"from the best of the interleaved rounds; a file that is not a bundle: per MiB "
            f"within {GOAL}x too, or refused within {QUICK_S} s at the largest size"
        ),
        "bundles": rows,
        "ratio_per_certificate_largest_over_smallest": bundle_ratios,
        "files_not_bundles": files,
        "ratio_per_mib_largest_over_smallest": file_ratios,
        "worst_ratio": worst,
        "slowest_refusal_s": slowest_refusal,
        "within_goal": max(bundle_ratios.values()) <= GOAL and files_ok,
    }
    if not args.no_record:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))
    return 0 if record["within_goal"] else 1


if __name__ == "__main__":
    sys.exit(main_bench())
