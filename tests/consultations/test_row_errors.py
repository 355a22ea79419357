"""A failing save on the consultation page's rows leaves the database as it was: validation (400),
someone saved first (409), an unknown or unseen record (404). Each answers in place for htmx."""

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.consultations.models import Commitment, Consultation, Decision, Input
from engage.extensions import db
from tests.conftest import login
from tests.consultations.helpers import build_world
from tests.factories import make_policy, make_version

HX = {"HX-Request": "true"}


def _snapshot(app) -> dict:
    """What a refused save must not change: the rows and every audit event."""
    with app.app_context():
        decisions = db.session.execute(select(Decision.id, Decision.outcome, Decision.clause_id, Decision.version))
        return {
            "decisions": sorted(decisions.all()),
            "inputs": sorted(db.session.execute(select(Input.id, Input.text, Input.version)).all()),
            "commitments": db.session.execute(select(func.count(Commitment.id))).scalar(),
            "audit": db.session.execute(select(func.count(AuditEvent.id))).scalar(),
        }


@pytest.fixture
def world(app, users):
    return build_world(app, users)


@pytest.fixture
def token(client, world):
    return login(client, world["editor_a"])


def _decision_url(world, input_id=None, consultation="normal"):
    input_id = input_id or world["inputs"][consultation]
    return f"/consultations/{world[consultation]}/inputs/{input_id}/decision"


@pytest.mark.parametrize("htmx", [True, False])
def test_stale_decision_is_409_and_nothing_changes(app, client, world, token, htmx):
    before = _snapshot(app)
    form = {"csrf_token": token, "outcome": "declined", "rationale": "No.", "version": "7"}
    response = client.post(_decision_url(world), data=form, headers=HX if htmx else {})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else recorded a decision" in html
    if htmx:  # the row as it stands, in view mode, with the conflict above it
        assert "<html" not in html and f'id="input-{world["inputs"]["normal"]}"' in html
        assert "Adopted" in html and "decision-form" not in html
    assert _snapshot(app) == before


def test_decision_on_a_clause_of_another_version_is_400_and_nothing_written(app, client, world, token):
    before = _snapshot(app)
    form = {
        "csrf_token": token,
        "outcome": "adopted",
        "version": "1",
        "clause_id": str(world["clause_v1"]),
        "policy_version_id": str(world["v2"]),
    }
    response = client.post(_decision_url(world), data=form, headers=HX)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "is not part of MH-SSH v2" in html and "decision-form" in html and "<html" not in html
    assert _snapshot(app) == before


def test_decision_on_a_clause_of_another_policy_is_400(app, client, world, token):
    with app.app_context():
        other = make_version(make_policy(code="OTHER"), "v1", {"OTHER 1": "Another policy."})
        db.session.commit()
        other_clause = other.clauses[0].id
    before = _snapshot(app)
    form = {"csrf_token": token, "outcome": "adopted", "version": "1"}
    form |= {"clause_id": str(other_clause), "policy_version_id": str(world["v2"])}
    response = client.post(_decision_url(world), data=form, headers=HX)
    assert response.status_code == 400 and "is not part of MH-SSH v2" in response.get_data(as_text=True)
    assert _snapshot(app) == before


@pytest.mark.parametrize("field", ["clause_id", "policy_version_id", "decided_by_id"])
def test_decision_naming_an_unknown_record_is_400(app, client, world, token, field):
    before = _snapshot(app)
    form = {"csrf_token": token, "outcome": "adopted", "version": "1", "no_change": "", field: "99999"}
    response = client.post(_decision_url(world), data=form, headers=HX)
    assert response.status_code == 400
    assert f'id="decision-{world["inputs"]["normal"]}-{field}-error"' in response.get_data(as_text=True)
    assert _snapshot(app) == before


@pytest.mark.parametrize(
    "path",
    [
        "/consultations/{normal}/inputs/99999/decision",
        "/consultations/{normal}/inputs/99999/edit",
        "/consultations/{confidential}/inputs/{normal_input}/decision",  # a point of another consultation
        "/consultations/99999/inputs",
        "/consultations/{normal}/commitments/99999/edit",
        "/consultations/{normal}/commitments/99999/complete",
    ],
)
def test_unknown_rows_are_404_and_nothing_written(app, client, world, token, path):
    before = _snapshot(app)
    url = path.format(**world, normal_input=world["inputs"]["normal"])
    form = {"csrf_token": token, "outcome": "parked", "rationale": "x", "text": "x", "description": "x"}
    response = client.post(url, data=form, headers=HX)
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)  # the htmx error fragment
    assert _snapshot(app) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [({"text": " "}, "Write the point that was raised."), ({"raised_by": "person:99999"}, "Choose who raised it")],
)
def test_invalid_edit_of_a_point_is_a_400_fragment_and_nothing_written(app, client, world, token, data, message):
    before = _snapshot(app)
    url = f"/consultations/{world['normal']}/inputs/{world['inputs']['normal']}/edit"
    form = {"csrf_token": token, "raised_by": f"person:{world['expert']}", "text": "Changed.", "version": "1"}
    response = client.post(url, data=form | data, headers=HX)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Edit point" in html and message in html
    assert _snapshot(app) == before


def test_invalid_new_point_via_htmx_is_a_400_fragment_and_nothing_written(app, client, world, token):
    before = _snapshot(app)
    form = {"csrf_token": token, "raised_by": f"person:{world['expert']}", "text": "", "topic_id": "99999"}
    response = client.post(f"/consultations/{world['normal']}/inputs", data=form, headers=HX)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="add-input"' in html and "<html" not in html and response.headers["HX-Reswap"] == "outerHTML"
    assert "Write the point that was raised." in html
    assert _snapshot(app) == before


def test_stale_mark_done_shows_the_row_with_the_conflict(app, client, world, token):
    with app.app_context():
        commitment = Commitment(description="Call back", consultation_id=world["normal"])
        db.session.add(commitment)
        db.session.commit()
        cid = commitment.id
    before = _snapshot(app)
    url = f"/consultations/{world['normal']}/commitments/{cid}/complete"
    response = client.post(url, data={"csrf_token": token, "version": "7"}, headers=HX)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f'id="commitment-{cid}"' in html and "Someone else changed this commitment first" in html
    assert _snapshot(app) == before
    with app.app_context():
        assert db.session.get(Commitment, cid).status == "open"


def test_viewers_cannot_decide(app, client, users, world):
    token = login(client, users["viewer"])
    before = _snapshot(app)
    form = {"csrf_token": token, "outcome": "declined", "rationale": "No.", "version": "1"}
    assert client.post(_decision_url(world), data=form, headers=HX).status_code == 403
    assert _snapshot(app) == before


def test_a_refused_done_button_says_why_above_the_row(app, client, world, token):
    with app.app_context():
        consultation = db.session.get(Consultation, world["normal"])
        commitment = Commitment(consultation=consultation, description="Send the draft", status="open")
        db.session.add(commitment)
        db.session.commit()
        consultation_id, commitment_id = consultation.id, commitment.id
    response = client.post(
        f"/consultations/{consultation_id}/commitments/{commitment_id}/complete",
        data={"csrf_token": token, "version": "a\x00b"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code in (400, 409)
    assert 'role="alert"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Commitment, commitment_id).status == "open"
