"""Organisations: the list query and what each row shows, the organisation page's data, the edit
form's values."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from engage.affiliations import history, timeline
from engage.affiliations.services import current_affiliation_clause, split_current, today
from engage.auth.models import User
from engage.consultations.models import Consultation, Input
from engage.documents.pages import timeline as written_timeline
from engage.engagements.models import EngagementParticipant
from engage.extensions import db
from engage.forums.models import ForumMember
from engage.fulltext.query import list_filter
from engage.ids import as_id, id_arg
from engage.organizations.models import ORGANISATION_KINDS, Affiliation, Organisation, organisation_topics
from engage.people.models import Person

DETAIL_LIMIT = history.DETAIL_LIMIT
FILTER_KEYS = ("q", "kind", "country", "topic", "parent")
SORTS = {
    "name": (Organisation.name.asc(), Organisation.id.asc()),
    "-name": (Organisation.name.desc(), Organisation.id.desc()),
    "country": (Organisation.country.asc(), Organisation.name.asc(), Organisation.id.asc()),
    "-country": (Organisation.country.desc(), Organisation.name.asc(), Organisation.id.asc()),
    "kind": (Organisation.kind.asc(), Organisation.name.asc(), Organisation.id.asc()),
    "-kind": (Organisation.kind.desc(), Organisation.name.asc(), Organisation.id.asc()),
    # Never-contacted organisations sort as the oldest.
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


def list_query(args: dict):
    """The organisations list's SELECT for the filters in `args`."""
    stmt = select(Organisation).options(selectinload(Organisation.topics), joinedload(Organisation.parent))
    if not args.get("archived"):
        stmt = stmt.where(Organisation.archived.is_(False))
    if q := (args.get("q") or "").strip():
        stmt = stmt.where(list_filter("organisations", q, Organisation.id))
    if (kind := args.get("kind")) in ORGANISATION_KINDS:
        stmt = stmt.where(Organisation.kind == kind)
    if country := (args.get("country") or "").strip().upper():
        stmt = stmt.where(Organisation.country == country)
    if (topic := id_arg(args, "topic")) is not None:
        tagged = select(organisation_topics.c.organisation_id).where(organisation_topics.c.topic_id == topic)
        stmt = stmt.where(Organisation.id.in_(tagged))
    if (parent := id_arg(args, "parent")) is not None:
        stmt = stmt.where(Organisation.parent_id == parent)
    return stmt.order_by(*SORTS.get(args.get("sort") or "name", SORTS["name"]))


def parent_filter(args: dict) -> Organisation | None:
    """The organisation whose parts the list is filtered to, to name it above the list."""
    value = as_id(args.get("parent"))
    return db.session.get(Organisation, value) if value else None


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
    return history.last_consultations(user, history.ORGANISATION, organisation_ids, today())


def list_rows(user: User, organisations: list[Organisation]) -> dict:
    """What the organisations list shows beside each organisation on the page."""
    ids = [o.id for o in organisations]
    return {"people_counts": people_counts(ids), "last_interactions": visible_last_interactions(user, ids)}


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
    engagements: list[EngagementParticipant] = field(default_factory=list)  # its people's places
    written: list = field(default_factory=list)  # documents and notes on the organisation

    @property
    def timeline(self) -> list[dict]:
        """Its and its people's consultations, its people's engagements, its documents and notes,
        newest first (the person page's timeline, for an organisation)."""
        return timeline.merge(self.consultations, self.engagements, self.written)


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
    detail.current_affiliations, detail.past_affiliations = split_current(affiliations)
    detail.consultations = timeline.organisation_consultations(user, organisation.id)
    detail.engagements = timeline.organisation_engagements(organisation.id)
    detail.written = written_timeline(user, "organisations", organisation.id)
    detail.inputs = history.inputs(user, history.ORGANISATION, organisation.id, Input.person)
    detail.forums = history.forum_memberships(history.ORGANISATION, organisation.id)
    detail.last_interaction = visible_last_interactions(user, [organisation.id]).get(organisation.id)
    return detail


def form_values(organisation: Organisation) -> dict:
    """The edit form's initial values for `organisation`."""
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
