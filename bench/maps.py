"""The two maps (issue 14) at the SPEC §5 volumes, served by gunicorn.

    .venv/bin/python bench/maps.py [--instance DIR] [--people 100000] [--runs 5]

Uses the database bench/seed.py (or bench/pages.py) left in DIR (SQLite, or DATABASE_URL when set),
seeding it when empty; times the stakeholder grid and the relationship network, for all topics and
for one topic and region (median and p95 over --runs requests after one warm-up) as an editor, and
writes the figures to docs/PERFORMANCE.md. Target: the pages' (SPEC §5).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Server, database_name, machine, seed, signed_in, summary, timed, write_section

FILTERED = "?topic=1&region=Europe"
PATHS = [
    "/reports/stakeholder-grid",
    f"/reports/stakeholder-grid{FILTERED}",
    "/reports/network",
    f"/reports/network{FILTERED}",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instance", default="/tmp/engage-bench")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    seed(args.instance, args.people)
    database = database_name()
    rows = []
    with Server({"ENGAGE_INSTANCE": args.instance}) as server:
        opener = signed_in(server.base, "editor@example.org")
        for path in PATHS:
            median, p95 = summary(timed(opener, server.base + path, args.runs))
            ok = "yes" if median < 50 and p95 < 150 else "**no**"
            rows.append(f"| `{path}` | {median:.0f} | {p95:.0f} | {ok} |")
            print(f"{path:55} median {median:7.0f} ms  p95 {p95:7.0f} ms")
    body = (
        f"`bench/maps.py --people {args.people} --runs {args.runs}` on {database}, gunicorn with 2 workers, "
        f"signed in as an editor, after one warm-up; {machine()}.\n\n"
        f"Data: `seed-demo --people {args.people}` (SPEC §5 volumes at 100,000: 300,000 consultations).\n\n"
        "The grid ranks every person's assessments (a window over the table) and counts the cells; the "
        "network joins each consultation's participants pairwise (visibility applied row by row) and "
        "groups the pairs, then keeps the most connected nodes in Python. A fixed number of statements, "
        "but full scans each time.\n\n"
        "| map | median ms | p95 ms | within the pages' target (50 / 150 ms) |\n|---|---|---|---|\n" + "\n".join(rows)
    )
    write_section(f"Maps ({database})", body)


if __name__ == "__main__":
    main()
