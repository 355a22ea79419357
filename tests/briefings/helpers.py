"""Shared helpers for the briefings tests."""

from engage.extensions import db
from tests.factories import make_person


def new_person(app, name: str, **kw) -> int:
    """A person committed to the database; returns their id."""
    with app.app_context():
        person_id = make_person(name, **kw).id
        db.session.commit()
    return person_id


def post_letter(client, token: str, person_id: int, date_from="2026-01-01", date_to="2026-02-01"):
    """Ask for a letter to `person_id` over the period, through the person's letters page."""
    return client.post(
        f"/people/{person_id}/letters", data={"csrf_token": token, "date_from": date_from, "date_to": date_to}
    )
