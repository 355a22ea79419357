"""Benchmark: the regulator evidence pack for one harm area over 18 months (issue 10: under 5 s).

Uses (or seeds) the demo data in an instance folder, then times, for the demo editor, what a
POST to /evidence does: gathering (a fixed number of Core statements), the CSV, the PDF
(WeasyPrint) and storing both, and a second request for the same, unchanged data (which must hand
back the stored pack). Everything is rolled back at the end: nothing is kept in the database.
Writes the figures into docs/PERFORMANCE.md under "Evidence pack".

    .venv/bin/python bench/evidence.py [--instance DIR] [--people 100000] [--topic suicide-self-harm]
"""

import argparse
import os
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import ROOT, machine, write_section


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instance", default="/tmp/engage-bench")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--topic", default="suicide-self-harm")
    ap.add_argument("--months", type=int, default=18)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.instance, exist_ok=True)
    os.environ["ENGAGE_INSTANCE"] = args.instance
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, check=True, capture_output=True)
    seeded = subprocess.run(
        [*flask, "engage", "seed-demo", "--people", str(args.people), "--if-empty"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()

    from sqlalchemy import func, select

    from engage import create_app
    from engage.audit.services import Actor
    from engage.auth.models import User
    from engage.briefings import builder, evidence_service
    from engage.briefings.evidence import CSV_HEADER, gather_evidence
    from engage.consultations.models import Consultation, Input
    from engage.extensions import db
    from engage.topics.models import Topic

    app = create_app()
    with app.app_context(), app.test_request_context():
        editor = db.session.execute(select(User).where(User.email == "editor@example.org")).scalar_one()
        topic = db.session.execute(select(Topic).where(Topic.slug == args.topic)).scalar_one()
        today = date.today()
        start = date(today.year - (args.months // 12), today.month, 1)
        if args.months % 12:
            month = today.month - args.months % 12
            start = date(start.year - (month <= 0), (month - 1) % 12 + 1, 1)
        volume = (
            f"{db.session.execute(select(func.count()).select_from(Consultation)).scalar_one():,} consultations, "
            f"{db.session.execute(select(func.count()).select_from(Input)).scalar_one():,} points in the database"
        )
        now = datetime.now(UTC)
        rows = []

        def timed(label, work):
            wall, cpu = time.perf_counter(), time.process_time()
            value = work()
            rows.append((label, time.perf_counter() - wall, time.process_time() - cpu))
            return value

        timed(
            "scope fingerprint (aggregates)",
            lambda: evidence_service.evidence_fingerprint(topic, start, today, editor, today),
        )
        data = timed(
            "gather (aggregates + the PDF's consultations)", lambda: gather_evidence(topic, start, today, editor, now)
        )
        csv_bytes = timed("CSV (every point, streamed)", lambda: builder.build_csv(CSV_HEADER, data.csv_rows()))
        pdf_bytes = timed("PDF (WeasyPrint)", lambda: builder.build_evidence_pdf(data))
        actor = Actor(editor, "bench")
        pdf_doc, _ = timed(
            "**the background job's work: fingerprint + gather + CSV + PDF + store**",
            lambda: evidence_service.make_evidence(actor, topic, start, today, now),
        )
        again = timed(
            "POST /evidence again, data unchanged (fingerprint, stored pack handed back)",
            lambda: evidence_service.request_evidence(actor, topic.id, start, today, now),
        )
        assert again.pdf is not None and again.pdf.id == pdf_doc.id, "unchanged data must give back the stored pack"
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf_bytes))
        topic_name, printed = topic.name, data.listed_inputs
        db.session.rollback()

    for label, seconds, cpu in rows:
        print(f"{label:80} {seconds:6.2f} s  (CPU {cpu:.2f} s)")
    load = os.getloadavg()[0]
    body = (
        f"`bench/evidence.py --people {args.people}` on SQLite: the pack for *{topic_name}* over "
        f"{args.months} months ({start} to {today}) for the demo editor. Data: {seeded.splitlines()[0]} "
        f"({volume}). The pack: {data.consultation_count:,} consultations, {data.input_count:,} points on "
        f"the harm area; PDF {len(pdf_bytes) / 1024:,.0f} KB, {pages} pages ({printed} points listed one by "
        f"one), CSV {len(csv_bytes) / 1024 / 1024:,.1f} MB with every point. "
        f"{machine()}; load average {load:.1f} during the run (the machine is shared: CPU is the steadier figure).\n\n"
        "| step | wall clock, s | CPU of this process, s |\n|---|---|---|\n"
        + "\n".join(f"| {label} | {s:.2f} | {c:.2f} |" for label, s, c in rows)
    )
    if not args.no_write:
        write_section("Evidence pack", body + "\n\n" + NOTES)


NOTES = """Before (2026-12-01, same machine, the code this replaced): at 100,000 people the 18-month
pack took 16 s of CPU in the request (issue 10), and an unchanged second request gathered
everything again to learn it was unchanged. At 20,000 people (17,599 points), load average
about 7: POST /evidence 15.6 s wall clock, 7.0 s CPU (gather 2.4 s, CSV 0.5 s, PDF 10.1 s wall
for 150 points over 22 pages); the same request again 5.6 s wall, 2.8 s CPU. After, at the same
20,000 people: the POST for new data costs the fingerprint (0.6 s CPU) and returns a progress
page; the job's work is ~5.5 s CPU in the background (PDF 9 pages, 2.1 s); the same request
again 0.5-0.6 s CPU.

How (issue 10). A POST no longer makes the pack: it computes the scope's fingerprint (counts,
id sums and latest `updated_at` of the consultations, points, decisions, participant links,
people, organisations, policies, versions and clauses in scope, plus the reader, period and each
version's standing today: nine aggregate statements) and hands back the stored pack when it
matches, before anything is gathered; otherwise the reader's job already running for that
fingerprint, otherwise a new `document_jobs` row, worked by a thread started after the request
commits, with a progress page polled every second. So the request costs only the fingerprint
row above, whatever the size of the pack, and a pack is stored once per scope however often it
is asked for or abandoned. The work itself: counts, outcomes and the clause-change table are
GROUP BY statements; the PDF lists the first 20 consultations with up to 3 points and 8
participants each and up to 40 clause-change rows, each with an "and N more" line (the CSV
frozen with it holds every point); the CSV is written from two plain statements (an outer join
from the consultations made SQLite scan the harm area's points once per consultation: minutes).

Still over 5 s at the 100,000-people volume, so it stays in the background: the CSV (every point
with its text) and the scope's aggregates grow with the pack; WeasyPrint's fixed cost (the
stylesheet and fonts, ~1 s) is paid per PDF."""


if __name__ == "__main__":
    main()
