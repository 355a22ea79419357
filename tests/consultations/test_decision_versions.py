"""A decision cannot cite a policy version that took effect before the point was raised: such a
version was already in force, so the point cannot be what changed it."""

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.consultations.models import Decision, Input
from engage.extensions import db
from tests.conftest import login
from tests.consultations.helpers import build_world

HX = {"HX-Request": "true"}
# The world's normal roundtable is held on 1 Mar 2026; v1 took effect on 1 Jan 2025, v2 on 1 Apr 2026.
TOO_EARLY = (
    "MH-SSH v1 took effect on 1 Jan 2025, before this point was raised (1 Mar 2026): "
    "choose the version the point went into, one effective on or after that day."
)


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return tuple(db.session.execute(select(func.count(m.id))).scalar() for m in (Decision, AuditEvent))


def _post(client, world, token, input_id, headers, **data):
    form = {"csrf_token": token, "outcome": "adopted", "decided_on": "2026-04-02", "rationale": "Done."} | data
    return client.post(f"/consultations/{world['normal']}/inputs/{input_id}/decision", data=form, headers=headers)


def _error_next_to(page: str, field: str) -> str:
    found = re.search(rf'<div id="[^"]*{field}-error" class="invalid-feedback d-block[^"]*">(.*?)</div>', page, re.S)
    return html_lib.unescape(found.group(1)) if found else ""


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "no-js"])
@pytest.mark.parametrize(
    ("cited", "field"),
    [({"policy_version_id": "v1"}, "policy_version_id"), ({"clause_id": "clause_v1"}, "clause_id")],
    ids=["version", "clause"],
)
def test_version_in_force_before_the_point_is_refused(app, client, users, headers, cited, field):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    with app.app_context():
        item = Input(consultation_id=world["normal"], person_id=world["expert"], text="Undecided point.")
        db.session.add(item)
        db.session.commit()
        input_id = item.id
    before = _counts(app)
    response = _post(client, world, token, input_id, headers, **{k: str(world[v]) for k, v in cited.items()})
    assert response.status_code == 400
    assert _error_next_to(response.get_data(as_text=True), field) == TOO_EARLY
    assert _counts(app) == before  # no decision, no audit row

    # The version the point went into (effective after the roundtable) is accepted.
    ok = _post(client, world, token, input_id, HX, policy_version_id=str(world["v2"]))
    assert ok.status_code == 200


def test_changing_a_decision_to_an_earlier_version_leaves_it_as_it_was(app, client, users):
    world = build_world(app, users)
    token = login(client, world["editor_a"])
    input_id = world["inputs"]["normal"]  # adopted into v2
    before = _counts(app)
    response = _post(client, world, token, input_id, HX, policy_version_id=str(world["v1"]), clause_id="", version="1")
    assert response.status_code == 400
    assert _error_next_to(response.get_data(as_text=True), "policy_version_id") == TOO_EARLY
    assert _counts(app) == before
    with app.app_context():
        decision = db.session.execute(select(Decision).where(Decision.input_id == input_id)).scalar_one()
        assert (decision.policy_version_id, decision.version) == (world["v2"], 1)
