"""Counting the SQL statements a request runs (for "constant statements per page" tests)."""

from contextlib import contextmanager

from sqlalchemy import event

from engage.extensions import db


@contextmanager
def count_statements(app):
    """with count_statements(app) as counter: client.get(...); counter.n is the number run."""

    class Counter:
        n = 0
        statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        Counter.n += 1
        Counter.statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield Counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def statements_for(app, client, path: str) -> int:
    """The number of SQL statements one GET of `path` runs (asserting it succeeds)."""
    with count_statements(app) as counter:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return counter.n
