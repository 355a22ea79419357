"""Issue 14, acceptance 1-3 for the home page: every number equals the rows of the list it links
to (each role, on the demo data); the alerts name a policy, its date, a count and a region x topic
gap; a constant number of SQL statements whatever the data size."""

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from engage import choices
from engage.auth.models import User
from engage.consultations.models import Commitment, Consultation
from engage.dashboard import alerts
from engage.demo.seed import seed
from engage.extensions import db
from engage.people.models import Person
from engage.policies.models import Policy, current_version
from tests.conftest import PASSWORD, login
from tests.dashboard.helpers import figures, rows_behind
from tests.factories import make_consultation, make_engagement, make_input, make_person, make_policy, make_version
from tests.sqlcount import statements_for

ROLES = {"viewer": "viewer@example.org", "editor": "editor@example.org", "admin": "admin@example.org"}
HIDDEN = "zqhiddencommitment"


def _plant_for(user: User, today: date) -> None:
    """Something behind each number for `user`, and a restricted consultation they may not see
    that would add to several numbers if it leaked."""
    stranger = make_person(name=f"Never met {user.id}", owner_id=user.id)
    make_engagement(
        title=f"Panel for {user.id}",
        speakers=[user],
        starts_at=datetime.now(UTC) + timedelta(days=3),
        ends_at=datetime.now(UTC) + timedelta(days=3, hours=1),
    )
    mine = make_consultation(
        title=f"Mine {user.id}", staff=[user], people=[stranger], held_on=today - timedelta(days=5)
    )
    make_input(mine, person=stranger)  # undecided: awaiting a decision
    others = db.session.execute(select(User).where(User.id != user.id, User.role == "editor")).scalars().first()
    hidden = make_consultation(title="zq restricted", confidentiality="restricted", staff=[others])
    make_input(hidden, person=stranger)
    db.session.add_all(
        [
            Commitment(description="Overdue note", assignee_id=user.id, due_on=today - timedelta(days=2)),
            Commitment(
                description=HIDDEN, assignee_id=user.id, due_on=today - timedelta(days=1), consultation_id=hidden.id
            ),
        ]
    )


def test_every_number_on_the_home_page_is_the_length_of_its_list(app, client):
    today = date.today()
    with app.app_context():
        seed(people=30, password=PASSWORD)
        for email in ROLES.values():
            _plant_for(db.session.execute(select(User).where(User.email == email)).scalar_one(), today)
        db.session.commit()
    for role, email in ROLES.items():
        login(client, email)
        for months in (None, 1, 12):
            home = client.get("/" if months is None else f"/?cooling={months}").get_data(as_text=True)
            found = figures(home)
            assert {"engagements", "open", "overdue", "cooling", "stale", "ending", "awaiting"} <= set(found)
            assert any(k.startswith("consulted-") for k in found), "the demo data has policies due for review"
            for key, (number, href) in found.items():
                assert rows_behind(client, href) == number, (role, months, key, href)
            for key in ("engagements", "open", "overdue", "cooling", "awaiting"):
                assert found[key][0] >= 1, (role, key)  # planted: the equality is not 0 == 0
            if role != "admin":  # admins see every consultation; the others not the restricted one
                overdue = client.get(found["overdue"][1]).get_data(as_text=True)
                assert HIDDEN not in home and HIDDEN not in overdue
        client.post("/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)})


def test_the_alerts_name_a_policy_its_date_a_count_and_a_gap(app, client):
    """On the demo data (200 people), read by an admin (who sees every consultation): the two policies
    reviewed soonest, each with its date and the count of its current version's experts not contacted
    in 6 months (counted here on their own), and the demo's Latin America gap."""
    with app.app_context():
        seed(people=200, password=PASSWORD)
        db.session.commit()
        today = date.today()
        first, second = db.session.execute(select(Policy).order_by(Policy.next_review_on).limit(2)).scalars()
        # Counted here independently: the experts whose points were decided into the current version.
        expected = {}
        for policy in (first, second):
            version = current_version(policy.versions, today)
            people = list(
                db.session.execute(
                    select(Person).where(Person.archived.is_(False), Person.id.in_(_drivers(version.id)))
                ).scalars()
            )
            since = choices.months_before(today, 6)
            lapsed = [p for p in people if p.last_interaction_on is None or p.last_interaction_on < since]
            expected[policy.code] = (policy.next_review_on, version.label, len(lapsed), len(people))
        admin = db.session.execute(select(User).where(User.email == ROLES["admin"])).scalar_one()
        texts = [a.text for a in alerts.alerts_for(admin, today)]
    login(client, ROLES["admin"])
    home = client.get("/").get_data(as_text=True)
    for code, (review_on, label, lapsed, total) in expected.items():
        sentence = next(t for t in texts if t.startswith(code))
        days = (review_on - today).days
        assert f"{code} review in {days} days ({review_on:%-d %b %Y})" in sentence
        assert f"{lapsed} of the {total} experts consulted for {label} not contacted in 6 months" in sentence
        assert total > lapsed > 0  # the demo's lapsed seventh of the directory
        assert code in home and f"{review_on:%-d %b %Y}" in home
    gap = "no expert from Latin America and the Caribbean consulted on Disordered eating in the last 12 months"
    assert any(gap in t for t in texts)
    assert "No expert from <a" in home and "Latin America and the Caribbean</a> consulted on Disordered eating" in home
    assert texts == [a.text for a in _again(app, admin.id, today)]  # deterministic


def _drivers(version_id: int):
    from engage.consultations.models import Decision, Input

    return (
        select(Input.person_id)
        .join(Decision, Decision.input_id == Input.id)
        .join(Consultation, Consultation.id == Input.consultation_id)
        .where(Decision.policy_version_id == version_id)
    )


def _again(app, user_id: int, today: date):
    with app.app_context():
        return alerts.alerts_for(db.session.get(User, user_id), today)


def _grow(app, n: int) -> str:
    """More of everything the home page counts or lists; returns the reader's email."""
    today = date.today()
    with app.app_context():
        me = db.session.execute(select(User).where(User.email == "me@test.example")).scalar_one_or_none()
        if me is None:
            from tests.factories import make_user

            me = make_user(role="editor", email="me@test.example")
        for i in range(n):
            person = make_person(owner_id=me.id, country=["GB", "BR", "JP", "NG"][i % 4])
            soon = datetime.now(UTC) + timedelta(days=2 + i % 10)
            make_engagement(speakers=[me], starts_at=soon, ends_at=soon + timedelta(hours=1))
            policy = make_policy(next_review_on=today + timedelta(days=10 + i))
            version = make_version(policy, label=f"v{i}", effective_on=today - timedelta(days=100))
            consultation = make_consultation(staff=[me], people=[person], held_on=today - timedelta(days=30))
            make_input(consultation, person=person, decision={"outcome": "adopted", "policy_version_id": version.id})
            make_input(consultation, person=person)
            db.session.add(Commitment(description=f"Owed {i}", assignee_id=me.id, due_on=today - timedelta(days=i)))
        db.session.commit()
        return me.email


def test_home_statement_count_is_constant(app, client):
    email = _grow(app, 2)
    login(client, email)
    small = statements_for(app, client, "/")
    _grow(app, 25)
    assert statements_for(app, client, "/") == small
    assert statements_for(app, client, "/?cooling=12") == small
