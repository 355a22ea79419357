#!/usr/bin/env bash
# `make bench`: every benchmark on SQLite, then on a throwaway PostgreSQL 15 (pg_virtualenv, as in
# .ci/run), each writing its section of docs/PERFORMANCE.md. BENCH_DATABASES=sqlite (or postgresql)
# runs one of the two. Takes about an hour on the 2-core machine (most of it seeding 100,000 people).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

every_benchmark() {
  $PY bench/seed.py
  $PY bench/pages.py --sizes 2000,100000
  $PY bench/admin_compare.py
  $PY bench/search.py --sizes 2000,100000
  $PY bench/reports.py --people 100000
  $PY -m bench.concurrency
  if [ -z "${DATABASE_URL:-}" ]; then  # these measure the app's own work; the database adds little
    $PY bench/feed.py
    $PY bench/briefing.py
    $PY -m bench.transfer
  fi
}

case "${BENCH_DATABASES:-sqlite postgresql}" in *sqlite*)
  echo "== benchmarks on SQLite"
  (unset DATABASE_URL; every_benchmark) ;;
esac
case "${BENCH_DATABASES:-sqlite postgresql}" in *postgresql*)
  echo "== benchmarks on PostgreSQL 15"
  export -f every_benchmark
  export PY
  pg_virtualenv -v 15 bash -c '
    host="${PGHOST:-localhost}"
    case "$host" in /*) export DATABASE_URL="postgresql://${PGUSER}:${PGPASSWORD}@/${PGDATABASE}?host=${host}&port=${PGPORT}" ;;
                    *) export DATABASE_URL="postgresql://${PGUSER}:${PGPASSWORD}@${host}:${PGPORT}/${PGDATABASE}" ;; esac
    every_benchmark' ;;
esac
