"""List, detail and search pages at the SPEC §5 volumes, served by gunicorn.

    .venv/bin/python bench/pages.py [--sizes 2000,100000] [--instance-root DIR] [--runs 30]
                                    [--clients 4] [--seconds 3]

Seeds one database per size (SQLite in DIR-<size>, or, with DATABASE_URL set, a database per size on
that PostgreSQL server) unless it has data, serves each with gunicorn (2 workers, Server-Timing on),
and times every page: median and p95 over --runs requests after one warm-up, the SQL statements the
page ran, and requests per second with --clients clients for --seconds. Writes the figures, with the
growth from the smallest to the largest size, to docs/PERFORMANCE.md. Target (SPEC §5, issue 19):
median < 50 ms and p95 < 150 ms at the largest size, growth at most 1.5×.
"""

import argparse
import os
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Server, database_name, machine, seed, signed_in, sized, summary, timed, write_section

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


STATEMENTS = re.compile(r'db;desc="(\d+) statements"')


def _statements(opener, url: str) -> int | None:
    found = STATEMENTS.search(opener.open(url).headers.get("Server-Timing", ""))
    return int(found.group(1)) if found else None


def _rps(base: str, url: str, clients: int, seconds: float) -> float:
    """Requests per second with `clients` signed-in clients asking for `url` over and over."""
    openers = [signed_in(base, "editor@example.org") for _ in range(clients)]
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def hammer(i):
        while time.perf_counter() < stop:
            openers[i].open(url).read()
            done[i] += 1

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def measure(instance: str, people: int, runs: int, clients: int, seconds: float) -> tuple[str, dict]:
    env = sized(instance, people)
    seeded = seed(instance, people, env)
    ids = {"person": people // 2, "organisation": people // 20, "consultation": people, "engagement": 5}
    figures = {}
    with Server({**env, "ENGAGE_SERVER_TIMING": "1"}) as server:
        opener = signed_in(server.base, "editor@example.org")
        for page in PAGES:
            url = server.base + quote(page.format(**ids), safe="/?=&")
            try:
                median, p95 = summary(timed(opener, url, runs))
                statements = _statements(opener, url)
                rps = _rps(server.base, url, clients, seconds) if seconds else None
            except Exception as error:  # a page that does not exist yet is reported, not fatal
                figures[page] = error
                print(f"{people:>7} {page:45} {error}")
                continue
            figures[page] = (median, p95, statements, rps)
            print(f"{people:>7} {page:45} {median:6.1f} / {p95:6.1f} ms  {statements} statements  {rps or 0:.0f}/s")
    return seeded, figures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="2000,100000", help="people per database, smallest first")
    ap.add_argument("--instance-root", default="/tmp/engage-bench")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients for requests per second")
    ap.add_argument("--seconds", type=float, default=3, help="seconds of load per page (0: skip)")
    args = ap.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    results = {n: measure(f"{args.instance_root}-{n}", n, args.runs, args.clients, args.seconds) for n in sizes}
    small, large = sizes[0], sizes[-1]
    rows, misses = [], 0
    for page in PAGES:
        a, b = results[small][1].get(page), results[large][1].get(page)
        if isinstance(a, Exception) or isinstance(b, Exception) or a is None or b is None:
            rows.append(f"| `{page}` | — | — | — | — | — | {a if isinstance(a, Exception) else b} |")
            continue
        growth = b[0] / a[0]
        ok = b[0] < 50 and b[1] < 150 and growth <= 1.5
        misses += not ok
        same = "same" if a[2] == b[2] else f"**{a[2]} → {b[2]}**"
        rps = f"{b[3]:.0f}" if b[3] is not None else "—"
        cells = [f"{a[0]:.1f} / {a[1]:.1f}", f"{b[0]:.1f} / {b[1]:.1f}", f"{growth:.2f}×", f"{b[2]} ({same})", rps]
        rows.append(f"| `{page}` | " + " | ".join(cells) + f" | {'yes' if ok else '**no**'} |")
    load = Path("/proc/loadavg").read_text().split()[0] if os.path.exists("/proc/loadavg") else "?"
    database = database_name()
    body = (
        f"`bench/pages.py --sizes {args.sizes}` on {database}, gunicorn with 2 workers, signed in as an editor; "
        f"{args.runs} requests per page after one warm-up for the median and p95, then {args.clients} clients "
        f"for {args.seconds:g} s for requests per second; statements from the Server-Timing header; "
        f"{machine()}; load average {load} at the end.\n\n"
        + "\n".join(f"- {n:,} people: {results[n][0]}" for n in sizes)
        + f"\n\nTarget (SPEC §5, issue 19): at {large:,} people median < 50 ms and p95 < 150 ms, and the median "
        f"at most 1.5× the median at {small:,}. Pages missing it: {misses}.\n\n"
        f"| page | {small:,}: median / p95 ms | {large:,}: median / p95 ms | growth | statements at {large:,} "
        f"(vs {small:,}) | requests/s at {large:,} | met |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows)
    )
    write_section(f"Pages ({database})", body)


if __name__ == "__main__":
    main()
