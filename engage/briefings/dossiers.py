"""One dossier per participant: who they are, where they work, what they told us, what we owe them.

Each gatherer reads every participant at once (one statement), so a pack of 12 people runs
as many statements as a pack of 2. Consultations come through the reader's `visible` condition.
"""

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from engage.auth.models import User
from engage.auth.permissions import can_see_lived_experience, consent_recorded, may_name
from engage.briefings.points import INPUT_OPTIONS, Point, collapse, to_point
from engage.briefings.policy_changes import PolicyChange, changes_since, day_label
from engage.consultations.models import (
    CONSULTATION_KINDS,
    Commitment,
    Consultation,
    Decision,
    Input,
    consultation_people,
)
from engage.engagements.models import PARTICIPANT_ROLES, RSVPS, Engagement
from engage.extensions import db
from engage.organizations.models import Affiliation
from engage.people.models import Person
from engage.policies.models import Policy, PolicyVersion
from engage.text import render_markdown
from engage.validation import country_name

UNNAMED = "Participant (not named — consent)"
UNRECORDED = "An expert (consent not recorded)"
INTERACTIONS_PER_PERSON = 3
INPUTS_PER_PERSON = 8  # read per person, most relevant first; repeats fold, then the first few are shown
POINTS_SHOWN = 3
# Who gets a full dossier: the people who will be on stage with us. Everyone else gets one line.
DOSSIER_RSVPS = ("accepted", "tentative")
ONE_LINE_ROLES = ("audience",)


@dataclass
class Interaction:
    held_on: date
    title: str
    kind: str
    confidentiality: str


@dataclass
class Promise:
    description: str
    due_on: date | None
    assignee: str
    overdue: bool


@dataclass
class Dossier:
    anchor: str
    named: bool
    name: str
    role: str
    rsvp: str
    full: bool = False  # a full dossier; otherwise the pack gives them one line
    coming: bool = True  # not declined
    organisation: str = ""
    pronouns: str = ""
    title: str = ""
    country: str = ""
    affiliations: list[str] = field(default_factory=list)
    bio: Markup = field(default_factory=Markup)
    stance: str = ""
    influence: int | None = None
    assessed_on: date | None = None
    interactions: list[Interaction] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    more_points: int = 0  # points on record beyond those shown
    commitments: list[Promise] = field(default_factory=list)
    sensitivities: list[str] = field(default_factory=list)
    lived_experience: Markup | None = None
    last_met: date | None = None
    changes_since: list[PolicyChange] = field(default_factory=list)


@dataclass
class OrganisationPresent:
    name: str
    kind: str
    country: str
    people: list[str]


def may_be_named(person: Person) -> bool:
    """Named in internal briefings: a basis and date are recorded, they agreed, and they were not erased."""
    return may_name(person, "consent_internal")


def unnamed_label(person: Person) -> str:
    """How a pack shows someone it may not name: why, without anything that identifies them."""
    return UNNAMED if consent_recorded(person) or person.erased_at is not None else UNRECORDED


def _ranked(stmt_columns, partition, order, where, limit):
    """A subquery of rows numbered per `partition` (newest first), keeping the first `limit`."""
    number = func.row_number().over(partition_by=partition, order_by=order).label("rn")
    sub = select(*stmt_columns, number).where(where).subquery()
    return select(sub).where(sub.c.rn <= limit)


def affiliations(ids: list[int], today: date) -> dict[int, list[Affiliation]]:
    """Each person's current affiliations, latest first."""
    found: dict[int, list[Affiliation]] = {i: [] for i in ids}
    if ids:
        for aff in db.session.execute(
            select(Affiliation)
            .where(Affiliation.person_id.in_(ids), or_(Affiliation.end_on.is_(None), Affiliation.end_on >= today))
            .options(joinedload(Affiliation.organisation))
            .order_by(Affiliation.start_on.desc().nulls_last(), Affiliation.id)
        ).scalars():
            found[aff.person_id].append(aff)
    return found


def interactions(ids: list[int], visible) -> dict[int, list[Interaction]]:
    """The last few consultations with each person that the reader may see."""
    found: dict[int, list[Interaction]] = {i: [] for i in ids}
    if not ids:
        return found
    ranked = _ranked(
        [
            consultation_people.c.person_id,
            Consultation.held_on,
            Consultation.title,
            Consultation.kind,
            Consultation.confidentiality,
        ],
        consultation_people.c.person_id,
        (Consultation.held_on.desc(), Consultation.id.desc()),
        and_(
            consultation_people.c.consultation_id == Consultation.id,
            consultation_people.c.person_id.in_(ids),
            visible,
        ),
        INTERACTIONS_PER_PERSON,
    )
    for row in sorted(db.session.execute(ranked), key=lambda r: (r.person_id, r.rn)):
        found[row.person_id].append(
            Interaction(row.held_on, row.title, CONSULTATION_KINDS.get(row.kind, row.kind), row.confidentiality)
        )
    return found


def points(ids: list[int], visible, topic_ids: list[int]) -> tuple[dict[int, list[Point]], dict[int, int]]:
    """What each told us and what we did, in consultations the reader may see: the points on the
    engagement's topics first, then those whose decision changed a policy on them, newest first
    within each (repeats folded); and how many points each has on record in all."""
    found: dict[int, list[Point]] = {i: [] for i in ids}
    totals: dict[int, int] = dict.fromkeys(ids, 0)
    if not ids:
        return found, totals
    relevance = case((Input.topic_id.in_(topic_ids), 2), (Policy.topic_id.in_(topic_ids), 1), else_=0)
    number = func.row_number().over(
        partition_by=Input.person_id, order_by=(relevance.desc(), Consultation.held_on.desc(), Input.id.desc())
    )
    ranked = (
        select(Input.id, number.label("rn"))
        .join(Consultation, Input.consultation_id == Consultation.id)
        .outerjoin(Decision, Decision.input_id == Input.id)
        .outerjoin(PolicyVersion, Decision.policy_version_id == PolicyVersion.id)
        .outerjoin(Policy, PolicyVersion.policy_id == Policy.id)
        .where(Input.person_id.in_(ids), visible)
        .subquery()
    )
    order = dict(db.session.execute(select(ranked.c.id, ranked.c.rn).where(ranked.c.rn <= INPUTS_PER_PERSON)).all())
    inputs = db.session.execute(select(Input).where(Input.id.in_(list(order))).options(*INPUT_OPTIONS)).scalars()
    for item in sorted(inputs, key=lambda i: (i.person_id, order[i.id])):
        found[item.person_id].append(to_point(item))
    counted = (
        select(Input.person_id, func.count())
        .join(Consultation, Input.consultation_id == Consultation.id)
        .where(Input.person_id.in_(ids), visible)
        .group_by(Input.person_id)
    )
    totals.update(dict(db.session.execute(counted).all()))
    return {i: collapse(rows) for i, rows in found.items()}, totals


def promises(ids: list[int], visible, today: date) -> dict[int, list[Promise]]:
    """Open commitments to each person (never through a consultation the reader may not see)."""
    found: dict[int, list[Promise]] = {i: [] for i in ids}
    if not ids:
        return found
    for c in db.session.execute(
        select(Commitment)
        .outerjoin(Consultation, Commitment.consultation_id == Consultation.id)
        .where(
            Commitment.person_id.in_(ids),
            Commitment.status == "open",
            or_(Commitment.consultation_id.is_(None), visible),
        )
        .options(joinedload(Commitment.assignee))
        .order_by(Commitment.due_on.asc().nulls_last(), Commitment.id)
    ).scalars():
        assignee = c.assignee.name if c.assignee else "Unassigned"
        found[c.person_id].append(Promise(c.description, c.due_on, assignee, bool(c.due_on and c.due_on < today)))
    return found


def _sensitivities(person: Person) -> list[str]:
    notes = []
    if person.do_not_contact:
        notes.append("Do not contact: they asked us not to contact them outside this event.")
    if person.nda_status in ("signed", "requested", "expired"):
        notes.append(f"NDA: {person.nda_status}.")
    for conflict in person.conflicts:
        notes.append(f"Declared interest ({day_label(conflict.declared_on)}): {conflict.description}")
    return notes


@dataclass
class Gathered:
    """What the dossiers are built from, one dict per gatherer (person id → rows)."""

    affiliations: dict[int, list[Affiliation]]
    interactions: dict[int, list[Interaction]]
    points: dict[int, list[Point]]
    promises: dict[int, list[Promise]]
    totals: dict[int, int] = field(default_factory=dict)  # points on record per person


def headline_title(title: str, affiliations: list[Affiliation]) -> str:
    """The person's title when their affiliations do not already say it (a title is printed once)."""
    said = " ".join(f"{a.role} {a.organisation.name}" for a in affiliations).casefold()
    return "" if title and title.casefold() in said else title


def _base(number: int, participant) -> Dossier:
    """What every line about a participant says, named or not."""
    return Dossier(
        anchor=f"p{number}",
        named=False,
        name=unnamed_label(participant.person),
        role=PARTICIPANT_ROLES.get(participant.role, participant.role),
        rsvp=RSVPS.get(participant.rsvp, participant.rsvp),
        full=participant.rsvp in DOSSIER_RSVPS and participant.role not in ONE_LINE_ROLES,
        coming=participant.rsvp != "declined",
    )


def dossiers(
    engagement: Engagement, gathered: Gathered, policies: list, reader: User
) -> tuple[list[Dossier], list[OrganisationPresent]]:
    """The participants in the engagement's order: full dossiers for those who will be on stage
    with us (accepted or tentative, not audience), a line for everyone else; and the organisations
    the people who are coming represent."""
    result = []
    orgs: dict[int, OrganisationPresent] = {}
    for number, participant in enumerate(engagement.participants, start=1):
        person, dossier = participant.person, _base(number, participant)
        result.append(dossier)
        if not may_be_named(person):
            continue
        assessment = person.current_assessment
        current = gathered.affiliations[person.id]
        dossier.named, dossier.name = True, person.name
        dossier.pronouns = person.pronouns
        dossier.title = headline_title(person.title, current)
        dossier.country = country_name(person.country) if person.country else ""
        dossier.stance = assessment.stance.capitalize() if assessment else "Not assessed"
        dossier.sensitivities = _sensitivities(person)
        dossier.affiliations = [f"{a.role}, {a.organisation.name}" if a.role else a.organisation.name for a in current]
        dossier.organisation = current[0].organisation.name if current else ""
        for aff in current if dossier.coming else []:
            org = aff.organisation
            present = orgs.setdefault(
                org.id,
                OrganisationPresent(org.name, org.kind_label, country_name(org.country) if org.country else "", []),
            )
            present.people.append(person.name)
        if dossier.full:
            _fill(dossier, person, gathered, policies, reader)
    return result, sorted(orgs.values(), key=lambda o: o.name.lower())


def _fill(dossier: Dossier, person: Person, gathered: Gathered, policies: list, reader: User) -> None:
    """The rest of a full dossier: bio, assessment, history, what they told us, what we owe them."""
    assessment = person.current_assessment
    dossier.bio = render_markdown(person.bio)
    dossier.influence = assessment.influence if assessment else None
    dossier.assessed_on = assessment.assessed_on if assessment else None
    dossier.interactions = gathered.interactions[person.id]
    told = gathered.points[person.id]
    dossier.points = told[:POINTS_SHOWN]
    dossier.more_points = max(0, gathered.totals.get(person.id, 0) - sum(p.count for p in dossier.points))
    dossier.commitments = gathered.promises[person.id]
    if person.lived_experience and can_see_lived_experience(reader, person):
        dossier.lived_experience = render_markdown(person.lived_experience)
    if dossier.interactions:
        dossier.last_met = dossier.interactions[0].held_on
        dossier.changes_since = changes_since(policies, dossier.last_met)
