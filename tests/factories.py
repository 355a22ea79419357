"""Factories: make one record with sensible defaults; tests override what matters to them."""

import itertools

from werkzeug.security import generate_password_hash

from engage.auth.models import User
from engage.extensions import db
from tests.conftest import FAST_HASH, PASSWORD

_seq = itertools.count(1)


def make_user(role: str = "editor", email: str | None = None, name: str | None = None, **kw) -> User:
    n = next(_seq)
    user = User(
        email=email or f"{role}{n}@test.example",
        name=name or f"{role.capitalize()} {n}",
        role=role,
        active=kw.pop("active", True),
        password_hash=generate_password_hash(kw.pop("password", PASSWORD), method=FAST_HASH),
        **kw,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def make_topic(slug: str | None = None, name: str | None = None, **kw):
    from engage.topics.models import Topic

    n = next(_seq)
    return _add(Topic(slug=slug or f"topic-{n}", name=name or f"Topic {n}", **kw))


def topic_by_slug(slug: str):
    """The seeded-style topic with this slug, made if missing (e.g. "suicide-self-harm")."""
    from sqlalchemy import select

    from engage.topics.models import SEED_TOPICS, Topic

    topic = db.session.execute(select(Topic).where(Topic.slug == slug)).scalar_one_or_none()
    if topic:
        return topic
    name = dict(SEED_TOPICS).get(slug, slug.replace("-", " ").capitalize())
    return make_topic(slug=slug, name=name)


def make_person(name: str | None = None, email: str | None = None, **kw):
    from datetime import date

    from engage.people.models import Person, PersonEmail

    n = next(_seq)
    kw.setdefault("country", "GB")
    kw.setdefault("consent_basis", "consent")
    kw.setdefault("consent_on", date(2026, 1, 5))  # a basis counts only with its date
    kw.setdefault("consent_contact", True)
    kw.setdefault("consent_internal", True)
    person = Person(name=name or f"Person {n}", **kw)
    person.emails.append(PersonEmail(email=email or f"person{n}@expert.example", position=0))
    return _add(person)


def make_organisation(name: str | None = None, kind: str = "ngo", **kw):
    from engage.organizations.models import Organisation

    n = next(_seq)
    kw.setdefault("country", "GB")
    return _add(Organisation(name=name or f"Organisation {n}", kind=kind, **kw))


def make_affiliation(person, organisation, role: str = "Director", **kw):
    from engage.organizations.models import Affiliation

    return _add(Affiliation(person_id=person.id, organisation_id=organisation.id, role=role, **kw))


def make_forum(name: str | None = None, kind: str = "advisory_council", **kw):
    from engage.forums.models import Forum

    n = next(_seq)
    return _add(Forum(name=name or f"Forum {n}", kind=kind, **kw))


def make_helpline(country: str | None = "GB", name: str | None = None, **kw):
    from datetime import date

    from engage.helplines.models import Helpline

    n = next(_seq)
    kw.setdefault("channel", "phone")
    kw.setdefault("contact", "+443003003030")
    kw.setdefault("last_verified_on", date.today())
    return _add(Helpline(country=country, name=name or f"Helpline {n}", **kw))


def make_policy(code: str | None = None, title: str | None = None, **kw):
    from engage.policies.models import Policy

    n = next(_seq)
    kw.setdefault("status", "launched")
    return _add(Policy(code=code or f"MH-T{n}", title=title or f"Policy {n}", **kw))


def make_version(policy, label: str = "v1", clauses: dict[str, str] | None = None, **kw):
    from engage.policies.models import Clause, PolicyVersion

    version = PolicyVersion(policy_id=policy.id, label=label, **kw)
    for position, (key, text) in enumerate((clauses or {f"{policy.code} 1.1": "Clause text."}).items()):
        version.clauses.append(Clause(key=key, text=text, position=position))
    return _add(version)


def make_consultation(title: str | None = None, staff=(), people=(), organisations=(), topics=(), **kw):
    from datetime import date

    from engage.consultations.models import Consultation

    n = next(_seq)
    kw.setdefault("held_on", date(2026, 10, 1))
    kw.setdefault("kind", "meeting")
    kw.setdefault("confidentiality", "normal")
    consultation = Consultation(title=title or f"Consultation {n}", **kw)
    consultation.staff.extend(staff)
    consultation.people.extend(people)
    consultation.organisations.extend(organisations)
    consultation.topics.extend(topics)
    return _add(consultation)


def make_input(
    consultation, text: str = "A point raised.", person=None, clause=None, decision: dict | None = None, **kw
):
    from engage.consultations.models import Decision, Input

    item = Input(
        consultation_id=consultation.id,
        text=text,
        person_id=person.id if person else None,
        clause_id=clause.id if clause else None,
        **kw,
    )
    if decision is not None:
        item.decision = Decision(**decision)
    return _add(item)


def upcoming(days: int = 2, hours: int = 2) -> dict:
    """starts_at and ends_at for an engagement still to come, `days` from now (make_engagement's own
    default is a fixed day, now past, for the tests that read its instants back)."""
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    return {"starts_at": start, "ends_at": start + timedelta(hours=hours)}


def make_engagement(title: str | None = None, speakers=(), participants=(), topics=(), **kw):
    """participants: people, or (person, role, rsvp) tuples."""
    from datetime import UTC, datetime

    from engage.engagements.models import Engagement, EngagementParticipant

    n = next(_seq)
    kw.setdefault("starts_at", datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    kw.setdefault("ends_at", datetime(2026, 12, 3, 11, 0, tzinfo=UTC))
    kw.setdefault("timezone", "Europe/London")
    kw.setdefault("country", "GB")
    kw.setdefault("status", "confirmed")
    engagement = Engagement(title=title or f"Engagement {n}", **kw)
    engagement.speakers.extend(speakers)
    engagement.topics.extend(topics)
    for p in participants:
        person, role, rsvp = p if isinstance(p, tuple) else (p, "co_panellist", "accepted")
        engagement.participants.append(EngagementParticipant(person_id=person.id, role=role, rsvp=rsvp))
    return _add(engagement)


def saved_with_version(app, factory, **fields) -> tuple[int, int]:
    """Make one record with a factory in its own app context, commit it, and return its id and version
    (what a test needs after the context has closed)."""
    with app.app_context():
        record = factory(**fields)
        db.session.commit()
        return record.id, record.version


def saved(app, factory, **fields) -> int:
    """Make one record with a factory in its own app context, commit it, and return its id."""
    return saved_with_version(app, factory, **fields)[0]
