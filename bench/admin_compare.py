"""`/people` against an out-of-the-box Flask-Admin list of the same table (issue 19), in one run.

    .venv/bin/python bench/admin_compare.py [--instance DIR] [--people 100000] [--runs 60]

Seeds DIR (SQLite, or a database of its size on DATABASE_URL's server, as bench/pages.py) unless
it has data, serves Engage (`wsgi:app`) and bench/admin_app.py with gunicorn, 2 workers each, the
same environment, and requests each pair of pages alternately (so both see the same load on the
shared machine): the first page and a deep page of each list, 25 rows per page. Writes medians,
p95 and the ratio to docs/PERFORMANCE.md.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import time
import urllib.request
from pathlib import Path

from bench.common import Server, database_name, machine, seed, signed_in, sized, summary, write_section

PAIRS = [  # (Engage page, Flask-Admin page): Flask-Admin numbers its pages from 0
    ("/people", "/admin/person/"),
    ("/people?page=40", "/admin/person/?page=39"),  # a page both sizes have (2,000 people: 80 pages)
]


def _get(opener, url: str) -> float:
    started = time.perf_counter()
    opener.open(url).read()
    return (time.perf_counter() - started) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instance", default="/tmp/engage-bench-100000", help="default: bench/pages.py's largest")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=60)
    args = ap.parse_args()
    env = sized(args.instance, args.people)
    seeded = seed(args.instance, args.people, env)
    rows = []
    with Server(env) as engage, Server(env, app="bench.admin_app:app") as admin:
        ours = signed_in(engage.base, "editor@example.org")
        theirs = urllib.request.build_opener()
        for mine, stock in PAIRS:
            _get(ours, engage.base + mine), _get(theirs, admin.base + stock)  # warm-up
            a, b = [], []
            for _ in range(args.runs):
                a.append(_get(ours, engage.base + mine))
                b.append(_get(theirs, admin.base + stock))
            (ma, pa), (mb, pb) = summary(a), summary(b)
            rows.append(f"| `{mine}` | {ma:.1f} / {pa:.1f} | `{stock}` | {mb:.1f} / {pb:.1f} | {ma / mb:.2f} |")
            print(f"{mine:20} {ma:6.1f} ms   {stock:26} {mb:6.1f} ms   ratio {ma / mb:.2f}")
    load = Path("/proc/loadavg").read_text().split()[0] if os.path.exists("/proc/loadavg") else "?"
    database = database_name()
    body = (
        f"`bench/admin_compare.py --people {args.people}` on {database}: Engage and an out-of-the-box "
        "Flask-Admin `ModelView` of the same `people` table (bench/admin_app.py: same database, engine "
        "settings and page size of 25), each served by gunicorn with 2 workers, requested alternately, "
        f"{args.runs} requests per page after one warm-up; Engage signed in as an editor; {machine()}; "
        f"load average {load} at the end.\n\nData: {seeded}\n\n"
        "| Engage page | median / p95 ms | Flask-Admin page | median / p95 ms | Engage ÷ Flask-Admin (medians) |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows)
    )
    write_section(f"Flask-Admin comparison ({database})", body)


if __name__ == "__main__":
    main()
