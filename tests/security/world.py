"""The world the security suite attacks: the seeded demo data of tests/test_routes.py, plus records
planted at every confidentiality level and owned by someone else, each carrying a marker word that
must never reach a reader who may not see it.

Planted, linked to the records the walks open (so a leak would show on their pages):
- a consultation per level (normal, confidential, restricted) with a person, an organisation,
  a topic, the forum, a point raised on the walked clause with a decision, and a commitment
  assigned to the viewer; its only staff member is `staffer` (a viewer);
- lived experience (special-category data) on the walked person, whose relationship owner is
  `owner` (an editor), and a briefing pack and a letter made by `owner`.
"""

import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from engage import transaction
from engage.audit.services import Actor
from engage.auth.models import User
from engage.briefings import services as briefings
from engage.consultations.models import Commitment
from engage.demo.seed import seed
from engage.engagements.models import Engagement, EngagementParticipant
from engage.extensions import db
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.policies.models import Clause
from engage.topics.models import Topic
from tests.briefings.helpers import plant_evidence_job
from tests.conftest import PASSWORD, emptied, fresh_app, login
from tests.factories import make_consultation, make_input, make_user
from tests.test_routes import EMAIL, _world_ids

LEVELS = ("normal", "confidential", "restricted")
# Words that appear nowhere else: finding one in a response is finding the planted record.
MARK = {level: f"zq{level}mark" for level in LEVELS}
LIVED = "zqlivedmark"
HIDDEN_FROM = {"viewer": ("confidential", "restricted"), "editor": ("restricted",)}


@dataclass
class World:
    ids: dict  # the walk's ids (tests/test_routes.py), by argument name
    level: dict = field(default_factory=dict)  # level -> {consultation_id, input_id, commitment_id}
    emails: dict = field(default_factory=dict)  # role -> email, with "owner" and "staffer"

    def at(self, level: str) -> dict:
        """The walk's ids with the planted consultation (and its point, commitment) of `level`."""
        return self.ids | self.level[level]


def seed_world() -> dict:
    """Seed the demo data and return the walk's ids (inside an app context; commits)."""
    seed(people=30, password=PASSWORD)
    ids = _world_ids()
    _user("staffer@example.org", "viewer")
    _user("owner@example.org", "editor")
    db.session.commit()
    return ids


def plant(ids: dict, levels=LEVELS) -> dict:
    """Plant a consultation of each of `levels` on the walked records; returns their ids by level."""
    staffer = _user("staffer@example.org")
    clause = db.session.get(Clause, ids["clause_id"])
    person = db.session.get(Person, ids["person_id"])
    topic = db.session.execute(select(Topic).where(Topic.id != ids["topic_id"]).order_by(Topic.id)).scalars().first()
    planted = {}
    for level in levels:
        mark = MARK[level]
        consultation = make_consultation(
            title=f"{mark} consultation",
            summary=f"{mark} summary",
            confidentiality=level,
            staff=[staffer],
            people=[person],
            organisations=[db.session.get(Organisation, ids["organisation_id"])],
            topics=[topic],
            forum_id=ids["forum_id"],
            held_on=date(2026, 3, 2),
        )
        point = make_input(
            consultation,
            text=f"{mark} point",
            person=person,
            clause=clause,
            topic_id=topic.id,
            decision={
                "outcome": "adopted",
                "rationale": f"{mark} rationale",
                "policy_version_id": clause.version_id,
                "clause_id": clause.id,
                "decided_on": date(2026, 3, 3),
            },
        )
        commitment = Commitment(
            description=f"{mark} commitment",
            consultation_id=consultation.id,
            person_id=person.id,
            assignee_id=_user(EMAIL["viewer"]).id,
            due_on=date(2026, 4, 1),
            status="open",
        )
        db.session.add(commitment)
        db.session.flush()
        planted[level] = {"consultation_id": consultation.id, "input_id": point.id, "commitment_id": commitment.id}
        planted[level] |= _plant_written(consultation, mark)
    return planted


def _plant_written(consultation, mark: str) -> dict:
    """A document and a note (by the admin) on the planted consultation, carrying its marker word."""
    from engage.documents import store
    from engage.documents.models import Attachment, Note

    text = f"{mark} document text".encode()
    attachment = Attachment(
        consultation_id=consultation.id,
        filename=f"{mark}-minutes.txt",
        sha256=store.put(text),
        size=len(text),
        file_type="text",
        text=text.decode(),
    )
    note = Note(consultation_id=consultation.id, body=f"{mark} note", author_id=_user(EMAIL["admin"]).id)
    db.session.add_all([attachment, note])
    db.session.flush()
    return {"attachment_id": attachment.id, "note_id": note.id}


def _plant_draft(owner) -> int:
    """An email draft of `owner`'s (drafts are their user's alone)."""
    from engage.documents import store
    from engage.inbox.models import EmailDraft

    data = b"From: owner@example.org\r\nTo: log@localhost\r\nSubject: Owner's draft\r\n\r\nHello.\r\n"
    draft = EmailDraft(user_id=owner.id, sha256=store.put(data), filename="owner.eml", subject="Owner's draft")
    db.session.add(draft)
    db.session.flush()
    return draft.id


def plant_owned(ids: dict) -> tuple[int, int]:
    """Lived experience owned by `owner`, on the walked person, and documents `owner` made; returns
    the ids of owner's briefing pack and letter."""
    owner = _user("owner@example.org")
    person = db.session.get(Person, ids["person_id"])
    person.owner_id = owner.id
    person.lived_experience = f"{LIVED} lived experience"
    engagement = db.session.get(Engagement, ids["engagement_id"])
    if all(p.person_id != person.id for p in engagement.participants):
        engagement.participants.append(EngagementParticipant(person_id=person.id, role="co_panellist"))
    db.session.flush()
    letter = briefings.generate_letter(Actor(owner), person.id, date(2020, 1, 1), date.today())
    ids["job_id"] = plant_evidence_job(owner, db.session.get(Clause, ids["clause_id"]).version.policy.topic_id)
    ids["draft_id"] = _plant_draft(owner)
    return briefings.generate_briefing(Actor(owner), engagement.id).id, letter.id


def build() -> World:
    """The whole world, planted (inside an app context; commits)."""
    ids = seed_world()
    world = World(ids=ids, level=plant(ids))
    world.ids["document_id"], letter = plant_owned(ids)
    world.ids["briefings.sent"] = {"document_id": letter}  # only a letter is sent
    db.session.commit()
    world.emails = EMAIL | {"owner": "owner@example.org", "staffer": "staffer@example.org"}
    return world


def _user(email: str, role: str | None = None) -> User:
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    return user or make_user(role=role, email=email, name=email.split("@")[0].capitalize())


def signed_in(app, email: str):
    """A test client signed in as `email`, and its CSRF token."""
    client = app.test_client()
    return client, login(client, email)


def body_text(response) -> str:
    """What a reader gets to read: the page, the feed, or the text of the PDF."""
    data = response.get_data()
    return pdf_text(data) if data.startswith(b"%PDF") else data.decode("utf-8", "replace")


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["/usr/bin/pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


@contextmanager
def module_app(database, folder, make):
    """An app on its own copy of the test database, with `make()`'s result built in it: seeding and
    planting take seconds, so a module builds its world once. A module using this must not use the
    per-test `app` fixture (on PostgreSQL both would share one database).
    `app.config["SECURITY_SUITE_ABANDON"]["on"] = True` rolls back every request's writes.
    """
    app = fresh_app(database, folder)
    abandon = app.config["SECURITY_SUITE_ABANDON"] = {"on": False}

    @app.after_request
    def _abandon(response):  # runs before transaction.end (after_request runs last-registered first)
        if abandon["on"]:
            transaction.abandon()
        return response

    with app.app_context():
        made = make()
    try:
        yield app, made
    finally:
        emptied(app, database)


@pytest.fixture(scope="module")
def planted_world(database, tmp_path_factory):
    """(app, World): the seeded data with every planted record."""
    with module_app(database, tmp_path_factory.mktemp("security"), build) as made:
        yield made


@pytest.fixture(scope="module")
def build_baseline(database, tmp_path_factory):
    """(app, ids): the seeded data and the suite's users, nothing planted yet."""
    with module_app(database, tmp_path_factory.mktemp("security"), seed_world) as made:
        yield made
