"""Acceptance: a restricted consultation logged by editor A is invisible to editor B and to viewers on
every surface this feature owns, and visible to admins and its staff; confidential is for editors."""

from datetime import date

import pytest
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.consultations.models import Commitment
from engage.extensions import db
from tests.conftest import login
from tests.consultations.helpers import build_world

SECRET = "SECRET restricted point."
CONFIDENTIAL = "Confidential point on the clause."


@pytest.fixture
def world(app, users):
    world = build_world(app, users)
    with app.app_context():
        for role_email in (world["editor_a"], world["editor_b"], users["viewer"], users["admin"]):
            from engage.auth.models import User

            user = db.session.execute(select(User).where(User.email == role_email)).scalar_one()
            for level in ("restricted", "confidential"):
                description = f"{level.capitalize()} follow-up for {user.name}"
                db.session.add(
                    Commitment(
                        description=description,
                        assignee_id=user.id,
                        consultation_id=world[level],
                        due_on=date(2026, 12, 1),
                    )
                )
        db.session.commit()
    return world


def _surfaces(client, world) -> dict[str, str]:
    pages = {
        "list": "/consultations",
        "list-filtered": "/consultations?confidentiality=restricted",
        "search": "/consultations?q=Restricted",
        "clause": f"/clauses/{world['clause_v2']}",
        "clause-v1": f"/clauses/{world['clause_v1']}",
        "version": f"/policies/{world['policy']}/versions/{world['v2']}",
        "policy": f"/policies/{world['policy']}",
        "commitments": "/commitments",
    }
    out = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        out[name] = response.get_data(as_text=True)
    return out


def _who(users, world, who):
    return {"editor_a": world["editor_a"], "editor_b": world["editor_b"]}.get(who) or users[who]


@pytest.mark.parametrize("who", ["editor_b", "viewer"])
def test_restricted_is_invisible_to_others(app, client, users, world, who):
    login(client, _who(users, world, who))
    pages = _surfaces(client, world)
    assert "Restricted meeting" not in pages["list"]
    assert "of 1 consultations" in pages["list-filtered"] or "No consultations" in pages["list-filtered"]
    assert "Restricted meeting" not in pages["list-filtered"] and "Restricted meeting" not in pages["search"]
    # The count leaks nothing: editors see normal + confidential (2), viewers normal only (1).
    assert f"of {2 if who == 'editor_b' else 1} consultations" in pages["list"]
    assert "No consultations match" in pages["search"]
    for name in ("clause", "version", "clause-v1"):
        assert SECRET not in pages[name], name
    assert "Restricted follow-up" not in pages["commitments"]
    # Outcome counts: the restricted input was parked; nobody but staff/admins counts it.
    assert 'data-outcome="parked">0<' in pages["policy"]
    assert client.get(f"/consultations/{world['restricted']}").status_code == 404
    assert client.get(f"/consultations/{world['restricted']}/edit").status_code == 404
    input_id = world["inputs"]["restricted"]
    assert client.get(f"/consultations/{world['restricted']}/inputs/{input_id}").status_code == 404
    assert client.get(f"/consultations/{world['restricted']}/inputs/{input_id}/decision").status_code == 404


@pytest.mark.parametrize("who", ["editor_a", "admin"])
def test_restricted_is_visible_to_staff_and_admins_and_audited(app, client, users, world, who):
    login(client, _who(users, world, who))
    pages = _surfaces(client, world)
    assert "Restricted meeting" in pages["list"] and "of 3 consultations" in pages["list"]
    assert "Restricted meeting" in pages["search"]
    assert SECRET in pages["clause"] and SECRET in pages["version"]
    assert 'data-outcome="parked">1<' in pages["policy"]
    assert "Restricted follow-up" in pages["commitments"]
    response = client.get(f"/consultations/{world['restricted']}")
    assert response.status_code == 200 and SECRET in response.get_data(as_text=True)
    with app.app_context():
        # Every page above that showed it audited the view (engage.audit.restricted), not only its own page.
        events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "view-restricted")).scalars().all()
        assert len(events) >= 6 and {e.record_id for e in events} == {world["restricted"]}


def test_confidential_is_for_editors_not_viewers(app, client, users, world):
    login(client, world["editor_b"])
    pages = _surfaces(client, world)
    assert "Confidential call" in pages["list"] and CONFIDENTIAL in pages["clause-v1"]
    assert 'data-outcome="declined">1<' in pages["policy"]
    assert "Confidential follow-up" in pages["commitments"]
    assert client.get(f"/consultations/{world['confidential']}").status_code == 200
    client = app.test_client()
    login(client, users["viewer"])
    pages = _surfaces(client, world)
    assert "Confidential call" not in pages["list"] and CONFIDENTIAL not in pages["clause-v1"]
    assert 'data-outcome="declined">0<' in pages["policy"]
    assert "Confidential follow-up" not in pages["commitments"]
    assert client.get(f"/consultations/{world['confidential']}").status_code == 404


def test_other_editor_cannot_write_into_restricted(app, client, users, world):
    token = login(client, world["editor_b"])
    response = client.post(
        f"/consultations/{world['restricted']}/inputs",
        data={"csrf_token": token, "raised_by": f"person:{world['expert']}", "text": "x"},
    )
    assert response.status_code == 404
    response = client.post(
        f"/consultations/{world['restricted']}/commitments", data={"csrf_token": token, "description": "x"}
    )
    assert response.status_code == 404
