"""'You said, we did' letters: embargo, consent, restricted content, storage and 'sent'."""

from datetime import date

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.audit.services import Actor
from engage.auth.models import User
from engage.briefings import services
from engage.briefings.models import Document
from engage.extensions import db
from tests.briefings import pdftools
from tests.briefings.helpers import new_person, post_letter
from tests.conftest import login
from tests.factories import make_consultation, make_input, make_person, make_policy, make_user, make_version


def _world():
    staff = make_user("editor", name="Robin Staff")
    person = make_person("Zoë Letterperson", title="Professor")
    colleague = make_person("Othername Expert")
    policy = make_policy(code="MH-DE")
    released = make_version(policy, "v1", {"MH-DE 1.1": "x"}, public_release_on=date(2026, 1, 1))
    embargoed = make_version(policy, "v2", {"MH-DE 2.1": "y"}, public_release_on=date(2026, 12, 1))
    meeting = make_consultation(
        "Disordered eating roundtable", people=[person, colleague], staff=[staff], held_on=date(2026, 6, 10)
    )
    # One point decided in the released version and one in the embargoed one.
    for point, outcome, rationale, version in (
        ("Label recovery content", "adopted", "RELEASEDRATIONALE", released),
        ("Ban diet ads to minors", "adapted", "EMBARGORATIONALE", embargoed),
    ):
        decision = {
            "outcome": outcome,
            "rationale": rationale,
            "policy_version_id": version.id,
            "clause_id": version.clauses[0].id,
        }
        make_input(meeting, point, person=person, decision=decision)
    make_input(meeting, "COLLEAGUEPOINT", person=colleague)
    secret = make_consultation("RESTRICTEDMEETING", confidentiality="restricted", people=[person], staff=[staff])
    make_input(secret, "RESTRICTEDPOINT", person=person, decision={"outcome": "declined"})
    return staff, person


def _letter(app, today):
    with app.app_context():
        staff, person = _world()
        document = services.generate_letter(Actor(staff), person.id, date(2026, 1, 1), date(2026, 12, 31), today=today)
        db.session.commit()
        return pdftools.flat(document.content)


def test_embargoed_decision_is_under_review_before_release(app):
    text = _letter(app, date(2026, 11, 1))
    assert "Dear Zoë Letterperson" in text
    assert "RELEASEDRATIONALE" in text and "MH-DE v1" in text
    assert "Ban diet ads to minors" in text and "Under review" in text
    assert "EMBARGORATIONALE" not in text and "MH-DE v2" not in text and "Adapted" not in text


def test_embargoed_decision_is_shown_after_release(app):
    text = _letter(app, date(2026, 12, 2))
    assert "EMBARGORATIONALE" in text and "MH-DE v2" in text and "Adapted" in text


def test_letter_never_names_others_nor_uses_restricted_consultations(app):
    text = _letter(app, date(2026, 12, 2))
    assert "Othername" not in text and "COLLEAGUEPOINT" not in text
    assert "1 other expert took part" in text
    assert "RESTRICTED" not in text.replace("PERSONAL", "")
    assert "not agreed to be quoted publicly" in text


def test_letter_route_stores_and_records_sent(app, client, users):
    with app.app_context():
        _, person = _world()
        person_id = person.id
        db.session.commit()
    token = login(client, users["editor"])
    page = client.get(f"/people/{person_id}/letters").get_data(as_text=True)
    assert "No letter has been prepared" in page
    response = post_letter(client, token, person_id, "2026-01-01", "2026-12-31")
    assert response.status_code == 302
    with app.app_context():
        document = db.session.execute(select(Document)).scalar_one()
        assert document.kind == "letter" and document.person_id == person_id and document.sent_at is None
        document_id = document.id
    assert client.get(f"/documents/{document_id}").data.startswith(b"%PDF")

    response = client.post(f"/documents/{document_id}/sent", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        document = db.session.get(Document, document_id)
        editor = db.session.execute(select(User).where(User.email == users["editor"])).scalar_one()
        assert document.sent_at is not None and document.sent_by_id == editor.id
        assert db.session.execute(select(func.count()).where(AuditEvent.action == "letter-sent")).scalar_one() == 1
    again = client.post(f"/documents/{document_id}/sent", data={"csrf_token": token}, follow_redirects=True)
    assert "already recorded as sent" in again.get_data(as_text=True)


def test_bad_period_is_refused_and_nothing_is_written(app, client, users):
    person_id = new_person(app, "Period Person")
    token = login(client, users["editor"])
    response = post_letter(client, token, person_id, "2026-05-01", "2026-01-01")
    assert response.status_code == 400
    assert "must end on or after" in response.get_data(as_text=True)
    response = client.post(f"/people/{person_id}/letters", data={"csrf_token": token, "date_from": "nonsense"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Document)).scalar_one() == 0


def test_do_not_contact_person_gets_no_letter(app, client, users):
    person_id = new_person(app, "Quiet Person", do_not_contact=True)
    token = login(client, users["editor"])
    response = post_letter(client, token, person_id)
    assert response.status_code == 400
    assert "asked not to be contacted" in response.get_data(as_text=True)
