"""In-memory handshakes per second, and what certkit's recording costs over a bare MemoryBIO loop.

Usage: ``.venv/bin/python bench/handshakes.py [--rounds R] [--count N]`` (part of ``make bench``).

For TLS 1.2 and 1.3, with and without client authentication, with the same contexts:
* ``bare``: a minimal loop pumping bytes between two ``ssl.MemoryBIO`` pairs until both
  handshakes complete (what any in-memory handshake must do at least);
* ``certkit``: ``certkit.tls.handshake.run`` with recording (message callback, wire records,
  key log file) and without the application-data round trip.
Reports handshakes per CPU second for each and the ratio certkit/bare (CPU time per
handshake, the median of paired rounds), and appends one JSON line to
``bench/results/handshakes.jsonl``. The goal (issue 9): a ratio of at most 1.10 in every case.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import ssl
import statistics
import sys
import time
from pathlib import Path

from certkit.tls.handshake import Options, contexts, lab_pki, run

RESULTS = Path(__file__).resolve().parent / "results" / "handshakes.jsonl"


def bare(client: ssl.SSLContext, server: ssl.SSLContext) -> None:
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    c = client.wrap_bio(c_in, c_out, server_hostname="localhost")
    s = server.wrap_bio(s_in, s_out, server_side=True)
    done = [False, False]
    for _ in range(50):
        for i, obj in enumerate((c, s)):
            if not done[i]:
                try:
                    obj.do_handshake()
                    done[i] = True
                except ssl.SSLWantReadError:
                    pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if all(done):
            return
    raise RuntimeError("bare handshake did not complete")


def batch(fn, count: int) -> float:
    """CPU seconds per call over ``count`` calls (process time: other processes' load and
    scheduling do not count, only this process's work)."""
    start = time.process_time()
    for _ in range(count):
        fn()
    return (time.process_time() - start) / count


def paired(bare_fn, certkit_fn, rounds: int, count: int) -> tuple[float, float, float]:
    """Median seconds per handshake of each, and the median of the per-round ratios.

    Each round times a batch of bare handshakes and then a batch of certkit's, so both see the
    same machine state; the median of the rounds' ratios resists the outliers a busy machine
    produces.
    """
    bare_fn(), certkit_fn()  # warm up
    bares, certkits, ratios = [], [], []
    for _ in range(rounds):
        b = batch(bare_fn, count)
        k = batch(certkit_fn, count)
        bares.append(b)
        certkits.append(k)
        ratios.append(k / b)
    return statistics.median(bares), statistics.median(certkits), statistics.median(ratios)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25, help="paired rounds per case")
    parser.add_argument("--count", type=int, default=60, help="handshakes per batch")
    args = parser.parse_args()
    pki = lab_pki(seed="bench")
    rows = {}
    for tls in ("1.2", "1.3"):
        for auth in ("none", "required"):
            options = Options(tls=tls, client_auth=auth, app_data=False)
            client, server = contexts(pki, options)
            assert run(client, server, options).ok
            # The bare loop gets contexts of its own that log no keys: certkit's client
            # contexts log to its in-memory key log, and that cost belongs to the recording.
            bare_client, bare_server = contexts(pki, options)
            bare_client.keylog_filename = None
            b, k, ratio = paired(
                lambda c=bare_client, s=bare_server: bare(c, s),
                lambda c=client, s=server, o=options: run(c, s, o),
                args.rounds,
                args.count,
            )
            rows[f"tls{tls}-{'mutual' if auth == 'required' else 'server-auth'}"] = {
                "bare_per_s": round(1 / b, 1),
                "certkit_per_s": round(1 / k, 1),
                "ratio_time_certkit_over_bare": round(ratio, 3),
            }
    record = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}, {ssl.OPENSSL_VERSION}",
        "key_type": "ec-p256",
        "method": f"CPU time, median of {args.rounds} paired rounds of {args.count} handshakes",
        "goal": "ratio at most 1.10 in every case (issue 9)",
        "results": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
