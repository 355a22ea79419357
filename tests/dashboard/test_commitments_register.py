"""The commitments register: filters, commitments made from a person / organisation / engagement,
bulk mark done and reassign (all or nothing, audited per row, hidden ids refused)."""

from datetime import date, timedelta

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.consultations.models import Commitment
from engage.extensions import db
from tests.conftest import login
from tests.factories import make_consultation, make_engagement, make_organisation, make_person, make_user


def _world(app):
    with app.app_context():
        me = make_user(role="editor", email="me@test.example")
        other = make_user(role="editor", email="other@test.example")
        viewer = make_user(role="viewer", email="viewer@test.example")
        person = make_person(name="Ada Expert")
        organisation = make_organisation(name="Helping Org")
        engagement = make_engagement(title="Summit panel")
        secret = make_consultation(title="Secret", confidentiality="restricted", staff=[other])
        today = date.today()
        rows = [
            Commitment(description="Mine overdue", assignee_id=me.id, due_on=today - timedelta(days=3), person=person),
            Commitment(description="Mine soon", assignee_id=me.id, due_on=today + timedelta(days=3)),
            Commitment(description="Theirs for org", assignee_id=other.id, organisation_id=organisation.id),
            Commitment(description="Theirs done", assignee_id=other.id, status="done", engagement_id=engagement.id),
            Commitment(description="zqsecret promise", assignee_id=me.id, consultation_id=secret.id),
        ]
        db.session.add_all(rows)
        db.session.commit()
        return {
            "me": me.id,
            "other": other.id,
            "viewer": viewer.id,
            "person": person.id,
            "organisation": organisation.id,
            "engagement": engagement.id,
            "ids": {r.description: r.id for r in rows},
        }


def _rows(client, query: str) -> str:
    response = client.get(f"/commitments{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_register_filters(app, client):
    w = _world(app)
    token = login(client, "me@test.example")
    mine = _rows(client, "")
    assert "Mine overdue" in mine and "Mine soon" in mine and "Theirs for org" not in mine
    assert "zqsecret" not in mine  # tied to a consultation I may not see
    team = _rows(client, "?scope=team")
    assert "Theirs for org" in team and "Theirs done" not in team and "zqsecret" not in team
    assert "Theirs done" in _rows(client, "?scope=team&due=done")
    overdue = _rows(client, "?scope=mine&due=overdue")
    assert "Mine overdue" in overdue and "Mine soon" not in overdue
    assert "Mine soon" in _rows(client, "?scope=mine&due=soon")
    assert "Theirs for org" in _rows(client, f"?scope=team&assignee={w['other']}")
    assert "Mine soon" not in _rows(client, f"?scope=team&assignee={w['other']}")
    assert "Theirs for org" in _rows(client, f"?scope=team&organisation={w['organisation']}")
    only_person = _rows(client, f"?scope=team&person={w['person']}")
    assert "Mine overdue" in only_person and "Mine soon" not in only_person
    assert "Theirs done" in _rows(client, f"?scope=team&due=all&engagement={w['engagement']}")
    assert client.get("/commitments?scope=team&person=abc").status_code == 200  # ignored, not a 500
    assert token


def test_commitment_made_from_a_person_an_organisation_and_an_engagement(app, client):
    w = _world(app)
    token = login(client, "me@test.example")
    for kind in ("person", "organisation", "engagement"):
        page = client.get(f"/commitments/new/{kind}/{w[kind]}")
        assert page.status_code == 200
        response = client.post(
            f"/commitments/new/{kind}/{w[kind]}",
            data={"csrf_token": token, "description": f"Follow up {kind}", "due_on": "2099-01-02", "assignee_id": ""},
        )
        assert response.status_code == 302
        with app.app_context():
            made = db.session.execute(
                select(Commitment).where(Commitment.description == f"Follow up {kind}")
            ).scalar_one()
            assert getattr(made, f"{kind}_id") == w[kind] and made.assignee_id == w["me"]
            assert made.consultation_id is None
        assert f"Follow up {kind}" in _rows(client, f"?scope=team&{kind}={w[kind]}")
    # The pages offer it.
    assert f"/commitments/new/person/{w['person']}" in client.get(f"/people/{w['person']}").get_data(as_text=True)


def test_bad_input_on_a_new_commitment(app, client):
    w = _world(app)
    token = login(client, "me@test.example")
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(Commitment)).scalar_one()
    for data, message in (
        ({"description": "", "due_on": "soon"}, "Say what we promised."),
        ({"description": "Call back", "due_on": "soon"}, "YYYY-MM-DD"),
        ({"description": "Call back", "assignee_id": "abc"}, "Choose an assignee from the list."),
        ({"description": "Call back", "assignee_id": "987654"}, "Choose an assignee from the list."),
    ):
        bad = client.post(f"/commitments/new/person/{w['person']}", data={"csrf_token": token, **data})
        assert bad.status_code == 400 and message in bad.get_data(as_text=True), data
    assert client.get("/commitments/new/person/999999").status_code == 404
    assert client.get("/commitments/new/organisation/999999").status_code == 404
    assert client.get("/commitments/new/person/abc").status_code == 404
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Commitment)).scalar_one() == before
    reader = app.test_client()
    reader_token = login(reader, "viewer@test.example")
    refused = reader.post(
        f"/commitments/new/person/{w['person']}", data={"csrf_token": reader_token, "description": "Viewer's"}
    )
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Commitment)).scalar_one() == before


def _audits(app, action: str) -> int:
    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).scalar_one()


def test_bulk_mark_done_and_reassign_audited_per_row(app, client):
    w = _world(app)
    token = login(client, "me@test.example")
    ids = [w["ids"]["Mine overdue"], w["ids"]["Mine soon"]]
    done_before = _audits(app, "complete")
    response = client.post(
        "/commitments/bulk?next=/commitments?scope=team", data={"csrf_token": token, "ids": ids, "action": "done"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/commitments?scope=team")
    assert _audits(app, "complete") == done_before + 2
    with app.app_context():
        assert {db.session.get(Commitment, i).status for i in ids} == {"done"}
    update_before = _audits(app, "update")
    theirs = w["ids"]["Theirs for org"]
    response = client.post(
        "/commitments/bulk",
        data={"csrf_token": token, "ids": [theirs], "action": "reassign", "assignee_id": str(w["me"])},
    )
    assert response.status_code == 302
    assert _audits(app, "update") == update_before + 1
    with app.app_context():
        assert db.session.get(Commitment, theirs).assignee_id == w["me"]


def test_bulk_refuses_hidden_unknown_and_bad_ids_writing_nothing(app, client):
    w = _world(app)
    token = login(client, "me@test.example")
    visible, hidden = w["ids"]["Mine soon"], w["ids"]["zqsecret promise"]

    def state():
        with app.app_context():
            rows = db.session.execute(select(Commitment.id, Commitment.status, Commitment.assignee_id)).all()
            events = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
            return sorted(rows), events

    before = state()
    cases = [
        ({"ids": [visible, hidden], "action": "done"}, 404),  # one I may not see: nothing changes
        ({"ids": [visible, 987654], "action": "done"}, 404),
        ({"ids": [visible, "abc"], "action": "done"}, 400),
        ({"ids": [], "action": "done"}, 400),
        ({"ids": [visible], "action": "explode"}, 400),
        ({"ids": [visible], "action": "reassign", "assignee_id": "987654"}, 400),
        ({"ids": [visible], "action": "reassign", "assignee_id": "x"}, 400),
        ({"ids": [visible], "action": "reassign"}, 400),
    ]
    for data, status in cases:
        response = client.post("/commitments/bulk", data={"csrf_token": token, **data})
        assert response.status_code == status, (data, response.status_code)
        assert "zqsecret" not in response.get_data(as_text=True)
        assert state() == before, data
    reassign = client.post(
        "/commitments/bulk", data={"csrf_token": token, "ids": [visible], "action": "reassign", "assignee_id": ""}
    )
    assert "Choose who takes them over." in reassign.get_data(as_text=True)
    reader = app.test_client()
    viewer_token = login(reader, "viewer@test.example")
    before = state()  # signing in is audited too
    refused = reader.post("/commitments/bulk", data={"csrf_token": viewer_token, "ids": [visible], "action": "done"})
    assert refused.status_code == 403 and state() == before
