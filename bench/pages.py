"""List, detail and search pages at the SPEC §5 volumes, served by gunicorn.

    .venv/bin/python bench/pages.py [--instance DIR] [--people 100000] [--runs 40]

Seeds a database in DIR (SQLite, or DATABASE_URL when set) unless it already has data,
then times each page (median and p95 over --runs requests, one warm-up) and writes the
figures to docs/PERFORMANCE.md. Target (SPEC §5): median < 50 ms, p95 < 150 ms.
"""

import argparse
import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Server, database_name, machine, seed, signed_in, summary, timed, write_section

PAGES = [
    "/people",
    "/people?q=garc",
    "/people?country=GB&stance=critical",
    "/people?page=200",
    "/people/{person}",
    "/organizations",
    "/organizations?kind=ngo&country=DE",
    "/organizations/{organisation}",
    "/forums",
    "/forums/1",
    "/helplines",
    "/helplines/crisis?country=GB",
    "/helplines/1",
    "/policies",
    "/policies/1",
    "/clauses/3",
    "/consultations",
    "/consultations?kind=workshop&page=50",
    "/consultations/{consultation}",
    "/commitments",
    "/commitments?scope=team&due=overdue",
    "/engagements",
    "/engagements/{engagement}",
    "/engagements/calendar?view=month",
    "/search?q=mind",
    "/search?q=Fernández",
    "/",
    "/?cooling=12",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instance", default="/tmp/engage-bench")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    seeded = seed(args.instance, args.people)
    ids = {"person": args.people // 2, "organisation": args.people // 20, "consultation": args.people, "engagement": 5}
    rows, worst = [], 0.0
    database = database_name()
    with Server({"ENGAGE_INSTANCE": args.instance}) as server:
        opener = signed_in(server.base, "editor@example.org")
        for page in PAGES:
            path = quote(page.format(**ids), safe="/?=&")
            try:
                times = timed(opener, server.base + path, args.runs)
            except Exception as error:  # a page that does not exist yet is reported, not fatal
                rows.append(f"| `{path}` | — | — | {type(error).__name__}: {error} |")
                print(f"{path:45} {error}")
                continue
            median, p95 = summary(times)
            worst = max(worst, p95)
            ok = "yes" if median < 50 and p95 < 150 else "**no**"
            rows.append(f"| `{path}` | {median:.1f} | {p95:.1f} | {ok} |")
            print(f"{path:45} median {median:6.1f} ms  p95 {p95:6.1f} ms")
    body = (
        f"`bench/pages.py --people {args.people}` on {database}, gunicorn with 2 workers, signed in as an editor, "
        f"{args.runs} requests per page after one warm-up; {machine()}.\n\n"
        f"Data: {seeded}\n\n"
        "| page | median ms | p95 ms | within target (50 / 150 ms) |\n|---|---|---|---|\n" + "\n".join(rows)
    )
    write_section(f"Pages ({database})", body)


if __name__ == "__main__":
    main()
