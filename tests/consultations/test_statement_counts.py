"""The number of SQL statements per page does not grow with the data (10 vs 200 rows)."""

from datetime import date

import pytest

from engage.extensions import db
from tests.conftest import login
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
from tests.sqlcount import statements_for


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
