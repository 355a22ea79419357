"""Search at two data sizes: /search, the jump box and the people list's q, served by gunicorn.

    .venv/bin/python bench/search.py [--sizes 2000,100000] [--runs 30] [--instance-root DIR]

Seeds one database per size (SQLite, or with DATABASE_URL set a database per size on that server),
builds the index as seed-demo does, times each query (median and p95 over --runs requests after
one warm-up) and writes the figures, with the growth
from the smallest to the largest size, to docs/PERFORMANCE.md. Issue 13 allows 1.5× at most.
"""

import argparse
import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Server, database_name, machine, seed, signed_in, sized, summary, timed, write_section

QUERIES = [
    "/search?q=fernandez",
    "/search?q=fernandes",  # one letter wrong
    "/search?q=MH-SSH 3.0",
    '/search?q="sad or hopeless content"',
    "/search?q=hopeless&kind=consultations&page=3",
    "/search/jump?q=agus",
    "/people?q=garc",
    "/people?q=fernandez",
]


def measure(instance: str, people: int, runs: int) -> tuple[str, dict]:
    env = sized(instance, people)
    seeded = seed(instance, people, env)  # the search index included
    figures = {}
    with Server(env) as server:
        opener = signed_in(server.base, "editor@example.org")
        for query in QUERIES:
            path = quote(query, safe="/?=&")
            figures[query] = summary(timed(opener, server.base + path, runs))
            print(f"{people:>7} {query:45} median {figures[query][0]:6.1f} ms  p95 {figures[query][1]:6.1f} ms")
    return seeded, figures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="2000,100000")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--instance-root", default="/tmp/engage-bench")  # shares bench/pages.py's databases
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    database = database_name()
    results = {n: measure(f"{args.instance_root}-{n}", n, args.runs) for n in sizes}
    small, large = min(sizes), max(sizes)
    head = " | ".join(f"{n:,} people median / p95 ms" for n in sizes)
    rows = []
    for query in QUERIES:
        cells = " | ".join(f"{results[n][1][query][0]:.1f} / {results[n][1][query][1]:.1f}" for n in sizes)
        growth = results[large][1][query][0] / results[small][1][query][0]
        rows.append(f"| `{query}` | {cells} | {growth:.2f}× |")
    body = (
        f"`bench/search.py --sizes {args.sizes}` on {database}, gunicorn with 2 workers, signed in as an editor, "
        f"{args.runs} requests per query after one warm-up; {machine()}.\n\n"
        + "\n".join(f"- {n:,}: {results[n][0]}" for n in sizes)
        + f"\n\n| query | {head} | growth |\n|---|"
        + "---|" * len(sizes)
        + "---|\n"
        + "\n".join(rows)
    )
    write_section(f"Search ({database})", body)


if __name__ == "__main__":
    main()
