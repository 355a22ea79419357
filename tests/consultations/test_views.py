from datetime import date

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.consultations.models import Commitment, Consultation, Decision, Input
from engage.extensions import db
from engage.organizations.models import Organisation
from engage.people.models import Person
from tests.conftest import login
from tests.consultations.helpers import build_world

HX = {"HX-Request": "true"}


def _count(app, model):
    with app.app_context():
        return db.session.execute(select(func.count(model.id))).scalar()


def _form(token, **overrides):
    data = {
        "csrf_token": token,
        "title": "Roundtable on recovery content",
        "date": "2026-11-02",
        "kind": "roundtable",
        "confidentiality": "normal",
        "summary": "Talked about recovery stories.",
    }
    data.update(overrides)
    return data


def test_log_a_consultation_adds_me_to_staff_and_stamps_last_interaction(app, client, users, as_role):
    world = build_world(app, users)
    token = as_role("editor")
    response = client.post(
        "/consultations/new",
        data=_form(token, person_ids=[str(world["expert"])], organisation_ids=[str(world["ngo"])]),
    )
    assert response.status_code == 302
    with app.app_context():
        c = db.session.execute(select(Consultation).where(Consultation.title.like("Roundtable%"))).scalar_one()
        assert [u.email for u in c.staff] == [users["editor"]]
        assert c.held_on == date(2026, 11, 2) and c.kind == "roundtable"
        # The latest NORMAL consultation: the later restricted meeting (2026-09-09) never shows here.
        assert db.session.get(Person, world["expert"]).last_interaction_on == date(2026, 11, 2)
        assert db.session.get(Organisation, world["ngo"]).last_interaction_on == date(2026, 11, 2)
        assert db.session.execute(
            select(AuditEvent).where(AuditEvent.record_type == "consultations", AuditEvent.action == "create")
        ).scalar_one()


def test_restricted_meeting_does_not_move_last_interaction(app, client, users, as_role):
    world = build_world(app, users)
    token = as_role("editor")
    response = client.post(
        "/consultations/new",
        data=_form(token, date="2027-01-01", confidentiality="restricted", person_ids=[str(world["expert"])]),
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Person, world["expert"]).last_interaction_on == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "02/11/2026"}, "date", "Enter the date as YYYY-MM-DD"),
        ({"date": ""}, "date", "Enter the date as YYYY-MM-DD"),
        ({"kind": "seance"}, "kind", "Not a valid choice"),
        ({"confidentiality": "secret"}, "confidentiality", "Not a valid choice"),
        ({"title": "  "}, "title", "Enter a title"),
        ({"person_ids": ["99999"]}, None, "One of the people is unknown"),
    ],
)
def test_bad_consultation_input(app, client, users, as_role, overrides, field, message):
    token = as_role("editor")
    before = _count(app, Consultation)
    response = client.post("/consultations/new", data=_form(token, **overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    if field:
        assert f'id="{field}-error"' in html
    assert _count(app, Consultation) == before


def test_edit_with_stale_version_is_409_and_first_save_stands(app, client, users, as_role):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    url = f"/consultations/{world['normal']}/edit"
    assert "Normal roundtable" in client.get(url).get_data(as_text=True)
    first = client.post(url, data=_form(token, title="First save", version="1"))
    assert first.status_code == 302
    second = client.post(url, data=_form(token, title="Second save", version="1"))
    assert second.status_code == 409
    assert "Someone else changed this consultation" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Consultation, world["normal"]).title == "First save"


def test_suggestions_return_a_small_list(app, client, users, as_role):
    build_world(app, users)
    as_role("editor")
    html = client.get("/consultations/suggest/people?person_q=ada", headers=HX).get_data(as_text=True)
    assert "Dr Ada Expert" in html and "<html" not in html and 'data-pick="person_ids"' in html
    html = client.get("/consultations/suggest/organisations?q=hope", headers=HX).get_data(as_text=True)
    assert "Hope NGO" in html
    assert "No match" in client.get("/consultations/suggest/people?q=zz%25").get_data(as_text=True)


def test_list_filters(app, client, users, as_role):
    world = build_world(app, users)
    as_role("admin")
    html = client.get("/consultations").get_data(as_text=True)
    assert "of 3 consultations" in html
    assert "Confidential call" in client.get("/consultations?confidentiality=confidential").get_data(as_text=True)
    html = client.get("/consultations?q=roundtable&kind=meeting&from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert "Normal roundtable" in html
    html = client.get(f"/consultations?person={world['expert']}&organisation={world['ngo']}").get_data(as_text=True)
    assert "of 1 consultations" in html
    assert client.get("/consultations?from=bad&topic=x&page=99").status_code == 200


# --- Inputs and decisions ---------------------------------------------------------------------------


def test_htmx_add_input_returns_a_fragment(app, client, users):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    response = client.post(
        f"/consultations/{world['normal']}/inputs",
        data={
            "csrf_token": token,
            "raised_by": f"person:{world['expert']}",
            "text": "Add a <helpline> banner.",
            "clause_id": str(world["clause_v2"]),
        },
        headers=HX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<nav" not in html
    assert "Add a &lt;helpline&gt; banner." in html
    assert 'id="add-input"' in html and 'hx-swap-oob="true"' in html
    with app.app_context():
        item = db.session.execute(select(Input).where(Input.text.like("Add a%"))).scalar_one()
        assert item.person_id == world["expert"] and item.clause_id == world["clause_v2"]


def test_add_input_without_js_redirects_back(app, client, users):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    response = client.post(
        f"/consultations/{world['normal']}/inputs",
        data={"csrf_token": token, "raised_by": f"organisation:{world['ngo']}", "text": "A point."},
    )
    assert response.status_code == 303
    assert f"/consultations/{world['normal']}#input-" in response.headers["Location"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "  "}, "Write the point that was raised."),
        ({"raised_by": "person:99999"}, "Choose who raised it"),
        ({"clause_id": "99999"}, "Choose a clause from the list."),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_input(app, client, users, data, message, htmx):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    before = _count(app, Input)
    form = {"csrf_token": token, "raised_by": f"person:{world['expert']}", "text": "A point.", **data}
    response = client.post(f"/consultations/{world['normal']}/inputs", data=form, headers=HX if htmx else {})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    if htmx:
        assert "<html" not in html and response.headers["HX-Retarget"] == "#add-input"
    assert _count(app, Input) == before


def _decide(client, world, token, input_id, headers=HX, **data):
    form = {"csrf_token": token, "outcome": "adopted", "decided_on": "2026-11-20"}
    form.update(data)
    return client.post(f"/consultations/{world['normal']}/inputs/{input_id}/decision", data=form, headers=headers)


def _new_input(app, world):
    with app.app_context():
        item = Input(consultation_id=world["normal"], person_id=world["expert"], text="Undecided point.")
        db.session.add(item)
        db.session.commit()
        return item.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "adopted"}, "needs the clause or version it changed"),
        ({"outcome": "adapted"}, "needs the clause or version it changed"),
        ({"outcome": "declined", "rationale": ""}, "Say why it was declined."),
        ({"outcome": "parked", "rationale": " "}, "Say why it was parked."),
        ({"outcome": "maybe"}, "Not a valid choice"),
        ({"outcome": "under_review", "decided_on": "20/11/2026"}, "Enter the date as YYYY-MM-DD"),
        ({"outcome": "adopted", "no_change": "y", "clause_id": "CLAUSE"}, "cannot name a clause"),
    ],
)
def test_bad_decision(app, client, users, data, message):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    input_id = _new_input(app, world)
    if data.get("clause_id") == "CLAUSE":
        data = {**data, "clause_id": str(world["clause_v2"])}
    before = _count(app, Decision)
    response = _decide(client, world, token, input_id, **data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "<html" not in html
    assert _count(app, Decision) == before


def test_decide_then_stale_decision_is_409(app, client, users):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    input_id = _new_input(app, world)
    form = client.get(f"/consultations/{world['normal']}/inputs/{input_id}/decision", headers=HX)
    assert form.status_code == 200 and "<html" not in form.get_data(as_text=True)
    ok = _decide(client, world, token, input_id, clause_id=str(world["clause_v2"]))
    assert ok.status_code == 200
    assert "Adopted" in ok.get_data(as_text=True)
    with app.app_context():
        decision = db.session.execute(select(Decision).where(Decision.input_id == input_id)).scalar_one()
        assert decision.policy_version_id == world["v2"]  # filled from the clause
        assert decision.decided_by_id == world["editor_a_id"]  # defaults to the current user
    # A second editor who opened the form before the first decision existed:
    stale = _decide(client, world, token, input_id, outcome="declined", rationale="No.", version="")
    assert stale.status_code == 409
    assert "Someone else recorded a decision" in stale.get_data(as_text=True)
    stale = _decide(client, world, token, input_id, outcome="declined", rationale="No.", version="7")
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.execute(select(Decision).where(Decision.input_id == input_id)).scalar_one().outcome == (
            "adopted"
        )
    changed = _decide(client, world, token, input_id, outcome="declined", rationale="Changed our mind.", version="1")
    assert changed.status_code == 200


def test_decision_without_js_redirects(app, client, users):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    input_id = _new_input(app, world)
    page = client.get(f"/consultations/{world['normal']}/inputs/{input_id}/decision")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    response = _decide(client, world, token, input_id, headers={}, no_change="y")
    assert response.status_code == 303


def test_edit_input_and_stale_edit(app, client, users):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    input_id = _new_input(app, world)
    url = f"/consultations/{world['normal']}/inputs/{input_id}/edit"
    assert "Edit point" in client.get(url, headers=HX).get_data(as_text=True)
    form = {"csrf_token": token, "raised_by": f"person:{world['expert']}", "text": "Edited.", "version": "1"}
    assert client.post(url, data=form, headers=HX).status_code == 200
    stale = client.post(url, data={**form, "text": "Overwrite"}, headers=HX)
    assert stale.status_code == 409 and "Someone else changed this point" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Input, input_id).text == "Edited."


def test_detail_page_shows_inputs_and_decisions(app, client, users, as_role):
    world = build_world(app, users)
    as_role("viewer")
    html = client.get(f"/consultations/{world['normal']}").get_data(as_text=True)
    assert "Say glorifies, not only promotes." in html and "Adopted" in html and "Clearer." in html
    assert "Add a point" not in html  # viewers read only


# --- Commitments ---------------------------------------------------------------------------------------


def test_commitments_create_edit_complete_and_my_page(app, client, users):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    base = f"/consultations/{world['normal']}/commitments"
    response = client.post(
        base,
        data={
            "csrf_token": token,
            "description": "Send the draft",
            "due_on": "2020-01-01",
            "person_id": str(world["expert"]),
        },
        headers=HX,
    )
    assert response.status_code == 200 and "Send the draft" in response.get_data(as_text=True)
    client.post(base, data={"csrf_token": token, "description": "Later thing", "due_on": "2099-01-01"}, headers=HX)
    bad = client.post(base, data={"csrf_token": token, "description": "", "due_on": "soon"}, headers=HX)
    assert bad.status_code == 400 and "Say what we promised." in bad.get_data(as_text=True)
    with app.app_context():
        first = db.session.execute(select(Commitment).where(Commitment.description == "Send the draft")).scalar_one()
        assert first.assignee_id == world["editor_a_id"]
        cid = first.id
    html = client.get("/commitments").get_data(as_text=True)
    assert html.index("Send the draft") < html.index("Later thing")  # overdue first
    assert "overdue" in html
    edit = client.post(
        f"{base}/{cid}/edit",
        data={"csrf_token": token, "description": "Send the v2 draft", "status": "open", "version": "1"},
        headers=HX,
    )
    assert edit.status_code == 200
    stale = client.post(f"{base}/{cid}/complete", data={"csrf_token": token, "version": "1"}, headers=HX)
    assert stale.status_code == 409
    done = client.post(f"{base}/{cid}/complete", data={"csrf_token": token, "version": "2"}, headers=HX)
    assert done.status_code == 200
    html = client.get("/commitments").get_data(as_text=True)
    assert "Send the v2 draft" in html.split("<details")[1]
