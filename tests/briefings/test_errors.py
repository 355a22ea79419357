"""A refused document leaves nothing behind: no stored bytes, no audit event, no 'sent' mark."""

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.briefings.models import Document
from engage.extensions import db
from tests.briefings.helpers import new_person, post_letter
from tests.conftest import login
from tests.factories import make_engagement, make_person


def _written(app) -> tuple[int, int]:
    """(documents stored, audit events other than sign-ins)."""
    with app.app_context():
        documents = db.session.execute(select(func.count()).select_from(Document)).scalar_one()
        events = db.session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.not_like("login%"))
        ).scalar_one()
        return documents, events


def test_bad_zone_in_the_download_link_is_400_with_its_message(app, client, users):
    with app.app_context():
        engagement_id = make_engagement().id
        db.session.commit()
    login(client, users["viewer"])
    before = _written(app)
    response = client.get(f"/engagements/{engagement_id}/briefing.pdf?tz=Nowhere/Land")
    assert response.status_code == 400
    assert "“Nowhere/Land” is not an IANA time zone" in response.get_data(as_text=True)
    assert _written(app) == before == (0, before[1])


def test_bad_zone_in_the_form_is_400_next_to_the_field(app, client, users):
    with app.app_context():
        engagement_id = make_engagement().id
        db.session.commit()
    token = login(client, users["editor"])
    before = _written(app)
    response = client.post(f"/engagements/{engagement_id}/briefing", data={"csrf_token": token, "tz": "Mars/Base"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="tz-error"' in page and "is not an IANA time zone" in page
    assert _written(app) == before


def test_unknown_records_are_404(app, client, users):
    token = login(client, users["editor"])
    before = _written(app)
    assert client.post("/engagements/999/briefing", data={"csrf_token": token}).status_code == 404
    assert client.post("/documents/999/sent", data={"csrf_token": token}).status_code == 404
    assert client.get("/people/999/letters").status_code == 404
    assert client.post("/people/999/letters", data={"csrf_token": token}).status_code == 404
    assert _written(app) == before


def test_viewers_may_not_prepare_letters(app, client, users):
    """A letter goes out to an expert (and is recorded as sent): an editor's act. Briefing and
    evidence packs are reads, which viewers may make (test_evidence, test_briefing)."""
    with app.app_context():
        person_id = make_person("Letter Person").id
        db.session.commit()
    token = login(client, users["viewer"])
    before = _written(app)
    assert post_letter(client, token, person_id).status_code == 403
    assert _written(app) == before


def test_a_letter_recorded_as_sent_twice_keeps_its_first_date(app, client, users):
    person_id = new_person(app, "Sent Person")
    token = login(client, users["editor"])
    assert post_letter(client, token, person_id).status_code == 302
    with app.app_context():
        document_id = db.session.execute(select(Document.id)).scalar_one()
    assert client.post(f"/documents/{document_id}/sent", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        first = db.session.get(Document, document_id).sent_at
    before = _written(app)
    again = client.post(f"/documents/{document_id}/sent", data={"csrf_token": token})
    assert again.status_code == 400 and "already recorded as sent" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Document, document_id).sent_at == first
    assert _written(app) == before
