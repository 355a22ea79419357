"""Organisations and affiliations: the list query, the detail page's data, and every write."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.consultations.models import Consultation, Decision, Input, consultation_organisations
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.forums.models import ForumMember
from engage.organizations.models import ORGANISATION_KINDS, Affiliation, Organisation, organisation_topics
from engage.people.models import Person
from engage.people.services import (
    current_affiliation_clause,
    find_organisation_by_name,
    organisation_for_name,
    today,
)
from engage.policies.models import PolicyVersion
from engage.queries import like_pattern
from engage.topics.models import Topic
from engage.validation import Invalid, normalise_country, normalise_url

DETAIL_LIMIT = 100
SORTS = {
    "name": (Organisation.name.asc(), Organisation.id.asc()),
    "-name": (Organisation.name.desc(), Organisation.id.desc()),
    "country": (Organisation.country.asc(), Organisation.name.asc(), Organisation.id.asc()),
    "-country": (Organisation.country.desc(), Organisation.name.asc(), Organisation.id.asc()),
    "kind": (Organisation.kind.asc(), Organisation.name.asc(), Organisation.id.asc()),
    "-kind": (Organisation.kind.desc(), Organisation.name.asc(), Organisation.id.asc()),
    "last": (
        Organisation.last_interaction_on.is_(None).desc(),
        Organisation.last_interaction_on.asc(),
        Organisation.id.asc(),
    ),
    "-last": (
        Organisation.last_interaction_on.is_(None).asc(),
        Organisation.last_interaction_on.desc(),
        Organisation.id.asc(),
    ),
}


# --- Reading -------------------------------------------------------------------------------------


def list_query(args: dict):
    """The organisations list's SELECT for the filters in `args`."""
    stmt = select(Organisation).options(selectinload(Organisation.topics), joinedload(Organisation.parent))
    if not args.get("archived"):
        stmt = stmt.where(Organisation.archived.is_(False))
    if q := (args.get("q") or "").strip():
        stmt = stmt.where(Organisation.name.ilike(like_pattern(q), escape="\\"))
    if (kind := args.get("kind")) in ORGANISATION_KINDS:
        stmt = stmt.where(Organisation.kind == kind)
    if country := (args.get("country") or "").strip().upper():
        stmt = stmt.where(Organisation.country == country)
    if (topic := str(args.get("topic") or "")).isdigit():
        stmt = stmt.where(
            Organisation.id.in_(
                select(organisation_topics.c.organisation_id).where(organisation_topics.c.topic_id == int(topic))
            )
        )
    if (parent := str(args.get("parent") or "")).isdigit():
        stmt = stmt.where(Organisation.parent_id == int(parent))
    return stmt.order_by(*SORTS.get(args.get("sort") or "name", SORTS["name"]))


def people_counts(organisation_ids: list[int]) -> dict[int, int]:
    """How many people are currently affiliated with each organisation, in one statement."""
    if not organisation_ids:
        return {}
    rows = db.session.execute(
        select(Affiliation.organisation_id, func.count(func.distinct(Affiliation.person_id)))
        .join(Person, Person.id == Affiliation.person_id)
        .where(
            Affiliation.organisation_id.in_(organisation_ids),
            current_affiliation_clause(today()),
            Person.archived.is_(False),
        )
        .group_by(Affiliation.organisation_id)
    )
    return dict(rows.all())


def visible_last_interactions(user: User, organisation_ids: list[int]) -> dict[int, date]:
    """Each organisation's last past consultation that `user` may see, in one statement."""
    if not organisation_ids:
        return {}
    participation = union(
        select(consultation_organisations.c.organisation_id, consultation_organisations.c.consultation_id).where(
            consultation_organisations.c.organisation_id.in_(organisation_ids)
        ),
        select(Input.organisation_id, Input.consultation_id).where(Input.organisation_id.in_(organisation_ids)),
    ).subquery()
    rows = db.session.execute(
        select(participation.c.organisation_id, func.max(Consultation.held_on))
        .join(Consultation, Consultation.id == participation.c.consultation_id)
        .where(visible_consultations(user), Consultation.held_on <= today())
        .group_by(participation.c.organisation_id)
    )
    return dict(rows.all())


def _organisation_consultation_ids(organisation_id: int):
    return union(
        select(consultation_organisations.c.consultation_id).where(
            consultation_organisations.c.organisation_id == organisation_id
        ),
        select(Input.consultation_id).where(Input.organisation_id == organisation_id),
    )


@dataclass
class OrganisationDetail:
    organisation: Organisation
    children: list[Organisation] = field(default_factory=list)
    current_affiliations: list[Affiliation] = field(default_factory=list)
    past_affiliations: list[Affiliation] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    forums: list[ForumMember] = field(default_factory=list)
    last_interaction: date | None = None


def organisation_detail(user: User, organisation_id: int) -> OrganisationDetail | None:
    """Everything the organisation page shows, in a fixed number of statements, filtered for `user`."""
    organisation = db.session.execute(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(joinedload(Organisation.parent), selectinload(Organisation.topics))
    ).scalar_one_or_none()
    if organisation is None:
        return None
    detail = OrganisationDetail(organisation=organisation)
    detail.children = list(
        db.session.execute(
            select(Organisation)
            .where(Organisation.parent_id == organisation.id)
            .order_by(Organisation.archived, Organisation.name)
            .limit(DETAIL_LIMIT)
        ).scalars()
    )
    affiliations = db.session.execute(
        select(Affiliation)
        .join(Person, Person.id == Affiliation.person_id)
        .where(Affiliation.organisation_id == organisation.id)
        .options(joinedload(Affiliation.person))
        .order_by(Affiliation.end_on.is_(None).desc(), Affiliation.end_on.desc(), Person.name, Affiliation.id)
        .limit(2 * DETAIL_LIMIT)
    ).scalars()
    for a in affiliations:
        (detail.current_affiliations if a.is_current(today()) else detail.past_affiliations).append(a)
    detail.consultations = list(
        db.session.execute(
            select(Consultation)
            .where(
                Consultation.id.in_(_organisation_consultation_ids(organisation.id)),
                visible_consultations(user),
            )
            .order_by(Consultation.held_on.desc(), Consultation.id.desc())
            .limit(DETAIL_LIMIT)
        ).scalars()
    )
    detail.inputs = list(
        db.session.execute(
            select(Input)
            .join(Consultation, Consultation.id == Input.consultation_id)
            .where(Input.organisation_id == organisation.id, visible_consultations(user))
            .options(
                joinedload(Input.consultation),
                joinedload(Input.person),
                joinedload(Input.clause),
                joinedload(Input.decision).joinedload(Decision.clause),
                joinedload(Input.decision).joinedload(Decision.policy_version).joinedload(PolicyVersion.policy),
            )
            .order_by(Consultation.held_on.desc(), Input.id.desc())
            .limit(DETAIL_LIMIT)
        ).scalars()
    )
    detail.forums = list(
        db.session.execute(
            select(ForumMember)
            .where(ForumMember.organisation_id == organisation.id)
            .options(joinedload(ForumMember.forum))
            .order_by(ForumMember.term_end.is_(None).desc(), ForumMember.term_end.desc())
        ).scalars()
    )
    detail.last_interaction = db.session.execute(
        select(func.max(Consultation.held_on)).where(
            Consultation.id.in_(_organisation_consultation_ids(organisation.id)),
            visible_consultations(user),
            Consultation.held_on <= today(),
        )
    ).scalar_one_or_none()
    return detail


# --- Writing -------------------------------------------------------------------------------------


@dataclass
class OrganisationData:
    name: str = ""
    kind: str = "other"
    country: str = ""
    website: str = ""
    parent: str = ""  # an id or a name
    topic_ids: list = field(default_factory=list)
    description: str = ""


def _validate(data: OrganisationData, organisation: Organisation | None) -> dict:
    errors: dict[str, str] = {}
    clean: dict = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = "Enter the organisation's name."
    elif len(name) > 250:
        errors["name"] = "Keep the name under 250 characters."
    else:
        same = find_organisation_by_name(name)
        if same is not None and (organisation is None or same.id != organisation.id):
            errors["name"] = f"An organisation called “{same.name}” already exists."
    clean["name"] = name
    if data.kind not in ORGANISATION_KINDS:
        errors["kind"] = "Choose a type from the list."
    clean["kind"] = data.kind
    try:
        clean["country"] = normalise_country(data.country)
    except Invalid as e:
        errors["country"] = str(e)
    try:
        clean["website"] = normalise_url(data.website)
        if len(clean["website"]) > 300:
            errors["website"] = "The address is too long."
    except Invalid as e:
        errors["website"] = str(e)
    parent = None
    raw_parent = " ".join((data.parent or "").split())
    if raw_parent:
        parent = db.session.get(Organisation, int(raw_parent)) if raw_parent.isdigit() else None
        parent = parent or find_organisation_by_name(raw_parent)
        if parent is None:
            errors["parent"] = f"No organisation is called “{raw_parent}”."
        elif organisation is not None and _would_cycle(organisation, parent):
            errors["parent"] = "An organisation cannot sit under itself or one of its own children."
    clean["parent_id"] = parent.id if parent else None
    topic_ids = sorted({int(t) for t in data.topic_ids or [] if str(t).isdigit()})
    topics = db.session.execute(select(Topic).where(Topic.id.in_(topic_ids))).scalars().all() if topic_ids else []
    if len(topics) != len(topic_ids):
        errors["topics"] = "Choose topics from the list."
    clean["topics"] = sorted(topics, key=lambda t: t.name)
    clean["description"] = (data.description or "").strip()
    if errors:
        raise ValidationError(errors)
    return clean


def _would_cycle(organisation: Organisation, parent: Organisation) -> bool:
    seen = set()
    node = parent
    while node is not None and node.id not in seen:
        if node.id == organisation.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


def _apply_and_audit(actor: Actor, action: str, organisation: Organisation, clean: dict) -> None:
    for key in ("name", "kind", "country", "website", "parent_id", "description"):
        if getattr(organisation, key) != clean[key]:
            setattr(organisation, key, clean[key])
    extra = {}
    old = sorted(t.slug for t in organisation.topics)
    new = sorted(t.slug for t in clean["topics"])
    if old != new:
        organisation.topics = clean["topics"]
        extra["topics"] = [old, new]
    changes = audit.changed_fields(organisation)
    changes.update(extra)
    db.session.flush()
    audit.record(actor, action, Organisation, organisation.id, f"Organisation {organisation.name}", changes)


def create_organisation(actor: Actor, data: OrganisationData) -> Organisation:
    """Add an organisation; the name must not already be taken (ignoring case)."""
    clean = _validate(data, None)
    organisation = Organisation(topics=[])
    db.session.add(organisation)
    _apply_and_audit(actor, "create", organisation, clean)
    return organisation


def update_organisation(actor: Actor, organisation: Organisation, version, data: OrganisationData) -> Organisation:
    """Change an organisation; a stale `version` means someone else saved first (their save stands)."""
    if version is None or int(version) != organisation.version:
        raise ConflictError(
            f"{organisation.name} was changed by someone else after you opened the form. "
            "Your changes were not saved; reload the page to see the current record and make them again."
        )
    clean = _validate(data, organisation)
    _apply_and_audit(actor, "update", organisation, clean)
    return organisation


def set_archived(actor: Actor, organisation: Organisation, archived: bool) -> Organisation:
    """Archive (history still points at it) or bring back an organisation."""
    if organisation.archived != archived:
        organisation.archived = archived
        audit.record_change(
            actor, "archive" if archived else "unarchive", organisation, f"Organisation {organisation.name}"
        )
    return organisation


def _dates(start_on: date | None, end_on: date | None, errors: dict) -> None:
    if start_on and end_on and end_on < start_on:
        errors["end_on"] = "The end date cannot be before the start date."


def add_affiliation(
    actor: Actor,
    person: Person | None,
    organisation: Organisation | None,
    role: str,
    start_on: date | None,
    end_on: date | None,
    organisation_name: str = "",
    person_name: str = "",
) -> Affiliation:
    """Link a person to an organisation. From the person page the organisation comes by name (found,
    or created when new); from the organisation page the person comes by exact name."""
    errors: dict[str, str] = {}
    organisation_name = " ".join((organisation_name or "").split())
    person_name = " ".join((person_name or "").split())
    if person is None:
        if not person_name:
            errors["person"] = "Enter the person's name."
        else:
            matches = (
                db.session.execute(
                    select(Person)
                    .where(
                        Person.archived.is_(False),
                        or_(Person.name == person_name, func.lower(Person.name) == person_name.lower()),
                    )
                    .limit(2)
                )
                .scalars()
                .all()
            )
            if not matches:
                errors["person"] = f"No person is called “{person_name}”. Add them first."
            elif len(matches) > 1:
                errors["person"] = (
                    f"Several people are called “{person_name}”; add the affiliation from the person's page."
                )
            else:
                person = matches[0]
    if organisation is None and not organisation_name:
        errors["organisation"] = "Enter the organisation's name."
    elif organisation is None and len(organisation_name) > 250:
        errors["organisation"] = "Keep the organisation name under 250 characters."
    role = (role or "").strip()
    if len(role) > 200:
        errors["role"] = "Keep the role under 200 characters."
    _dates(start_on, end_on, errors)
    if errors:
        raise ValidationError(errors)
    if organisation is None:
        organisation = organisation_for_name(actor, organisation_name, person.country)
    affiliation = Affiliation(
        person_id=person.id, organisation_id=organisation.id, role=role, start_on=start_on, end_on=end_on
    )
    db.session.add(affiliation)
    audit.record_change(actor, "create", affiliation, f"{person.name} at {organisation.name}")
    return affiliation


def end_affiliation(actor: Actor, affiliation: Affiliation, version, end_on: date | None) -> Affiliation:
    """Give an affiliation an end date (today when none is given)."""
    if version not in (None, "") and int(version) != affiliation.version:
        raise ConflictError("This affiliation was changed by someone else. Reload the page and try again.")
    end_on = end_on or today()
    errors: dict[str, str] = {}
    _dates(affiliation.start_on, end_on, errors)
    if errors:
        raise ValidationError(errors)
    affiliation.end_on = end_on
    audit.record_change(
        actor, "update", affiliation, f"Ended: {affiliation.person.name} at {affiliation.organisation.name}"
    )
    return affiliation


def remove_affiliation(actor: Actor, affiliation: Affiliation) -> None:
    """Delete an affiliation entered by mistake (ending it keeps the history instead)."""
    audit.record(
        actor,
        "delete",
        Affiliation,
        affiliation.id,
        f"Removed: {affiliation.person.name} at {affiliation.organisation.name}",
        {"person_id": [affiliation.person_id, None], "organisation_id": [affiliation.organisation_id, None]},
    )
    db.session.delete(affiliation)
    db.session.flush()


def form_values(organisation: Organisation) -> dict:
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country or "",
        "website": organisation.website,
        "parent": organisation.parent.name if organisation.parent else "",
        "topics": [str(t.id) for t in organisation.topics],
        "description": organisation.description,
        "version": organisation.version,
    }
