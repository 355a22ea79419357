"""Benchmark: a calendar feed of 10,000 engagements (SPEC §5: under 1 s, with ETag / 304).

Creates a temporary SQLite database, bulk-inserts 10,000 engagements in twelve zones
(with speakers, participants and agenda items), serves the feed with gunicorn on a free
port (two workers, like production), and times full responses and 304s over HTTP.
Writes the figures to docs/PERFORMANCE.md under "Calendar feed".

    .venv/bin/python bench/feed.py [--engagements 10000] [--runs 20]
"""

import argparse
import os
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def build(instance: str, count: int) -> str:
    from sqlalchemy import insert

    from engage import create_app
    from engage.auth.models import User
    from engage.demo.engagements import ZONES
    from engage.engagements.models import AgendaItem, Engagement, EngagementParticipant, engagement_speakers
    from engage.extensions import db
    from engage.people.models import Person, PersonEmail

    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.db"}
    )
    with app.app_context():
        db.create_all()
        user = User(email="bench@example.org", name="Bench User", role="editor", password_hash="x", feed_scope="team")
        db.session.add(user)
        db.session.flush()
        db.session.execute(insert(Person), [{"id": i, "name": f"Expert {i}", "country": "GB"} for i in range(1, 501)])
        db.session.execute(
            insert(PersonEmail),
            [{"person_id": i, "email": f"expert{i}@example.org", "position": 0} for i in range(1, 501)],
        )
        start = datetime(2026, 1, 5, 9, tzinfo=UTC)
        now = datetime.now(UTC)
        rows = []
        for i in range(1, count + 1):
            begins = start + timedelta(hours=7 * i)
            rows.append(
                {
                    "id": i,
                    "uid": f"bench-{i}@engage",
                    "title": f"Engagement {i}: panel, on youth; wellbeing",
                    "kind": "panel",
                    "starts_at": begins,
                    "ends_at": begins + timedelta(hours=2),
                    "timezone": ZONES[i % len(ZONES)],
                    "venue": f"Venue {i % 50}",
                    "virtual_link": "",
                    "status": "confirmed",
                    "objectives": "Explain the policy.\nListen to the experts.",
                    "key_messages": "",
                    "sensitivities": "",
                    "logistics": "",
                    "sequence": 1,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(insert(Engagement), rows)
        db.session.execute(
            insert(engagement_speakers),
            [{"engagement_id": i, "user_id": user.id} for i in range(1, count + 1)],
        )
        db.session.execute(
            insert(EngagementParticipant),
            [
                {
                    "engagement_id": i,
                    "person_id": 1 + (i * 7 + k) % 500,
                    "role": "co_panellist",
                    "rsvp": "accepted",
                }
                for i in range(1, count + 1)
                for k in range(2)
            ],
        )
        db.session.execute(
            insert(AgendaItem),
            [
                {
                    "engagement_id": i,
                    "position": k,
                    "time_label": f"1{k}:00",
                    "title": f"Item {k}",
                    "notes": "",
                }
                for i in range(1, count + 1)
                for k in range(2)
            ],
        )
        db.session.commit()
        return user.feed_token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(url: str, headers: dict | None = None) -> tuple[float, int, dict, int]:
    request = urllib.request.Request(url, headers=headers or {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            status, got = response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        body, status, got = b"", error.code, dict(error.headers)
    return time.perf_counter() - started, status, got, len(body)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engagements", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="engage-bench-feed-")
    t0 = time.perf_counter()
    token = build(instance, args.engagements)
    print(f"Inserted {args.engagements:,} engagements in {time.perf_counter() - t0:.1f} s")
    port = free_port()
    env = {
        **os.environ,
        "ENGAGE_INSTANCE": instance,
        "DATABASE_URL": f"sqlite:///{instance}/bench.db",
        "ENGAGE_ENV": "development",
        "SECRET_KEY": secrets.token_hex(32),  # gunicorn refuses the development key
    }
    server = subprocess.Popen(
        [
            os.path.join(ROOT, ".venv/bin/gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/calendar/{token}.ics"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        # Two requests at once, so each worker takes one: each builds and caches every VEVENT.
        with ThreadPoolExecutor(2) as pool:
            cold = [r[0] for r in pool.map(lambda _: timed(url), range(2))]
        full, not_modified = [], []
        size, etag = 0, ""
        for _ in range(args.runs):
            elapsed, status, headers, size = timed(url)
            assert status == 200, status
            etag = headers["ETag"]
            full.append(elapsed)
        for _ in range(args.runs):
            elapsed, status, _, _ = timed(url, {"If-None-Match": etag})
            assert status == 304, status
            not_modified.append(elapsed)
        # One engagement edited before each request: a new ETag, so the body is rebuilt
        # (from memoised VEVENTs, all but the changed one).
        changed = []
        with sqlite3.connect(os.path.join(instance, "bench.db")) as conn:
            for n in range(args.runs):
                conn.execute(
                    "UPDATE engagements SET sequence = sequence + 1, version = version + 1, title = ? WHERE id = ?",
                    (f"Edited {n}", 1 + n * 37),
                )
                conn.commit()
                elapsed, status, _, _ = timed(url)
                assert status == 200, status
                changed.append(elapsed)
    finally:
        server.terminate()
        server.wait(timeout=10)
    figures = {
        "engagements": args.engagements,
        "size": size,
        "cold": max(cold),
        "full_median": statistics.median(full),
        "full_p95": p95(full),
        "changed_median": statistics.median(changed),
        "changed_p95": p95(changed),
        "nm_median": statistics.median(not_modified),
        "nm_p95": p95(not_modified),
        "runs": args.runs,
    }
    ms = {k: f"{v * 1000:.0f} ms" for k, v in figures.items() if isinstance(v, float)}
    print(
        f"Feed of {figures['engagements']:,} engagements ({size / 1e6:.1f} MB): first build {ms['cold']}; "
        f"unchanged median {ms['full_median']}, p95 {ms['full_p95']}; "
        f"after one edit median {ms['changed_median']}, p95 {ms['changed_p95']}; "
        f"304 median {ms['nm_median']}, p95 {ms['nm_p95']}"
    )
    write_docs(figures)


def write_docs(f: dict) -> None:
    path = os.path.join(ROOT, "docs", "PERFORMANCE.md")
    ms = {k: f"{v * 1000:.0f} ms" for k, v in f.items() if isinstance(v, float)}
    runs, today, mb = f["runs"], f"{datetime.now(UTC):%Y-%m-%d}", f"{f['size'] / 1e6:.1f} MB"
    section = f"""## Calendar feed

`bench/feed.py`: {f["engagements"]:,} engagements in twelve zones (two participants, a speaker and
two agenda items each), bulk-inserted into a temporary SQLite database; the feed
`/calendar/<token>.ics` (scope: team) served by gunicorn (2 workers) and fetched over HTTP
{runs} times, {runs} times with `If-None-Match`, and {runs} times each after editing one
engagement. Measured {today} on the
shared 2-core development machine. Target (SPEC §5): under 1 s.

| request | median | p95 |
|---|---|---|
| full feed ({mb}), one engagement edited since | {ms["changed_median"]} | {ms["changed_p95"]} |
| full feed, unchanged (another subscriber polls) | {ms["full_median"]} | {ms["full_p95"]} |
| conditional, `304 Not Modified` | {ms["nm_median"]} | {ms["nm_p95"]} |
| first request after a worker starts | {ms["cold"]} | |

How: ETag and Last-Modified come from two narrow queries (ids, versions, sequences,
updated_at of the feed's engagements; the newest change to any person or user), so a 304
builds nothing. Each worker keeps the bodies of the last few ETags it served, so an
unchanged feed is not rebuilt for a second subscriber poll. A changed feed reads
everything in six Core queries (no ORM objects); each VTIMEZONE is built once per
process for a zone and a range of years; each VEVENT's bytes are memoised on their
complete input (an immutable value), so only changed engagements are serialised again
(one engagement changed: the other 9,999 come from memory). The first request
after a worker starts pays for serialising every event with the icalendar library.
"""
    text = "# Performance\n\nFigures written by the scripts in `bench/`.\n"
    if os.path.exists(path):
        with open(path) as handle:
            text = handle.read()
    pattern = re.compile(r"## Calendar feed\n.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(section.rstrip("\n"), text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as handle:
        handle.write(text.rstrip("\n") + "\n")
    print(f"Wrote {path}")


if __name__ == "__main__":
    main()
