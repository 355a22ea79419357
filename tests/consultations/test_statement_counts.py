"""The number of SQL statements per page does not grow with the data (10 vs 200 rows)."""

from datetime import date

import pytest
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.consultations.models import Consultation, Decision
from engage.extensions import db
from tests.conftest import login
from tests.consultations.helpers import build_world
from tests.factories import (
    make_consultation,
    make_forum,
    make_input,
    make_organisation,
    make_person,
    make_policy,
    make_topic,
    make_user,
    make_version,
)
from tests.sqlcount import count_statements, statements_for


def _build(app, n: int) -> dict:
    with app.app_context():
        staff = make_user(role="editor", email=f"staff{n}@test.example")
        topic = make_topic()
        forum = make_forum()
        policy = make_policy(code=f"MH-N{n}", topic=topic, owner=staff)
        for _ in range(n):
            make_policy(topic=topic, owner=staff, next_review_on=date(2027, 1, 1))
        versions = [
            make_version(
                policy,
                f"v{i}",
                {f"K {j}": f"Text {i} {j}" for j in range(3)},
                effective_on=date(2020, 1, 1 + i % 28),
            )
            for i in range(min(n, 20))
        ]
        big = make_version(policy, "big", {f"K {j}": f"Words {j} changed" for j in range(n)})
        clause = big.clauses[0]
        people = [make_person() for _ in range(3)]
        org = make_organisation()
        main = make_consultation(
            title="Main", staff=[staff], people=people, organisations=[org], topics=[topic], forum_id=forum.id
        )
        for i in range(n):
            make_consultation(staff=[staff], people=people[:2], organisations=[org], topics=[topic], forum_id=forum.id)
            make_input(
                main,
                f"Point {i}",
                person=people[i % 3],
                clause=clause,
                topic_id=topic.id,
                decision={
                    "outcome": "adopted",
                    "decided_by_id": staff.id,
                    "policy_version_id": big.id,
                    "clause_id": clause.id,
                    "decided_on": date(2026, 1, 1),
                },
            )
        db.session.commit()
        return {
            "email": staff.email,
            "policy": policy.id,
            "version": big.id,
            "older": versions[0].id,
            "clause": clause.id,
            "main": main.id,
        }


PAGES = [
    "/consultations",
    "/consultations/{main}",
    "/policies",
    "/policies/{policy}",
    "/policies/{policy}/versions/{version}",
    "/clauses/{clause}",
    "/commitments",
]


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_statement_counts_do_not_grow(app, users, role):
    counts = {}
    for n in (10, 200):  # the second world is added to the first: lists then hold 210 rows
        world = _build(app, n)
        client = app.test_client()
        login(client, world["email"] if role == "staff" else users["admin"])
        counts[n] = {page: statements_for(app, client, page.format(**world)) for page in PAGES}
    assert counts[10] == counts[200]


# --- Saving a decision on a point raised ----------------------------------------------------------

# 12, plus the search index filling its two FTS5 tables for the entry it rewrote (SQLite: one
# INSERT … SELECT each, no trigger) and the webhook outbox reading who subscribes; plus the kept
# decision-outcome counts (policies/outcomes.py): the point's (policy, day) buckets after the flush
# and, when an existing decision moves it to other clauses or versions, before it (a SELECT each),
# and their recount (DELETE + INSERT … SELECT).
DECISION_BUDGET = 15 + 4


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("existing", [False, True])
def test_saving_a_decision_runs_few_statements(app, users, htmx, existing):
    world = build_world(app, users)
    client = app.test_client()
    token = login(client, world["editor_a"])
    with app.app_context():
        item = make_input(db.session.get(Consultation, world["normal"]), "A point to decide.", person=None)
        if existing:
            item.decision = Decision(outcome="under_review", decided_by_id=world["editor_a_id"])
        db.session.commit()
        input_id, version = item.id, (item.decision.version if existing else None)
    form = {
        "csrf_token": token,
        "outcome": "adopted",
        "rationale": "Clearer.",
        "decided_on": "2026-11-20",
        "clause_id": str(world["clause_v2"]),
        "policy_version_id": str(world["v2"]),
        "version": str(version or ""),
    }
    url = f"/consultations/{world['normal']}/inputs/{input_id}/decision"
    with count_statements(app) as counter:
        response = client.post(url, data=form, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == (200 if htmx else 303), response.get_data(as_text=True)
    assert counter.n <= DECISION_BUDGET, "\n".join(counter.statements)
    if htmx:
        html = response.get_data(as_text=True)
        assert 'id="input-' in html and "Adopted" in html and "<html" not in html
    with app.app_context():
        decision = db.session.execute(select(Decision).where(Decision.input_id == input_id)).scalar_one()
        assert (decision.outcome, decision.clause_id) == ("adopted", world["clause_v2"])
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.record_type == "decisions", AuditEvent.record_id == decision.id)
        ).scalar_one()
        assert event.action == ("update" if existing else "create")
