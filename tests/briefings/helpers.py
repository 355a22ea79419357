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


def make_pack(client, engagement_id: int, tz: str | None = None):
    """Ask for the signed-in reader's briefing pack (POST, as the button does), then download it
    (GET); returns the download response."""
    from tests.conftest import csrf_from

    token = csrf_from(client.get(f"/engagements/{engagement_id}/briefing").get_data(as_text=True))
    made = client.post(f"/engagements/{engagement_id}/briefing", data={"csrf_token": token, "tz": tz or "UTC"})
    assert made.status_code == 302, made.get_data(as_text=True)[:500]
    return client.get(f"/engagements/{engagement_id}/briefing.pdf", query_string={"tz": tz} if tz else {})


def ask_evidence(client, data: dict):
    """POST /evidence as the form does, then let the background job finish; returns the answer to
    the POST (303 to the job's page, or 302 to the stored pack)."""
    from engage.briefings import jobs

    response = client.post("/evidence", data=data)
    jobs.wait()
    return response
