"""Benchmark of the likely-duplicates page: `python -m bench.duplicates [--people 50000]`.

Builds a directory of PEOPLE people through the import engine (a CSV of names, emails and current
organisations, with one person in 100 typed in again under the same email in capitals and one in
150 again under the same name written "Last, First" at the same organisation), then times
`merge.duplicate_pairs` (the first page of 50 pairs and the total) and GET /people/duplicates as an
editor through the app. SQLite in a temporary folder, or DATABASE_URL (its tables are created and
must be empty). Writes the figures to docs/PERFORMANCE.md under "Duplicates page".
"""

import argparse
import os
import tempfile
import time

from bench.common import machine, summary, write_section

RUNS = 20


def make_csv(people: int) -> bytes:
    lines = ["Name,Email,Organisation"]
    for i in range(1, people + 1):
        if i % 100 == 0:  # an earlier person again, the email in capitals
            j = i - 37
            lines.append(f"Expert Número {j},EXPERT{j}@BULK.EXAMPLE,Institute {j % 500}")
        elif i % 150 == 1 and i > 150:  # an earlier person again, "Last, First", same organisation
            j = i - 75
            lines.append(f'"Número {j}, Expert",other{j}@elsewhere.example,Institute {j % 500}')
        else:
            lines.append(f"Expert Número {i},expert{i}@bulk.example,Institute {i % 500}")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = run(folder, args.people)
    print(figures)
    write_docs(args.people, figures)


def run(folder: str, people: int) -> dict:
    from werkzeug.security import generate_password_hash

    from engage import create_app
    from engage.audit.services import Actor
    from engage.auth.models import User
    from engage.extensions import db
    from engage.people import merge
    from engage.transfer import imports
    from tests.conftest import csrf_from

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder, "TESTING": True})
    with app.app_context():
        db.create_all()
        user = User(email="editor@example.org", name="Editor", role="editor")
        user.password_hash = generate_password_hash("bench-password", "pbkdf2:sha256:1000")
        db.session.add(user)
        db.session.commit()
        plan = imports.prepare("people", make_csv(people), "people.csv")
        imports.check(plan, Actor(user, "bench"))
        for row in plan.rows:
            row.action = "create"  # the likely duplicates go in too: they are what the page finds
        imports.apply(Actor(user, "bench"), plan)
        db.session.commit()
        times, total = [], 0
        for _ in range(RUNS + 1):
            started = time.perf_counter()
            _, total = merge.duplicate_pairs(1, 50)
            times.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
        service = (*summary(times[1:]), min(times[1:]))
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "editor@example.org", "password": "bench-password", "csrf_token": token})
    page = []
    for _ in range(RUNS + 1):
        started = time.perf_counter()
        response = client.get("/people/duplicates")
        assert response.status_code == 200, response.status_code
        page.append((time.perf_counter() - started) * 1000)
    return {
        "database": "PostgreSQL" if url.startswith("postgres") else "SQLite",
        "pairs": total,
        "service": service,
        "page": (*summary(page[1:]), min(page[1:])),
        "load": os.getloadavg()[0],
    }


def _ms(figures: tuple) -> str:
    return " | ".join(f"{value:.0f} ms" for value in figures)


def write_docs(people: int, f: dict) -> None:
    title = f"Duplicates page ({f['database']})"
    body = f"""
`python -m bench.duplicates --people {people}` on {f["database"]}; {machine()}; load average {f["load"]:.1f}
at the end (other work shares the machine). {people:,} people imported through the import engine, with
{f["pairs"]:,} likely-duplicate pairs among them (same email in another case; same name, words in
another order, at the same current organisation). {RUNS} runs after a warm-up. Target: under 300 ms.

| what | median | p95 | best |
|---|---:|---:|---:|
| `merge.duplicate_pairs` (first page of 50 and the total) | {_ms(f["service"])} |
| GET `/people/duplicates` as an editor (in-process client) | {_ms(f["page"])} |

Before (issue 18): 1.3–2.3 s at 50,000 people, the name key computed in Python for every person with
a current affiliation on each request. Now the keys are stored on the rows (`people.name_key`,
`person_emails.email_key`, indexed, kept in step by the model on every write and by the bulk
inserts) and the database finds the keys more than one live person shares with a GROUP BY over the
index; only the rows under those keys are read.
"""
    write_section(title, body)


if __name__ == "__main__":
    os.environ.setdefault("ENGAGE_ENV", "development")
    main()
