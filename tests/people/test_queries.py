"""Constant SQL statements per page, and restricted consultations kept out of every timeline."""

from datetime import UTC, date, datetime, timedelta

import pytest

from engage.extensions import db
from engage.forums.models import ForumMember
from engage.people.models import StakeholderAssessment
from tests.conftest import login
from tests.factories import (
    make_affiliation,
    make_consultation,
    make_engagement,
    make_forum,
    make_input,
    make_organisation,
    make_person,
    make_policy,
    make_user,
    make_version,
    topic_by_slug,
)
from tests.sqlcount import statements_for


def build(n: int) -> dict:
    """n people and n organisations, each with the things their pages show, plus a hub person and
    organisation that take part in n consultations (with inputs and decisions) and n engagements."""
    staff = make_user(role="editor")
    topic = topic_by_slug("suicide-self-harm")
    policy = make_policy()
    version = make_version(policy, label="v2", clauses={f"{policy.code} 3.2": "Clause."})
    clause = version.clauses[0]
    forum = make_forum()
    hub_org = make_organisation(name="Hub organisation")
    hub = make_person(name="Hub person", owner_id=staff.id, lived_experience="private")
    hub.topics.append(topic)
    for i in range(n):
        org = make_organisation(name=f"Org {i:04d}", parent_id=hub_org.id)
        org.topics.append(topic)
        person = make_person(name=f"Person {i:04d}", owner_id=staff.id)
        person.topics.append(topic)
        make_affiliation(person, org, start_on=date(2020, 1, 1))
        make_affiliation(person, hub_org, end_on=date(2021, 1, 1))
        make_affiliation(hub, org, start_on=date(2019, 1, 1), end_on=date(2022, 1, 1) if i % 2 else None)
        for day in (1, 2):
            db.session.add(
                StakeholderAssessment(
                    person_id=person.id, influence=day + 1, stance="neutral", assessed_on=date(2025, 1, day)
                )
            )
            db.session.add(
                StakeholderAssessment(
                    person_id=hub.id, influence=3, stance="critical", assessed_on=date(2024, 1, i % 28 + 1)
                )
            )
        db.session.add(ForumMember(forum_id=forum.id, person_id=hub.id, role="member"))
        db.session.add(ForumMember(forum_id=forum.id, organisation_id=hub_org.id, role="member"))
        consultation = make_consultation(
            held_on=date(2025, 1, 1) + timedelta(days=i),
            staff=[staff],
            people=[hub, person],
            organisations=[hub_org, org],
            topics=[topic],
            confidentiality=("normal", "confidential", "restricted")[i % 3],
        )
        decision = {
            "outcome": "adopted",
            "rationale": "Good point.",
            "clause_id": clause.id,
            "policy_version_id": version.id,
        }
        make_input(consultation, person=hub, clause=clause, topic_id=topic.id, decision=decision)
        make_input(consultation, organisation_id=hub_org.id, decision={"outcome": "declined", "no_change": True})
        make_input(consultation, person=person)
        make_engagement(
            participants=[hub, person],
            starts_at=datetime(2025, 3, 1, 9, tzinfo=UTC) + timedelta(days=i),
            ends_at=datetime(2025, 3, 1, 11, tzinfo=UTC) + timedelta(days=i),
        )
    db.session.commit()
    return {"hub": hub.id, "hub_org": hub_org.id}


PAGES = [
    "/people",
    "/people?country=GB&topic=1&stance=neutral&not_contacted_since=2026-01-01&sort=-last",
    "/people/{hub}",
    "/people/{hub}/edit",
    "/organizations",
    "/organizations?kind=ngo&sort=-country&topic=1",
    "/organizations/{hub_org}",
    "/organizations/{hub_org}/edit",
]


@pytest.mark.parametrize("role", ["admin", "editor"])
def test_statement_counts_do_not_grow_with_the_data(app, client, users, database, tmp_path, role):
    counts = {}
    with app.app_context():
        small = build(10)
    login(client, users[role])
    counts[10] = {p: statements_for(app, client, p.format(**small)) for p in PAGES}
    with app.app_context():
        big = build(190)
    assert big["hub"] != small["hub"]
    counts[200] = {p: statements_for(app, client, p.format(**big)) for p in PAGES}
    assert counts[10] == counts[200]


@pytest.fixture
def restricted(app, users):
    """A restricted consultation logged by another editor, with a person and an organisation."""
    with app.app_context():
        author = make_user(role="editor", email="author@test.example")
        person = make_person(name="Consulted Person")
        org = make_organisation(name="Consulted Org")
        make_consultation(title="Open roundtable", held_on=date(2024, 1, 9), people=[person], organisations=[org])
        secret = make_consultation(
            title="Secret briefing",
            held_on=date(2024, 3, 17),
            confidentiality="restricted",
            staff=[author],
            people=[person],
            organisations=[org],
        )
        make_input(secret, text="Hidden point from the person", person=person)
        make_input(secret, text="Hidden point from the org", organisation_id=org.id)
        db.session.commit()
        return {"person": person.id, "org": org.id}


HIDDEN = ["Secret briefing", "Hidden point", "17 Mar 2024"]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_a_restricted_consultation_is_absent_for_other_editors_and_viewers(client, users, restricted, role):
    login(client, users[role])
    for path in (
        f"/people/{restricted['person']}",
        f"/organizations/{restricted['org']}",
        "/people",
        "/organizations",
    ):
        html = client.get(path).get_data(as_text=True)
        for text in HIDDEN:
            assert text not in html, (path, text)
    assert "Open roundtable" in client.get(f"/people/{restricted['person']}").get_data(as_text=True)
    assert "9 Jan 2024" in client.get("/people").get_data(as_text=True)  # the visible last interaction


@pytest.mark.parametrize("who", ["admin", "author"])
def test_a_restricted_consultation_is_shown_to_admins_and_its_staff(client, users, restricted, who):
    login(client, users["admin"] if who == "admin" else "author@test.example")
    for path in (f"/people/{restricted['person']}", f"/organizations/{restricted['org']}"):
        html = client.get(path).get_data(as_text=True)
        assert "Secret briefing" in html and "Hidden point" in html and "17 Mar 2024" in html, path
