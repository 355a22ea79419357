"""One dossier per participant: who they are, where they work, what they told us, what we owe them.

Each gatherer reads every participant at once (one statement), so a pack of 12 people runs
as many statements as a pack of 2. Consultations come through the reader's `visible` condition.
"""

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from engage.auth.models import User
from engage.auth.permissions import can_see_lived_experience, consent_recorded, may_name
from engage.briefings.points import INPUT_OPTIONS, Point, to_point
from engage.briefings.policy_changes import PolicyChange, changes_since, day_label
from engage.consultations.models import CONSULTATION_KINDS, Commitment, Consultation, Input, consultation_people
from engage.engagements.models import PARTICIPANT_ROLES, RSVPS, Engagement
from engage.extensions import db
from engage.organizations.models import Affiliation
from engage.people.models import Person
from engage.text import render_markdown
from engage.validation import country_name

UNNAMED = "Participant (not named — consent)"
UNRECORDED = "An expert (consent not recorded)"
INTERACTIONS_PER_PERSON = 3
INPUTS_PER_PERSON = 8


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


def interactions(ids: list[int], visible) -> tuple[dict[int, list[Interaction]], bool]:
    """The last few consultations with each person that the reader may see; and whether any is restricted."""
    found: dict[int, list[Interaction]] = {i: [] for i in ids}
    restricted = False
    if not ids:
        return found, restricted
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
        restricted |= row.confidentiality == "restricted"
    return found, restricted


def points(ids: list[int], visible) -> tuple[dict[int, list[Point]], bool]:
    """What each told us and what we did: their latest inputs in visible consultations."""
    found: dict[int, list[Point]] = {i: [] for i in ids}
    restricted = False
    if not ids:
        return found, restricted
    ranked = _ranked(
        [Input.id, Input.person_id],
        Input.person_id,
        (Consultation.held_on.desc(), Input.id.desc()),
        and_(Input.consultation_id == Consultation.id, Input.person_id.in_(ids), visible),
        INPUTS_PER_PERSON,
    ).subquery()
    for item in db.session.execute(
        select(Input)
        .where(Input.id.in_(select(ranked.c.id)))
        .options(*INPUT_OPTIONS)
        .order_by(Input.person_id, Input.id.desc())
    ).scalars():
        found[item.person_id].append(to_point(item))
        restricted |= item.consultation.confidentiality == "restricted"
    for rows in found.values():
        rows.sort(key=lambda p: p.held_on, reverse=True)
    return found, restricted


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


def dossiers(
    engagement: Engagement, gathered: Gathered, policies: list, reader: User
) -> tuple[list[Dossier], list[OrganisationPresent]]:
    """The dossiers in the engagement's order, and the organisations their people represent."""
    result = []
    orgs: dict[int, OrganisationPresent] = {}
    for number, participant in enumerate(engagement.participants, start=1):
        person = participant.person
        role = PARTICIPANT_ROLES.get(participant.role, participant.role)
        rsvp = RSVPS.get(participant.rsvp, participant.rsvp)
        if not may_be_named(person):
            result.append(Dossier(anchor=f"p{number}", named=False, name=unnamed_label(person), role=role, rsvp=rsvp))
            continue
        assessment = person.current_assessment
        dossier = Dossier(
            anchor=f"p{number}",
            named=True,
            name=person.name,
            role=role,
            rsvp=rsvp,
            pronouns=person.pronouns,
            title=person.title,
            country=country_name(person.country) if person.country else "",
            bio=render_markdown(person.bio),
            stance=assessment.stance.capitalize() if assessment else "Not assessed",
            influence=assessment.influence if assessment else None,
            assessed_on=assessment.assessed_on if assessment else None,
            interactions=gathered.interactions[person.id],
            points=gathered.points[person.id],
            commitments=gathered.promises[person.id],
            sensitivities=_sensitivities(person),
        )
        for aff in gathered.affiliations[person.id]:
            org = aff.organisation
            dossier.affiliations.append(f"{aff.role}, {org.name}" if aff.role else org.name)
            present = orgs.setdefault(
                org.id,
                OrganisationPresent(org.name, org.kind_label, country_name(org.country) if org.country else "", []),
            )
            present.people.append(person.name)
        if person.lived_experience and can_see_lived_experience(reader, person):
            dossier.lived_experience = render_markdown(person.lived_experience)
        if dossier.interactions:
            dossier.last_met = dossier.interactions[0].held_on
            dossier.changes_since = changes_since(policies, dossier.last_met)
        result.append(dossier)
    return result, sorted(orgs.values(), key=lambda o: o.name.lower())
