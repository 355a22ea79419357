"""What payloads may say: ids and what changed, never lived experience, never the content of a
consultation that is not normal (the marker words of tests/security/world.py's plants), and
one event for a merge or an erasure (not the updates they are made of)."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engage.audit.services import Actor
from engage.auth.models import User
from engage.extensions import db
from engage.people.merge import merge_people
from engage.people.models import Person
from engage.people.privacy import erase_person
from engage.webhooks import delivery
from engage.webhooks.models import WebhookMessage
from tests.factories import (
    make_forum,
    make_organisation,
    make_person,
    make_policy,
    make_topic,
    make_user,
    make_version,
)
from tests.security.world import LIVED, MARK, plant
from tests.test_routes import EMAIL
from tests.webhooks.conftest import subscribe

HIDDEN = (MARK["restricted"], MARK["confidential"], LIVED, "lived_experience")


def _payloads(kind: str | None = None) -> list[dict]:
    stmt = select(WebhookMessage.payload).order_by(WebhookMessage.id)
    if kind:
        stmt = stmt.where(WebhookMessage.event_type == kind)
    return [json.loads(p) for p in db.session.execute(stmt).scalars()]


def _raw() -> str:
    return " ".join(db.session.execute(select(WebhookMessage.payload)).scalars())


@pytest.fixture
def planted(app):
    """The security suite's plants (a consultation per level, with a point, a decision and a
    commitment) on a small world, with a subscription to every event."""
    with app.app_context():
        admin = make_user(role="admin", email="admin@example.org")
        make_user(role="viewer", email=EMAIL["viewer"])
        subscribe("http://127.0.0.1:9/hook")
        policy = make_policy()
        version = make_version(policy)
        person = make_person(name="Lina Petrova")
        ids = {
            "clause_id": version.clauses[0].id,
            "person_id": person.id,
            "topic_id": make_topic().id,
            "organisation_id": make_organisation().id,
            "forum_id": make_forum().id,
        }
        make_topic()  # plant tags the consultations with a topic other than the walk's
        db.session.commit()
        ids["admin_id"] = admin.id
        ids["levels"] = plant(ids)
        person.lived_experience = f"{LIVED} lived experience"  # an owner's note, special-category data
        person.title = "Peer support lead"
        db.session.commit()
        yield ids


def test_no_payload_carries_lived_experience_or_a_hidden_consultations_content(app, planted):
    raw = _raw()
    for word in HIDDEN:
        assert word not in raw, word
    created = _payloads("consultation.created")
    assert len(created) == 3
    by_id = {p["data"]["id"]: p["data"] for p in created}
    normal = by_id[planted["levels"]["normal"]["consultation_id"]]
    assert normal["title"] == f"{MARK['normal']} consultation"  # a normal one is named
    assert by_id[planted["levels"]["restricted"]["consultation_id"]] == {
        "id": planted["levels"]["restricted"]["consultation_id"],
        "kind": "meeting",
    }
    decisions = _payloads("decision.made")
    assert len(decisions) == 3
    assert {d["data"]["consultation"]["id"] for d in decisions} == {
        level["consultation_id"] for level in planted["levels"].values()
    }
    (updated,) = [p for p in _payloads("person.updated") if p["data"]["id"] == planted["person_id"]]
    assert updated["data"]["fields"] == ["title"]  # lived experience is not even named
    assert updated["data"]["values"] == {"title": "Peer support lead"}


def test_commitments_falling_due_are_announced_once_without_their_text(app, planted):
    with app.app_context():
        due_day = datetime(2026, 4, 1, 9, tzinfo=UTC)  # the plants' commitments are due on 1 April 2026
        assert delivery.announce_due_commitments(due_day) == 3
        assert delivery.announce_due_commitments(due_day.replace(hour=17)) == 0  # once per due date
        payloads = _payloads("commitment.due")
        assert {p["data"]["id"] for p in payloads} == {lv["commitment_id"] for lv in planted["levels"].values()}
        assert all("description" not in p["data"] for p in payloads)
        raw = _raw()
        for word in (*HIDDEN, MARK["normal"] + " commitment"):
            assert word not in raw, word


def test_a_merge_and_an_erasure_are_one_event_each(app, planted):
    with app.app_context():
        actor = Actor(db.session.get(User, planted["admin_id"]))
        survivor = make_person(name="Sam Carter")
        other = make_person(name="Samuel Carter")
        db.session.commit()
        before = len(_payloads())
        merge_people(actor, survivor, other, (survivor.version, other.version), {}, True)
        db.session.commit()
        merged = _payloads()[before:]
        assert [p["type"] for p in merged] == ["person.merged"]
        assert merged[0]["data"] == {"id": survivor.id, "merged_away_id": other.id}
        erase_person(actor, db.session.get(Person, survivor.id), "Request 2026-12-01, ref DSR-7")
        db.session.commit()
        erased = _payloads()[before + 1 :]
        assert erased == [{"type": "person.erased", "timestamp": erased[0]["timestamp"], "data": {"id": survivor.id}}]
        assert "Sam Carter" not in _raw().split("person.erased")[-1]


def test_an_engagement_is_one_event_per_transaction_its_strongest_action(app, planted):
    from engage.engagements.models import Engagement
    from tests.factories import make_engagement

    with app.app_context():
        before = len(_payloads("engagement.changed"))
        engagement = make_engagement(title="Safer Internet Day panel", participants=[])
        engagement.venue = "Room 4, 12 Gower Street"  # free text: named, never copied
        db.session.commit()
        engagement = db.session.get(Engagement, engagement.id)
        db.session.delete(engagement)
        db.session.commit()
        created, deleted = _payloads("engagement.changed")[before:]
        assert (
            created["data"]["action"] == "created" and created["data"]["values"]["title"] == "Safer Internet Day panel"
        )
        assert "venue" in created["data"]["fields"] and "Gower" not in json.dumps(created)
        assert deleted["data"] == {"id": engagement.id, "action": "deleted", "fields": [], "values": {}}
