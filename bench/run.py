"""Benchmarks for fast feedback: the full test run and the strict site build, timed on this machine.

Usage: ``make bench`` (or ``.venv/bin/python bench/run.py [--repeat N]``).

Appends one JSON line per run to ``bench/results/feedback.jsonl`` (kept in the repository, so
changes in speed show up in review) and prints a summary. Timing goals live here, not in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "feedback.jsonl"


def timed(command: list[str]) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(
            f"benchmark command failed ({' '.join(command)}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="strict builds to time (default 3)")
    parser.add_argument("--no-tests", action="store_true", help="time only the build")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out:
        builds = [
            timed([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", f"{out}/site"])
            for _ in range(args.repeat)
        ]
    record: dict[str, object] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
        "strict_build_seconds": {
            "median": round(statistics.median(builds), 2),
            "runs": [round(b, 2) for b in builds],
        },
    }
    if not args.no_tests:
        record["full_test_run_seconds"] = round(
            timed([str(BIN / "pytest"), "-q", "-p", "no:cacheprovider"]), 1
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
