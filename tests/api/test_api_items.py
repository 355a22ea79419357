"""Writes inside a consultation through the API — points raised and the decision on each — and
commitments made from a person, an organisation or an engagement: the web forms' services and
messages, If-Match on changes, 404 for a consultation the token's user may not see, audited."""

from datetime import date

import pytest
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.consultations.models import Commitment, Decision, Input
from engage.extensions import db
from tests.api.conftest import bearer
from tests.factories import (
    make_consultation,
    make_engagement,
    make_organisation,
    make_person,
    make_policy,
    make_version,
)


@pytest.fixture
def places(app, users):
    """A consultation with a participant and a clause to cite, and a restricted one the editor is not staff of."""
    with app.app_context():
        person = make_person(name="Raiser Person")
        organisation = make_organisation(name="Raiser Org")
        consultation = make_consultation(title="Open one", people=[person], organisations=[organisation])
        hidden = make_consultation(title="Hidden one", confidentiality="restricted", people=[person])
        policy = make_policy(code="MH-API")
        version = make_version(policy, "v2", {"MH-API 1.1": "Clause."}, effective_on=date(2026, 12, 1))
        engagement = make_engagement(title="Commitment panel")
        db.session.commit()
        hidden_point = Input(consultation_id=hidden.id, text="Hidden point", person_id=person.id)
        db.session.add(hidden_point)
        db.session.commit()
        return {
            "consultation": consultation.id,
            "hidden": hidden.id,
            "hidden_point": hidden_point.id,
            "person": person.id,
            "organisation": organisation.id,
            "engagement": engagement.id,
            "clause": version.clauses[0].id,
            "version": version.id,
        }


def test_a_point_is_raised_changed_and_decided_with_if_match(app, client, tokens, places):
    headers = bearer(tokens["editor"])
    base = f"/api/v1/consultations/{places['consultation']}/inputs"
    made = client.post(
        base, json={"raised_by": f"person:{places['person']}", "text": "Add a helpline"}, headers=headers
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    point = made.get_json()
    assert point["person_id"] == places["person"] and point["decision"] is None
    assert made.headers["ETag"] == f'"{point["version"]}"'

    path = f"{base}/{point['id']}"
    assert client.patch(path, json={"text": "No If-Match"}, headers=headers).status_code == 412
    changed = client.patch(
        path,
        json={"raised_by": f"organisation:{places['organisation']}"},
        headers=headers | {"If-Match": made.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["organisation_id"] == places["organisation"]
    assert changed.get_json()["text"] == "Add a helpline"  # what was not sent stays
    stale = client.patch(path, json={"text": "Late"}, headers=headers | {"If-Match": made.headers["ETag"]})
    assert stale.status_code == 412

    decided = client.put(
        f"{path}/decision", json={"outcome": "adopted", "clause_id": places["clause"]}, headers=headers
    )
    assert decided.status_code == 201, decided.get_data(as_text=True)
    decision = decided.get_json()
    assert decision["policy_version_id"] == places["version"] and decision["decided_by_id"] is not None
    again = client.put(f"{path}/decision", json={"outcome": "parked", "rationale": "Later"}, headers=headers)
    assert again.status_code == 412  # a decision exists: replace it with its ETag only
    replaced = client.put(
        f"{path}/decision",
        json={"outcome": "parked", "rationale": "Later"},
        headers=headers | {"If-Match": decided.headers["ETag"]},
    )
    assert replaced.status_code == 200 and replaced.get_json()["outcome"] == "parked"
    detail = client.get(f"/api/v1/consultations/{places['consultation']}", headers=headers).get_json()
    assert detail["points"][0]["decision"]["version"] == replaced.get_json()["version"]
    with app.app_context():
        summaries = db.session.execute(
            select(AuditEvent.summary).where(AuditEvent.summary.like("%editor token%"))
        ).scalars()
        assert {"Input in", "Decision adopted", "Decision parked"} <= {" ".join(s.split()[:2]) for s in summaries}


def test_refused_points_and_decisions_carry_the_pages_messages_and_write_nothing(app, client, tokens, places):
    headers = bearer(tokens["editor"])
    base = f"/api/v1/consultations/{places['consultation']}/inputs"
    refused = client.post(base, json={"raised_by": "person:999999", "text": ""}, headers=headers)
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"]["text"] == ["Write the point that was raised."]
    point = client.post(base, json={"raised_by": f"person:{places['person']}", "text": "A point"}, headers=headers)
    outsider = client.post(base, json={"raised_by": "person:999999", "text": "Ok"}, headers=headers)
    assert outsider.get_json()["errors"] == {
        "raised_by": ["Choose who raised it from the consultation's participants."]
    }
    decision = client.put(f"{base}/{point.get_json()['id']}/decision", json={"outcome": "declined"}, headers=headers)
    assert decision.status_code == 400
    assert decision.get_json()["errors"] == {"rationale": ["Say why it was declined."]}
    adopted = client.put(f"{base}/{point.get_json()['id']}/decision", json={"outcome": "adopted"}, headers=headers)
    assert "clause_id" in adopted.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Input)) == 2  # the hidden one and ours
        assert db.session.scalar(select(db.func.count()).select_from(Decision)) == 0


def test_a_consultation_the_token_may_not_see_is_404_for_writes(app, client, tokens, places):
    headers = bearer(tokens["editor"])
    hidden = f"/api/v1/consultations/{places['hidden']}/inputs"
    body = {"raised_by": f"person:{places['person']}", "text": "Sneaky"}
    assert client.post(hidden, json=body, headers=headers).status_code == 404
    point = f"{hidden}/{places['hidden_point']}"
    patched = client.patch(point, json={"text": "Sneaky"}, headers=headers | {"If-Match": '"1"'})
    assert patched.status_code == 404 and "Hidden" not in patched.get_data(as_text=True)
    assert client.put(f"{point}/decision", json={"outcome": "under_review"}, headers=headers).status_code == 404
    elsewhere = f"/api/v1/consultations/{places['consultation']}/inputs/{places['hidden_point']}"  # another's point
    assert client.patch(elsewhere, json={"text": "x"}, headers=headers | {"If-Match": '"1"'}).status_code == 404
    admin = client.post(hidden, json=body, headers=bearer(tokens["admin"]))
    assert admin.status_code == 201  # an admin sees every consultation
    with app.app_context():
        assert db.session.get(Input, places["hidden_point"]).text == "Hidden point"


@pytest.mark.parametrize(
    "kind, plural", [("person", "people"), ("organisation", "organisations"), ("engagement", "engagements")]
)
def test_commitments_made_from_a_person_an_organisation_or_an_engagement(app, client, tokens, places, kind, plural):
    headers = bearer(tokens["editor"])
    path = f"/api/v1/{plural}/{places[kind]}/commitments"
    refused = client.post(path, json={"description": " ", "due_on": "soon"}, headers=headers)
    assert refused.status_code == 400 and set(refused.get_json()["errors"]) == {"description", "due_on"}
    made = client.post(path, json={"description": "Send the report", "due_on": "2027-01-10"}, headers=headers)
    assert made.status_code == 201, made.get_data(as_text=True)
    commitment = made.get_json()
    assert commitment[f"{kind}_id"] == places[kind] and commitment["consultation_id"] is None
    assert commitment["assignee_id"] is not None  # unassigned: whoever records it
    assert (
        client.post(f"/api/v1/{plural}/999999/commitments", json={"description": "x"}, headers=headers).status_code
        == 404
    )
    one = f"/api/v1/commitments/{commitment['id']}"
    done = client.patch(one, json={"status": "done"}, headers=headers | {"If-Match": made.headers["ETag"]})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["status"] == "done" and done.get_json()["description"] == "Send the report"
    assert done.get_json()[f"{kind}_id"] == places[kind]  # its subject stays
    stale = client.patch(one, json={"status": "open"}, headers=headers | {"If-Match": made.headers["ETag"]})
    assert stale.status_code == 412
    bad = client.patch(one, json={"description": ""}, headers=headers | {"If-Match": done.headers["ETag"]})
    assert bad.status_code == 400 and bad.get_json()["errors"] == {"description": ["Say what we promised."]}
    with app.app_context():
        stored = db.session.get(Commitment, commitment["id"])
        assert stored.status == "done" and stored.description == "Send the report"
        audit = db.session.execute(select(AuditEvent.summary).where(AuditEvent.record_id == stored.id)).scalars()
        assert any("editor token" in s for s in audit)
