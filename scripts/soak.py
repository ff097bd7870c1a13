"""Soak: every test that talks to another process, a socket or a browser, many times, under load.

A test that waits for elapsed time or for the shape of partial output passes on an idle
machine and fails on a busy one. This finds them: one pass over the suite notes the tests that
start a process, use a socket or drive the browser (tests/peers.py); then those tests run
``--rounds`` times in a row (20 by default), each round in a new random order, while two
processes burn a CPU each. It prints every test that failed even once, with the rounds and
seeds it failed in, and appends a record to bench/results/soak.jsonl.

Usage: ``make soak`` or ``.venv/bin/python scripts/soak.py [--rounds N] [--burners N]``.
Exit status 0 when no test failed in any round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "soak.jsonl"
PYTEST = [str(Path(sys.executable).parent / "pytest"), "-p", "no:cacheprovider"]
OUTCOME = re.compile(r"^(?:FAILED|ERROR) (\S+)")
BURN = "while True: pass"


def _env() -> dict[str, str]:
    # -p peers is imported before pytest reads `pythonpath` from pyproject.toml.
    return {**os.environ, "PYTHONPATH": str(ROOT / "tests")}


def discover(work: Path) -> list[str]:
    """One pass over the suite; the tests (and pages) that talked to a process or a socket."""
    record = work / "peers"
    command = [*PYTEST, "-q", "-p", "peers", f"--peers-record={record}", "-p", "no:randomly"]
    result = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"soak: the discovery pass failed; fix the suite first:\n{result.stdout[-3000:]}")
    found: set[str] = set()
    for part in work.glob("peers.*"):
        found.update(line for line in part.read_text().splitlines() if line)
    return sorted(found)


def main() -> int:
    """Discover, then run the rounds under load; 0 when nothing failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds (default 20)")
    parser.add_argument("--burners", type=int, default=2, help="CPU-burning processes (default 2)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="certkit-soak-") as tmp:
        work = Path(tmp)
        tests = discover(work)
        print(f"soak: {len(tests)} tests and pages talk to a process, a socket or a browser")
        ids = work / "ids.txt"
        ids.write_text("\n".join(tests) + "\n")
        burners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(args.burners)]
        failures: Counter[str] = Counter()
        where: dict[str, list[str]] = {}
        rounds: list[dict[str, object]] = []
        try:
            for number in range(1, args.rounds + 1):
                seed = random.randrange(2**32)
                start = time.monotonic()
                result = subprocess.run(
                    [*PYTEST, "-q", "-rfE", "-p", "randomly", f"--randomly-seed={seed}", f"@{ids}"],
                    cwd=ROOT,
                    env=_env(),
                    capture_output=True,
                    text=True,
                )
                seconds = round(time.monotonic() - start, 1)
                failed = sorted(
                    {m.group(1) for m in map(OUTCOME.match, result.stdout.splitlines()) if m}
                )
                if result.returncode != 0 and not failed:
                    failed = [f"(the run itself: exit {result.returncode})"]
                for test in failed:
                    failures[test] += 1
                    where.setdefault(test, []).append(f"round {number} seed {seed}")
                summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
                print(f"soak: round {number}/{args.rounds}: {seconds} s, seed {seed}: {summary}")
                rounds.append({"round": number, "seed": seed, "seconds": seconds, "failed": failed})
        finally:
            for burner in burners:
                burner.kill()
                burner.wait()
    record = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, "
        f"Python {platform.python_version()}",
        "tests": len(tests),
        "rounds": args.rounds,
        "burners": args.burners,
        "failed_tests": {test: where[test] for test in sorted(failures)},
        "round_seconds": [r["seconds"] for r in rounds],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    if failures:
        print(f"soak: {len(failures)} tests failed at least once in {args.rounds} rounds:")
        for test, count in failures.most_common():
            print(f"  {count:2}x {test}  ({'; '.join(where[test])})")
        return 1
    print(
        f"soak: 0 failures in {args.rounds} rounds of {len(tests)} tests, "
        f"{args.burners} processes burning CPU"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
