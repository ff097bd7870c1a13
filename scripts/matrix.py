"""The page examples and library tests again: at other clocks, in other time zones, shuffled.

No page output and no test may depend on today's date, the time zone or the order tests run in.
The main run (``make test``) proves today in the machine's zone; this script runs everything but
the site builds (``-m "not site"``) four more times, each at another wall clock (libfaketime,
see tests/clocks.py) and in another zone, each in a random order whose seed it prints:

* tomorrow, in UTC-12;
* 400 days ahead, in UTC+14 (the local date is a day ahead of UTC's);
* 29 February 2028, noon UTC, in the C locale (ASCII; the other runs keep the machine's);
* ten seconds before 2028 UTC, so that midnight and the new year pass during the run, in UTC+14.

Usage: ``make matrix`` (``make test`` runs it after the suite), or
``.venv/bin/python scripts/matrix.py [--only NAME] [-- PYTEST ARGS]``. Exit status 0 when every
run passed. To repeat a run: ``--only NAME -- -p randomly --randomly-seed=SEED``.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import clocks  # noqa: E402

#: name -> (FAKETIME value, TZ, locale or None). Etc/GMT+12 is UTC-12: POSIX zone names count
#: westward. Console blocks set LC_ALL=C.UTF-8 themselves (tests/docproof/console.py).
RUNS = {
    "tomorrow-utc-12": ("+1d", "Etc/GMT+12", None),
    "400-days-utc+14": ("+400d", "Etc/GMT-14", None),
    "2028-02-29-c-locale": ("@2028-02-29 12:00:00", "UTC", "C"),
    "new-year-2028-utc+14": ("@2027-12-31 23:59:50", "Etc/GMT-14", None),
}


def main() -> int:
    """Run the matrix; 0 when every run passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(RUNS), action="append", help="run only these")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args()
    if not clocks.available():
        print("matrix: libfaketime is missing: run `make system-deps`", file=sys.stderr)
        return 2
    pytest = Path(sys.executable).parent / "pytest"
    failed: list[str] = []
    for name in args.only or list(RUNS):
        when, zone, locale = RUNS[name]
        seed = random.randrange(2**32)
        command = [str(pytest), "-q", "-p", "no:cacheprovider", "-m", "not site"]
        command += ["-p", "randomly", f"--randomly-seed={seed}", *args.pytest_args]
        env = {**clocks.at(when), "TZ": zone}
        if locale:
            env.update(LC_ALL=locale, LANG=locale)
        where = f"clock {when}, TZ={zone}" + (f", LC_ALL={locale}" if locale else "")
        print(f"matrix: {name}: {where}, --randomly-seed={seed}", flush=True)
        start = time.monotonic()
        status = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
        verdict = "passed" if status == 0 else f"FAILED (exit {status})"
        print(f"matrix: {name}: {verdict} in {time.monotonic() - start:.0f} s", flush=True)
        if status != 0:
            failed.append(f"{name} (--randomly-seed={seed})")
    if failed:
        print(f"matrix: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"matrix: all {len(args.only or RUNS)} runs passed")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
