"""In-memory handshakes per second, and what certkit's recording costs over a bare MemoryBIO loop.

Usage: ``.venv/bin/python bench/handshakes.py [--seconds S]`` (part of ``make bench``).

For TLS 1.2 and 1.3, with and without client authentication, with the same contexts:
* ``bare``: a minimal loop pumping bytes between two ``ssl.MemoryBIO`` pairs until both
  handshakes complete (what any in-memory handshake must do at least);
* ``certkit``: ``certkit.tls.handshake.run`` with recording (message callback, wire records,
  key log file) and without the application-data round trip.
Reports handshakes per second for each and the ratio certkit/bare (time per handshake), and
appends one JSON line to ``bench/results/handshakes.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import ssl
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


def rate(fn, seconds: float) -> float:
    fn()  # warm up
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        count += 1
    return count / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()
    pki = lab_pki(seed="bench")
    rows = {}
    for tls in ("1.2", "1.3"):
        for auth in ("none", "required"):
            options = Options(tls=tls, client_auth=auth, app_data=False)
            client, server = contexts(pki, options)
            assert run(client, server, options).ok
            # Interleave: bare, certkit, bare, certkit; keep the best of each (least noise).
            bare_rates, certkit_rates = [], []
            for _ in range(2):
                bare_rates.append(rate(lambda c=client, s=server: bare(c, s), args.seconds))
                certkit_rates.append(
                    rate(lambda c=client, s=server, o=options: run(c, s, o), args.seconds)
                )
            b, k = max(bare_rates), max(certkit_rates)
            rows[f"tls{tls}-{'mutual' if auth == 'required' else 'server-auth'}"] = {
                "bare_per_s": round(b, 1),
                "certkit_per_s": round(k, 1),
                "ratio_time_certkit_over_bare": round(b / k, 3),
            }
    record = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}, {ssl.OPENSSL_VERSION}",
        "key_type": "ec-p256",
        "results": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
