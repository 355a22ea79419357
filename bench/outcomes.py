"""The decision-outcome pages on an existing database, per reader, served by gunicorn (2 workers).

    .venv/bin/python bench/outcomes.py --instance DIR [--runs 10] [--users editor@example.org,...]

Does not seed: point it at a seeded instance (e.g. a copy of a `seed-demo --people 100000` one).
Prints median and p95 over --runs requests after one warm-up, with the load average, since the
readers' figures differ (admins read only kept counts; others add their own consultations live).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Server, signed_in, summary, timed

PATHS = ["/policies/1", "/clauses/3", "/reports/decision-outcomes", "/reports/decision-outcomes.csv"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instance", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--users", default="editor@example.org,viewer@example.org,admin@example.org")
    args = ap.parse_args()
    with Server({"ENGAGE_INSTANCE": args.instance}) as server:
        for email in args.users.split(","):
            opener = signed_in(server.base, email)
            for path in PATHS:
                median, p95 = summary(timed(opener, server.base + path, args.runs))
                with open("/proc/loadavg") as f:
                    load = f.read().split()[0]
                print(f"{email:22} {path:35} median {median:7.1f} ms  p95 {p95:7.1f} ms  load {load}", flush=True)


if __name__ == "__main__":
    main()
