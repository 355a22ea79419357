"""The topic taxonomy: seeding, looking topics up, and the admin's changes."""

import re
import unicodedata

from sqlalchemy import func, select

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.ids import as_id
from engage.queries import check_version
from engage.topics.models import SEED_TOPICS, Topic


def ensure_seed_topics() -> int:
    """Create the SEED_TOPICS that are missing (matched by slug); returns how many were made.

    Safe to run again: an existing topic, even renamed or deactivated by an admin, is left alone.
    """
    existing = set(db.session.execute(select(Topic.slug)).scalars())
    names = {n.lower() for n in db.session.execute(select(Topic.name)).scalars()}
    made = 0
    for slug, name in SEED_TOPICS:
        if slug in existing or name.lower() in names:
            continue
        db.session.add(Topic(slug=slug, name=name, active=True))
        made += 1
    db.session.flush()
    return made


def get_topic(topic_id: int) -> Topic:
    """The topic with this id; NotFoundError when there is none."""
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        raise NotFoundError()
    return topic


def all_topics() -> list[Topic]:
    """Every topic for the admin's list: active ones first, each group by name."""
    return list(db.session.execute(select(Topic).order_by(Topic.active.desc(), Topic.name)).scalars())


def topics_by_ids(ids) -> list[Topic]:
    """The topics with these ids; an unknown id is a ValidationError on `topics`."""
    wanted = {as_id(i) or 0 for i in ids or ()}  # 0: no such topic, refused below
    if not wanted:
        return []
    found = list(db.session.execute(select(Topic).where(Topic.id.in_(wanted))).scalars())
    if len(found) != len(wanted):
        raise ValidationError({"topics": "Choose topics from the list."})
    return found


def usage_counts() -> dict[int, int]:
    """How many records refer to each topic, over every table with a foreign key to topics.

    One grouped statement per referring table, so the count is right for tables added later too.
    """
    counts: dict[int, int] = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "topics" for fk in column.foreign_keys) and table.name != "topics":
                rows = db.session.execute(select(column, func.count()).where(column.is_not(None)).group_by(column))
                for topic_id, n in rows:
                    counts[topic_id] = counts.get(topic_id, 0) + n
    return counts


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "topic"


def _check_name(name: str, topic: Topic | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter the topic's name."})
    if len(name) > 120:
        raise ValidationError({"name": "Keep the name under 120 characters."})
    clash = db.session.execute(select(Topic).where(func.lower(Topic.name) == name.lower())).scalar_one_or_none()
    if clash is not None and clash is not topic:
        raise ValidationError({"name": "A topic with this name already exists."})
    return name


def create_topic(actor: Actor, name: str, description: str = "") -> Topic:
    """Add an active topic; its slug comes from the name and stays stable when renamed."""
    name = _check_name(name)
    base = slugify(name)
    slug, n = base, 2
    while db.session.execute(select(Topic.id).where(Topic.slug == slug)).first():
        slug, n = f"{base[:55]}-{n}", n + 1
    topic = Topic(slug=slug, name=name, description=(description or "").strip(), active=True)
    audit.record_create(actor, topic, f"Topic {name}")
    return topic


def update_topic(actor: Actor, topic: Topic, version: int | None, name: str, description: str) -> Topic:
    """Rename a topic or change its description (optimistic locking on `version`)."""
    check_version(topic, version, "topic")
    topic.name = _check_name(name, topic)
    topic.description = (description or "").strip()
    audit.record_change(actor, "update", topic, f"Topic {topic.name}")
    return topic


def set_active(actor: Actor, topic: Topic, active: bool) -> Topic:
    """Deactivate (hidden from forms, kept on records) or reactivate a topic."""
    if topic.active != active:
        topic.active = active
        audit.record_change(actor, "activate" if active else "deactivate", topic, f"Topic {topic.name}")
    return topic


def delete_topic(actor: Actor, topic: Topic) -> None:
    """Delete a topic nothing refers to; a topic in use can only be deactivated."""
    if usage_counts().get(topic.id):
        raise ValidationError({"": f"“{topic.name}” is in use; deactivate it instead of deleting it."})
    audit.record(actor, "delete", Topic, topic.id, f"Topic {topic.name} ({topic.slug})")
    db.session.delete(topic)
    db.session.flush()
