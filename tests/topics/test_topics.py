"""The topic taxonomy: seeding, the admin pages, and never deleting a topic in use."""

import pytest
from sqlalchemy import func, select

from engage import choices
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.topics.models import SEED_TOPICS, Topic
from engage.topics.services import ensure_seed_topics, usage_counts
from tests.factories import make_helpline, make_topic


def _topics(app) -> dict[str, Topic]:
    with app.app_context():
        return {t.slug: t for t in db.session.execute(select(Topic)).scalars()}


def test_ensure_seed_topics_is_idempotent_and_keeps_admin_changes(app):
    with app.app_context():
        assert ensure_seed_topics() == len(SEED_TOPICS)
        topic = db.session.execute(select(Topic).where(Topic.slug == "regulation")).scalar_one()
        topic.name = "Regulation and law"
        topic.active = False
        db.session.commit()
        assert ensure_seed_topics() == 0
        db.session.commit()
        slugs = {t.slug for t in db.session.execute(select(Topic)).scalars()}
        assert slugs == {slug for slug, _ in SEED_TOPICS}
        assert "Regulation and law" not in [name for _, name in choices.topics()]
        assert len(choices.topics()) == len(SEED_TOPICS) - 1


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_topics_admin_is_admin_only(client, as_role, role):
    token = as_role(role)
    assert client.get("/admin/topics").status_code == 403
    assert client.post("/admin/topics/new", data={"csrf_token": token, "name": "X"}).status_code == 403


def test_add_rename_and_stale_edit(app, client, as_role):
    token = as_role("admin")
    r = client.post("/admin/topics/new", data={"csrf_token": token, "name": "Online gambling", "description": ""})
    assert r.status_code == 302
    topic = _topics(app)["online-gambling"]
    data = {"csrf_token": token, "version": topic.version, "description": "Harms of betting"}
    assert client.post(f"/admin/topics/{topic.id}/edit", data={**data, "name": "Gambling"}).status_code == 302
    stale = client.post(f"/admin/topics/{topic.id}/edit", data={**data, "name": "Betting"})
    assert stale.status_code == 409 and "Someone else changed" in stale.get_data(as_text=True)
    topic = _topics(app)["online-gambling"]  # the slug stays stable when renamed
    assert topic.name == "Gambling" and topic.description == "Harms of betting"
    listing = client.get("/admin/topics").get_data(as_text=True)
    assert "Gambling" in listing and "online-gambling" in listing


def test_duplicate_or_empty_name_is_refused(app, client, as_role):
    with app.app_context():
        make_topic(slug="body-image", name="Body image")
        db.session.commit()
    token = as_role("admin")
    r = client.post("/admin/topics/new", data={"csrf_token": token, "name": "body IMAGE"})
    assert r.status_code == 400 and "already exists" in r.get_data(as_text=True)
    r = client.post("/admin/topics/new", data={"csrf_token": token, "name": "  "})
    assert r.status_code == 400
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Topic)).scalar_one() == 1


def test_a_topic_in_use_is_deactivated_never_deleted(app, client, as_role):
    with app.app_context():
        used = make_topic(name="Used")
        unused = make_topic(name="Unused")
        make_helpline(topics=[used])
        db.session.commit()
        used_id, unused_id = used.id, unused.id
        assert usage_counts() == {used_id: 1}
    token = as_role("admin")
    page = client.get("/admin/topics").get_data(as_text=True)
    assert f"/admin/topics/{used_id}/delete" not in page and f"/admin/topics/{unused_id}/delete" in page
    r = client.post(f"/admin/topics/{used_id}/delete", data={"csrf_token": token})
    assert r.status_code == 400 and "deactivate it instead" in r.get_data(as_text=True)
    assert client.post(f"/admin/topics/{used_id}/deactivate", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/admin/topics/{unused_id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        topic = db.session.get(Topic, used_id)
        assert topic is not None and not topic.active
        assert db.session.get(Topic, unused_id) is None
        actions = set(db.session.execute(select(AuditEvent.action).where(AuditEvent.record_type == "topics")).scalars())
        assert {"deactivate", "delete"} <= actions
        assert used_id not in [topic_id for topic_id, _ in choices.topics()]
    assert client.post(f"/admin/topics/{used_id}/activate", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/topics/999/edit").status_code == 404


def test_renaming_to_a_taken_name_is_400_and_writes_nothing(app, client, as_role):
    with app.app_context():
        make_topic(slug="body-image", name="Body image")
        topic = make_topic(slug="gaming", name="Gaming")
        db.session.commit()
        tid, version = topic.id, topic.version
    token = as_role("admin")
    data = {"csrf_token": token, "version": version, "name": "BODY image", "description": "Changed"}
    r = client.post(f"/admin/topics/{tid}/edit", data=data)
    assert r.status_code == 400 and "already exists" in r.get_data(as_text=True)
    with app.app_context():
        topic = db.session.get(Topic, tid)
        assert (topic.name, topic.description, topic.version) == ("Gaming", "", version)
        events = select(func.count()).select_from(AuditEvent).where(AuditEvent.record_type == "topics")
        assert db.session.execute(events).scalar_one() == 0
