"""Helpers the directory tests share (helplines, forums): counting rows, reading field errors,
and checking that a page's statement count does not grow with the data."""

import re

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.extensions import db
from tests.conftest import login
from tests.sqlcount import statements_for


def count(app, model, *where) -> int:
    """Rows of `model` (matching `where`) in the database, read in a fresh app context."""
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def audit_count(app, record_type: str) -> int:
    return count(app, AuditEvent, AuditEvent.record_type == record_type)


def field_error(response, field: str) -> str | None:
    """The message shown next to `field` on a re-rendered form, or None."""
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', response.get_data(as_text=True), re.S)
    return match.group(1) if match else None


def archive(client, token: str, url: str, name: str, listing: str) -> None:
    """Archive the record at `url` and check that `name` has left the list page `listing`."""
    assert client.post(f"{url}/archive", data={"csrf_token": token}).status_code == 302
    client.get(url)  # shows (and so clears) the flash message, which names the record
    assert name not in client.get(listing).get_data(as_text=True)


def statement_counts(app, client, viewer, tables, make, path, sizes=(10, 200)) -> list[int]:
    """Statements `path` runs with `make(n)` rows (after emptying `tables`), for each size.

    `make` returns the id that `{id}` in `path` stands for.
    """
    login(client, viewer)
    counts = []
    for n in sizes:
        with app.app_context():
            for table in tables:
                db.session.execute(db.metadata.tables[table].delete())
            db.session.commit()
            first = make(n)
        counts.append(statements_for(app, client, path.format(id=first)))
    return counts
