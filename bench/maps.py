"""The two maps (issue 14) at the SPEC §5 volumes, served by gunicorn.

    .venv/bin/python bench/maps.py [--instance DIR] [--people 100000] [--runs 5]

Uses the database bench/seed.py (or bench/pages.py) left in DIR (SQLite, or DATABASE_URL when set),
seeding it when empty; times the stakeholder grid and the relationship network, for all topics and
for one topic and region (median and p95 over --runs requests after one warm-up) as an editor, and
writes the figures to docs/PERFORMANCE.md. Target: the pages' (SPEC §5).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import pages_section

FILTERED = "?topic=1&region=Europe"
PATHS = [
    "/reports/stakeholder-grid",
    f"/reports/stakeholder-grid{FILTERED}",
    "/reports/network",
    f"/reports/network{FILTERED}",
]


ABOUT = (
    "The grid ranks every person's assessments (a window over the table) and counts the cells; the "
    "network joins each consultation's participants pairwise (visibility applied row by row) and "
    "groups the pairs, then keeps the most connected nodes in Python. A fixed number of statements, "
    "but full scans each time."
)


def main():
    pages_section("bench/maps.py", PATHS, "map", "Maps", ABOUT, runs=5)


if __name__ == "__main__":
    main()
