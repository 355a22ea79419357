"""The four reports (issue 14) at the SPEC §5 volumes, served by gunicorn.

    .venv/bin/python bench/reports.py [--instance DIR] [--people 100000] [--runs 10]

Uses the database bench/seed.py (or bench/pages.py) left in DIR (SQLite, or DATABASE_URL when set),
seeding it when empty; times each report page and CSV (median and p95 over --runs requests after one
warm-up) as an editor and writes the figures to docs/PERFORMANCE.md. Target: the pages' (SPEC §5).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import pages_section

REPORTS = ["/reports/consultations-by-topic", "/reports/decision-outcomes", "/reports/coverage", "/reports/cooling"]
PATHS = ["/reports", *REPORTS, *(f"{r}.csv" for r in REPORTS)]


ABOUT = (
    "Consultations by topic and coverage read counts kept with every write (per month, topic and "
    "confidentiality; each expert's last meeting per topic and tier), and decision outcomes the counts "
    "kept per policy and day; the reader's own restricted consultations beyond their tier are counted live. "
    "Cooling groups the people by owner over a covering index."
)


def main():
    pages_section("bench/reports.py", PATHS, "report", "Reports", ABOUT, runs=10)


if __name__ == "__main__":
    main()
