"""Benchmark of imports and exports: `python -m bench.transfer [--rows 100000]`.

Import: a CSV of ROWS people (name, email, country, organisation, phone) through the import
engine as `engage import-people` runs it (read, check every row, insert in batches, one
commit), on a fresh SQLite database. Export: /export/people.csv streamed through the app for
10,000 and for ROWS people, each in its own process, reporting that process's peak RSS.
Writes the figures to docs/PERFORMANCE.md under "Import and export".
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

from bench.common import REPORT, ROOT


def make_csv(rows: int) -> bytes:
    lines = ["Name,Email,Country,Organisation,Phone"]
    for i in range(1, rows + 1):
        phone = f"+44 20 {7000 + i // 10000:04d} {i % 10000:04d}"  # every one a different valid number
        lines.append(f"Expert Número {i},expert{i}@bulk.example,GB,Institute {i % 500},{phone}")
    return ("\n".join(lines) + "\n").encode()


def _app(folder: str):
    from engage import create_app
    from engage.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "INSTANCE_PATH": folder, "TESTING": True}
    )
    with app.app_context():
        db.create_all()
    return app


def import_rows(folder: str, rows: int) -> dict:
    from engage.audit.services import Actor
    from engage.auth.models import User
    from engage.extensions import db
    from engage.transfer import imports

    app = _app(folder)
    data = make_csv(rows)
    with app.app_context():
        user = User(email="admin@example.org", name="Admin", role="admin")
        user.password_hash = "pbkdf2:sha256:1000$x$" + "0" * 64
        db.session.add(user)
        db.session.commit()
        started, cpu = time.perf_counter(), time.process_time()
        plan = imports.prepare("people", data, "bench.csv")
        imports.check(plan, Actor(user, "bench"))
        checked = time.perf_counter()
        counts = imports.apply(Actor(user, "bench"), plan)
        db.session.commit()
        done = time.perf_counter()
        cpu = time.process_time() - cpu
    figures = {"rows": rows, "created": counts["create"], "check_s": checked - started, "total_s": done - started}
    return figures | {"cpu_s": cpu, "load": os.getloadavg()[0]}


def export_rss(folder: str) -> tuple[int, int]:
    """(bytes exported, peak RSS in MB) of streaming /export/people.csv in this process."""
    from werkzeug.security import generate_password_hash

    from engage.auth.models import User
    from engage.extensions import db
    from tests.conftest import csrf_from

    app = _app(folder)
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        user.password_hash = generate_password_hash("bench-password", "pbkdf2:sha256:1000")
        db.session.commit()
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "admin@example.org", "password": "bench-password", "csrf_token": token})
    response = client.get("/export/people.csv", buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    return size, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _child(mode: str, folder: str, rows: int) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "bench.transfer", "--child", mode, "--folder", folder, "--rows", str(rows)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", choices=["import", "export"])
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child == "import":
        print(repr(import_rows(args.folder, args.rows)))
        return
    if args.child == "export":
        print(repr(export_rss(args.folder)))
        return
    figures = {}
    for rows in sorted({10_000, args.rows}):
        with tempfile.TemporaryDirectory() as folder:
            figures[rows] = eval(_child("import", folder, rows))
            figures[rows]["export_bytes"], figures[rows]["export_rss_mb"] = eval(_child("export", folder, rows))
            print(rows, figures[rows], flush=True)
    write_docs(figures)


def write_docs(figures: dict) -> None:
    lines = [
        "## Import and export",
        "",
        f"`python -m bench.transfer` ({time.strftime('%Y-%m-%d')}, SQLite, one process on the shared 2-core machine).",
        "Import: a CSV of people with name, email, country, organisation and phone, through the engine",
        "`engage import-people` uses (read, check every row, insert in batches, one commit).",
        "Export: `/export/people.csv` of every person, streamed, in a fresh process; peak RSS of that process.",
        "",
        "| rows | check | import in all | rows per second | CPU of the import | rows per CPU second | load "
        "| export size | export peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rows, f in sorted(figures.items()):
        lines.append(
            f"| {rows:,} | {f['check_s']:.1f} s | {f['total_s']:.1f} s | {rows / f['total_s']:,.0f} | "
            f"{f['cpu_s']:.1f} s | {rows / f['cpu_s']:,.0f} | {f['load']:.1f} | "
            f"{f['export_bytes'] / 1e6:.1f} MB | {f['export_rss_mb']} MB |"
        )
    lines += [
        "",
        f"Load average at the end of the run: {os.getloadavg()[0]:.1f} on 2 cores (other work shares the machine).",
        "The SPEC asks for 5,000 rows per second. The wall clock depends on how busy the shared machine",
        "is (the load column: runnable processes per 2 cores); the CPU columns are the import's own cost.",
        "What it took (issue 18): the person form's rules (`people.services.validate_person`, the one",
        "definition the form and every import call) with phone parsing memoised per (number, region) and",
        "the email syntax per domain; the owner looked up once per file; duplicates found per batch",
        "(indexed `email_key IN (…)`, rapidfuzz `process.extract` over the stored name keys of the people at",
        "each organisation); the cyclic garbage collector paused while a file is checked and written (at",
        "100,000 rows it walked the rows' objects again and again: the check took twice as long); and the",
        "batches written by one executemany per table of 2,000 rows, compiled once, with each column's",
        "conversion applied once per distinct value (`people.bulk.insert_rows`; Core `insert()` spent more",
        "per row than SQLite). Still all rows or none, one audit event. Every row's phone number is a",
        "different valid London number, so the phone memo saves nothing here (it helps real files, where",
        "an organisation's switchboard repeats).",
        "Before this work the same bench gave 463 rows per second at 100,000 rows (785 at 10,000).",
        "**Met on a quiet machine**: 2026-12-02, three runs at load 0.7–1.3, 100,000 rows in 14.8 s, 13.4 s",
        "and 13.1 s (6,734–7,652 rows per second, every phone distinct; the table is the last).",
        "On the shared machine under load 8–17 (2026-12-01) it gave 1,000–2,600 rows per second: the import",
        "is one process on one core and needs that core to itself. The top of the profile: phone",
        "validation of numbers not met before (about 30 µs each), the person rules per row, SQLite's",
        "executemany, reading the CSV into row values.",
        "",
    ]
    section = "\n".join(lines) + "\n"
    text = REPORT.read_text() if REPORT.exists() else "# Performance\n"
    if "## Import and export" in text:
        start = text.index("## Import and export")
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.write_text(text)


if __name__ == "__main__":
    os.environ.setdefault("ENGAGE_ENV", "development")
    main()
