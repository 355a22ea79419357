"""The hot list queries use an index (issue 19): every SELECT a list page runs against its main
table is explained by the database itself — SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN
with sequential scans priced out (on a table of a few test rows the planner would rightly choose
one) — and none may read the whole table row by row."""

import pytest
from sqlalchemy import event

from engage.extensions import db
from tests.factories import make_consultation, make_engagement, make_organisation, make_person

HOT = {
    "/people": "people",
    "/people?country=GB": "people",
    "/people?q=garcia": "people",
    "/organizations": "organisations",
    "/organizations?kind=ngo": "organisations",
    "/consultations": "consultations",
    "/consultations?kind=workshop": "consultations",
    "/engagements": "engagements",
}


@pytest.fixture
def world(app):
    with app.app_context():
        for n in range(3):
            organisation = make_organisation(name=f"Plan Org {n}")
            person = make_person(name=f"Plan Person {n}", country="GB")
            make_consultation(title=f"Plan consultation {n}", people=[person], organisations=[organisation])
            make_engagement(title=f"Plan panel {n}")
        db.session.commit()


def _captured(app, client, path: str) -> list[tuple[str, object]]:
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert response.status_code == 200, path
    return seen


def _full_scans(app, statement: str, parameters, table: str) -> list[str]:
    """The plan lines that read `table` whole, row by row."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return [r[3] for r in rows if r[3] == f"SCAN {table}"]
        connection.exec_driver_sql("SET enable_seqscan = off")
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
        return [line.strip() for line in rows if f"Seq Scan on {table} " in line + " "]


@pytest.mark.parametrize("path", sorted(HOT))
def test_hot_list_queries_read_their_table_through_an_index(request, app, client, as_role, world, path):
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
    if postgresql and path == "/consultations":
        # The unfiltered list counts every consultation the reader may see, and its visibility
        # rule (confidentiality, or staff of the consultation) is not answered by an index:
        # issue 19 asks for that count to go (keyset pages, or a maintained count).
        request.applymarker(pytest.mark.xfail(strict=True, reason="issue 19: whole-table visible count"))
    as_role("editor")
    table = HOT[path]
    statements = [(s, p) for s, p in _captured(app, client, path) if f" {table}" in s]
    assert statements, f"{path} ran no SELECT on {table}"
    scans = {s: _full_scans(app, s, p, table) for s, p in statements}
    bad = {s[:300]: lines for s, lines in scans.items() if lines}
    assert not bad, f"{path}: full scans of {table}:\n" + "\n\n".join(f"{s}\n  {lines}" for s, lines in bad.items())


def test_the_check_finds_a_full_scan(app, world):
    """The check bites: a filter on a column without an index is a full scan on both databases."""
    assert _full_scans(app, "SELECT id FROM people WHERE bio = 'x'", (), "people")
