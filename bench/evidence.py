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
    from engage.briefings import builder, services
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

        started = time.perf_counter()
        data = gather_evidence(topic, start, today, editor, now)
        gathered = time.perf_counter()
        csv_bytes = builder.build_csv(CSV_HEADER, data.csv_rows())
        csv_done = time.perf_counter()
        pdf_bytes = builder.build_evidence_pdf(data)
        pdf_done = time.perf_counter()

        actor = Actor(editor, "bench")
        first_started, first_cpu = time.perf_counter(), time.process_time()
        pdf_doc, _ = services.generate_evidence(actor, topic.id, start, today, now)
        first, first_cpu = time.perf_counter() - first_started, time.process_time() - first_cpu
        again_started, again_cpu = time.perf_counter(), time.process_time()
        again_doc, _ = services.generate_evidence(actor, topic.id, start, today, now)
        again, again_cpu = time.perf_counter() - again_started, time.process_time() - again_cpu
        assert again_doc.id == pdf_doc.id, "unchanged data must give back the stored pack"
        pages = pdf_bytes.count(b"/Type /Page\n") or pdf_bytes.count(b"/Type /Page")
        topic_name, printed = topic.name, data.listed_inputs
        db.session.rollback()

    rows = [
        ("gather (Core statements)", gathered - started, None),
        ("CSV", csv_done - gathered, None),
        ("PDF (WeasyPrint)", pdf_done - csv_done, None),
        ("**POST /evidence: gather + CSV + PDF + store**", first, first_cpu),
        ("the same request again, data unchanged (stored pack handed back)", again, again_cpu),
    ]
    for label, seconds, cpu in rows:
        print(f"{label:70} {seconds:6.2f} s" + (f"  (CPU {cpu:.2f} s)" if cpu is not None else ""))
    load = os.getloadavg()[0]
    body = (
        f"`bench/evidence.py --people {args.people}` on SQLite: the pack for *{topic_name}* over "
        f"{args.months} months ({start} to {today}) for the demo editor. Data: {seeded.splitlines()[0]} "
        f"({volume}). The pack: {data.consultation_count:,} consultations, {data.input_count:,} points on "
        f"the harm area; PDF {len(pdf_bytes) / 1024:,.0f} KB (points listed one by one up to "
        f"{printed:,}, the rest in the CSV, {len(csv_bytes) / 1024 / 1024:,.1f} MB). "
        f"{machine()}; load average {load:.1f} during the run.\n\n"
        "| step | wall clock, s | CPU of this process, s |\n|---|---|---|\n"
        + "\n".join(f"| {label} | {s:.2f} | {'' if c is None else f'{c:.2f}'} |" for label, s, c in rows)
        + f"\n\nTarget (issue 10): under 5 s. **{'Met' if first < 5 else 'Not met'} on this run.** "
        "Done so far: the pack's reads are plain rows in a fixed number of Core statements (no ORM graph "
        "per point); the PDF lists points one by one up to ~150 and says so, the CSV frozen with it holds "
        "every point (laying out tens of thousands of table rows took WeasyPrint minutes); a fingerprint "
        "of the data means a second request for unchanged data renders and stores nothing. Still to do at "
        "these volumes: the fingerprint is taken over the gathered data, so even a reuse pays for "
        "gathering and the CSV (tens of thousands of points); the next step is running the pack in a "
        "kept task queue (huey, per CONVENTIONS) with visible progress, and a cheap fingerprint (counts "
        "and latest updated_at of the scope) checked before gathering."
    )
    if not args.no_write:
        write_section("Evidence pack", body)
    print(f"pages≈{pages}")


if __name__ == "__main__":
    main()
