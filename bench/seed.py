"""`seed-demo --people 100000` into an empty database (SPEC §5: under 2 minutes).

    .venv/bin/python bench/seed.py [--instance DIR] [--people 100000]

Uses SQLite in DIR (emptied first), or DATABASE_URL when set (its tables must be empty).
The seeded database is left in place for bench/pages.py. Writes docs/PERFORMANCE.md.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import ROOT, database_name, machine, write_section


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instance", default="/tmp/engage-bench")
    ap.add_argument("--people", type=int, default=100_000)
    args = ap.parse_args()
    if not os.environ.get("DATABASE_URL"):
        shutil.rmtree(args.instance, ignore_errors=True)
    os.makedirs(args.instance, exist_ok=True)
    env = {**os.environ, "ENGAGE_INSTANCE": args.instance}
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    result = subprocess.run(
        [*flask, "engage", "seed-demo", "--people", str(args.people)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    counts = result.stdout.splitlines()[0]
    print(counts)
    print(f"wall clock {elapsed:.0f} s (including interpreter start-up)")
    database = database_name()
    load = os.getloadavg()[0]
    write_section(
        f"Demo seed ({database})",
        f"`bench/seed.py --people {args.people}` on {database}; {machine()}; load average {load:.1f} at the end.\n\n"
        f"{counts}\n\nWall clock for the whole command: **{elapsed:.0f} s** (target: under 120 s).",
    )


if __name__ == "__main__":
    main()
