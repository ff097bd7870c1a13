"""Benchmark: reading a bundle costs time in proportion to its size (issue 10).

Usage: ``.venv/bin/python bench/bundles.py [--repeat N] [--sizes 1000,4000,16000] [--no-record]``

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

The goal: at every size, the time per certificate (per MiB for the 16 MiB files) is within 1.5
times that at the smallest size; a quadratic step makes it 16 times. Appends one JSON line to
``bench/results/bundles.jsonl`` and prints it; exits with status 1 when a ratio is over 1.5.
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


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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


def ratios(rows: list[dict[str, Any]], unit: str, paths: list[str]) -> dict[str, float]:
    """Each path's time per ``unit`` at the largest size over that at the smallest."""
    first, last = rows[0], rows[-1]
    return {
        path: round((last[path] / last[unit]) / (first[path] / first[unit]), 2)
        for path in paths
        if first[path] > 0
    }


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per bundle (median)")
    parser.add_argument(
        "--file-repeat", type=int, default=7, help="timed runs per file that is not a bundle"
    )
    parser.add_argument("--sizes", default="1000,4000,16000", help="certificates per bundle")
    parser.add_argument("--mib", default="1,4,16", help="sizes of the files that are not bundles")
    parser.add_argument("--no-record", action="store_true", help="print, do not append")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    mibs = [int(s) for s in args.mib.split(",")]
    pems = distinct_certificates()

    paths = ["load_bundle_s", "inspect_s", "fingerprint_s", "lint_s"]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for count in sizes:
            data = bundle(pems, count)
            path = Path(scratch, f"bundle-{count}.pem")
            path.write_bytes(data)
            loaded = load_bundle(data, path.name)
            assert len(loaded.certificates) == count and not loaded.problems
            assert command("inspect", str(path))() == 0
            row: dict[str, Any] = {"certificates": count, "bytes": len(data)}
            row["load_bundle_s"] = median_seconds(lambda data=data: load_bundle(data), args.repeat)
            row["inspect_s"] = median_seconds(command("inspect", str(path)), args.repeat)
            row["fingerprint_s"] = median_seconds(command("fingerprint", str(path)), args.repeat)
            row["lint_s"] = median_seconds(
                command("lint", "--at", "2026-01-02T00:00:00Z", str(path)), args.repeat
            )
            for key in paths:
                row[key.replace("_s", "_us_per_certificate")] = round(row[key] / count * 1e6, 1)
                row[key] = round(row[key], 3)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)

        file_paths = ["load_bundle_s", "inspect_s", "load_private_key_s"]
        files: dict[str, list[dict[str, Any]]] = {}
        for mib in mibs:
            for name, data in near_misses(pems, mib * MIB).items():
                path = Path(scratch, f"{name.replace(' ', '-')}-{mib}.pem")
                path.write_bytes(data)
                row = {"mib": mib}
                row["load_bundle_s"] = median_seconds(
                    refused(lambda data=data: load_bundle(data, "x.pem")), args.file_repeat
                )
                row["inspect_s"] = median_seconds(command("inspect", str(path)), args.file_repeat)
                row["load_private_key_s"] = median_seconds(
                    refused(lambda data=data: load_private_key(data, "key.pem")), args.file_repeat
                )
                for key in file_paths:
                    row[key] = round(row[key], 4)
                files.setdefault(name, []).append(row)
                print(name, json.dumps(row), file=sys.stderr)

    bundle_ratios = ratios(rows, "certificates", paths)
    file_ratios = {name: ratios(found, "mib", file_paths) for name, found in files.items()}
    worst = max([*bundle_ratios.values(), *(r for f in file_ratios.values() for r in f.values())])
    record: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
        "cryptography": cryptography.__version__,
        "repeat": args.repeat,
        "file_repeat": args.file_repeat,
        "goal": f"time per certificate (per MiB) at the largest size within {GOAL}x of the smallest",
        "bundles": rows,
        "ratio_per_certificate_largest_over_smallest": bundle_ratios,
        "files_not_bundles": files,
        "ratio_per_mib_largest_over_smallest": file_ratios,
        "worst_ratio": worst,
        "within_goal": worst <= GOAL,
    }
    if not args.no_record:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))
    return 0 if record["within_goal"] else 1


if __name__ == "__main__":
    sys.exit(main_bench())
