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
    """POST /evidence as the form does (the tests' task queue makes the pack before it answers);
    returns the answer to the POST (303 to the job's page, or 302 to the stored pack)."""
    return client.post("/evidence", data=data)


def plant_evidence_job(user, topic_id: int) -> int:
    """A finished evidence-pack job of `user`, its pack made here and now (inside an app context,
    not committed); returns the job's id. For the route walks, which need a job page to read."""
    from datetime import date

    from engage.audit.services import Actor
    from engage.briefings import services
    from engage.briefings.models import DocumentJob

    pdf, csv_doc = services.generate_evidence(Actor(user), topic_id, date(2020, 1, 1), date.today())
    scope = {"topic_id": topic_id, "date_from": "2020-01-01", "date_to": date.today().isoformat()}
    job = DocumentJob(status="done", step=4, total=4, step_label="Ready", fingerprint=pdf.fingerprint, scope=scope)
    job.requested_by_id, job.pdf_document_id, job.csv_document_id = user.id, pdf.id, csv_doc.id
    db.session.add(job)
    db.session.flush()
    return job.id
