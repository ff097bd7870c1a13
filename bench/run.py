"""Benchmarks for fast feedback, timed on this machine.

* the test suite as ``make suite`` runs it (pytest on every core), with its ten slowest tests
  and each page's download as the browser test measured it (goal: under 90 s on 2 cores);
* each page's own examples, as ``make page`` runs them (goal: seconds);
* the strict site build (median of ``--repeat``).

Usage: ``make bench`` (or ``.venv/bin/python bench/run.py [--repeat N] [--no-tests]``).

Appends one JSON line per run to ``bench/results/feedback.jsonl`` (kept in the repository, so
changes in speed show up in review) and prints a summary. Timing goals live here, not in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "feedback.jsonl"


DURATION = re.compile(r"^\s*(\d+\.\d+)s (call|setup|teardown)\s+(.+?)\s*$")


def timed(command: list[str]) -> tuple[float, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(
            f"benchmark command failed ({' '.join(command)}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return elapsed, result.stdout


def suite(out: str) -> dict[str, object]:
    """The whole suite, as make suite runs it, with its ten slowest tests and the page weights."""
    seconds, printed = timed(
        [
            str(BIN / "pytest"),
            "-q",
            "-p",
            "no:cacheprovider",
            "--durations=10",
            f"--basetemp={out}/t",
        ]
    )
    slowest = [
        {"seconds": float(m.group(1)), "phase": m.group(2), "test": m.group(3)}
        for m in map(DURATION.match, printed.splitlines())
        if m
    ]
    weights = json.loads((Path(out) / "t" / "page-weight.json").read_text())
    return {
        "suite_seconds": round(seconds, 1),
        "workers": os.cpu_count(),
        "slowest_tests": slowest,
        "page_kB": {url: round(w["transferred_bytes"] / 1000) for url, w in weights.items()},
    }


def pages() -> dict[str, float]:
    """Each page's examples on their own, as make page runs them (one process)."""
    return {
        str(page.relative_to(ROOT)): round(
            timed([str(BIN / "pytest"), "-q", "-n", "0", "-p", "no:cacheprovider", str(page)])[0], 1
        )
        for page in sorted((ROOT / "docs").rglob("*.md"))
        if "```" in page.read_text(encoding="utf-8")  # a page without a block has no examples
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="strict builds to time (default 3)")
    parser.add_argument("--no-tests", action="store_true", help="time only the build")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out:
        builds = [
            timed([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", f"{out}/site"])[0]
            for _ in range(args.repeat)
        ]
        measured = {} if args.no_tests else {**suite(out), "page_seconds": pages()}
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
    record.update(measured)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
