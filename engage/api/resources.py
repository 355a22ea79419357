"""What the API reads: one entry per resource, each list and detail through the web app's own
queries and permission helpers, so the API sees exactly the rows and fields its pages show.

Lists are keyset-paged by id (an opaque cursor); filters are the list pages' query arguments.
"""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import defer, selectinload

from engage.api.points import point_body
from engage.auth.models import User
from engage.auth.permissions import (
    can_see_lived_experience,
    linked_consultation_visible,
    visible_consultations,
    visible_engagements,
)
from engage.consultations import queries as consultation_queries
from engage.consultations.models import CONFIDENTIALITY, CONSULTATION_KINDS, Commitment, Consultation
from engage.engagements import services as engagement_services
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.forums.models import Forum
from engage.helplines.models import Helpline
from engage.ids import as_id, id_arg
from engage.organizations import queries as organisation_queries
from engage.organizations.models import Affiliation, Organisation
from engage.people import queries as people_queries
from engage.people.models import Person
from engage.policies.models import Policy, PolicyVersion

# Never sent, for anyone: search keys, stored dates that count consultations the reader may not
# see (each reader's own are computed), mail and calendar bookkeeping.
HIDDEN = {"name_key", "last_interaction_on", "uid", "sequence", "invite_sequence", "invite_stamp", "reminded_for"}


@dataclass
class Resource:
    name: str  # the URL segment
    model: type
    noun: str
    listing: Callable[[dict, User], Select]  # the list's SELECT for the query arguments
    fetch: Callable[[User, int], object | None]  # one record the reader may see, or None
    filters: tuple[str, ...] = ()
    exclude: frozenset = frozenset()
    # Fields computed for the reader: (user, records) -> {record id: {field: value}}.
    extra: Callable[[User, list], dict] | None = None
    extra_fields: dict = field(default_factory=dict)  # name -> python type, for the schema
    detail: Callable[[User, object], dict] | None = None  # more fields on the detail only
    detail_fields: dict = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        names = [c.name for c in self.model.__table__.columns if c.name not in HIDDEN | self.exclude]
        return [*names, *self.extra_fields]


def column_values(resource: Resource, record) -> dict:
    return {c.name: getattr(record, c.key) for c in record.__table__.columns if c.name in resource.fields}


# --- people -----------------------------------------------------------------------------------


def _people(args: dict, user: User) -> Select:
    return people_queries.list_query(people_queries.for_reader(args, user), user)


def _person(user: User, record_id: int):
    person = people_queries.get_person(record_id)
    return person if person is not None and person.erased_at is None else None


def _people_extra(user: User, people: list) -> dict:
    ids = [p.id for p in people]
    seen = people_queries.visible_last_interactions(user, ids)
    return {p.id: {"last_interaction": seen.get(p.id), "topic_ids": [t.id for t in p.topics]} for p in people}


def _person_detail(user: User, person) -> dict:
    # Special-category data: only for admins and the relationship owner, as on the person page.
    return {"lived_experience": person.lived_experience if can_see_lived_experience(user, person) else None}


# --- organisations ------------------------------------------------------------------------------


def _organisation_extra(user: User, organisations: list) -> dict:
    seen = organisation_queries.visible_last_interactions(user, [o.id for o in organisations])
    return {o.id: {"last_interaction": seen.get(o.id), "topic_ids": [t.id for t in o.topics]} for o in organisations}


# --- consultations ------------------------------------------------------------------------------


def _arg_date(args: dict, name: str) -> date | None:
    try:
        return date.fromisoformat(str(args.get(name) or "").strip())
    except ValueError:
        return None


def _consultations(args: dict, user: User) -> Select:
    def choice(name, allowed):
        return args.get(name) if args.get(name) in allowed else ""

    return consultation_queries.consultation_query(
        user,
        q=str(args.get("q") or "").strip(),
        kind=choice("kind", CONSULTATION_KINDS),
        topic_id=id_arg(args, "topic"),
        forum_id=id_arg(args, "forum"),
        confidentiality=choice("confidentiality", CONFIDENTIALITY),
        person_id=id_arg(args, "person"),
        organisation_id=id_arg(args, "organisation"),
        date_from=_arg_date(args, "from"),
        date_to=_arg_date(args, "to"),
        staff_id=user.id if args.get("staff") == "me" else None,
        awaiting=args.get("awaiting") == "1",
    )


def _consultation(user: User, record_id: int):
    return db.session.execute(
        select(Consultation).where(Consultation.id == record_id, visible_consultations(user))
    ).scalar_one_or_none()


def _consultation_extra(user: User, consultations: list) -> dict:
    return {
        c.id: {
            "person_ids": [p.id for p in c.people],
            "organisation_ids": [o.id for o in c.organisations],
            "topic_ids": [t.id for t in c.topics],
        }
        for c in consultations
    }


def _points(user: User, consultation) -> dict:
    """The points raised, each with its decision: the consultation is visible, so they are."""
    return {"points": [point_body(point) for point in consultation_queries.page_inputs(consultation)]}


# --- the rest -----------------------------------------------------------------------------------


def _simple(model, *where, archived_column=True):
    def listing(args: dict, user: User) -> Select:
        stmt = select(model).where(*where)
        if archived_column and not args.get("archived"):
            stmt = stmt.where(model.archived.is_(False))
        return stmt

    return listing


def _get(model, visible=None):
    def fetch(user: User, record_id: int):
        stmt = select(model).where(model.id == record_id)
        if visible is not None:
            stmt = stmt.where(visible(user))
        return db.session.execute(stmt).scalar_one_or_none()

    return fetch


def _affiliations(args: dict, user: User) -> Select:
    stmt = select(Affiliation)
    if (person := id_arg(args, "person")) is not None:
        stmt = stmt.where(Affiliation.person_id == person)
    if (organisation := id_arg(args, "organisation")) is not None:
        stmt = stmt.where(Affiliation.organisation_id == organisation)
    return stmt


def _policies(args: dict, user: User) -> Select:
    stmt = select(Policy)
    if (topic := id_arg(args, "topic")) is not None:
        stmt = stmt.where(Policy.topic_id == topic)
    if status := args.get("status"):
        stmt = stmt.where(Policy.status == status)
    return stmt


def _policy_versions(user: User, policy) -> dict:
    versions = db.session.execute(
        select(PolicyVersion)
        .where(PolicyVersion.policy_id == policy.id)
        .options(selectinload(PolicyVersion.clauses))
        .order_by(PolicyVersion.id)
    ).scalars()
    return {
        "versions": [
            {
                "id": v.id,
                "label": v.label,
                "effective_on": v.effective_on,
                "public_release_on": v.public_release_on,
                "change_summary": v.change_summary,
                "clauses": [
                    {"id": c.id, "key": c.key, "heading": c.heading, "text": c.text, "position": c.position}
                    for c in v.clauses
                ],
            }
            for v in versions
        ]
    }


def _commitments(args: dict, user: User) -> Select:
    stmt = select(Commitment).where(linked_consultation_visible(Commitment.consultation_id, user))
    if status := args.get("status"):
        stmt = stmt.where(Commitment.status == status)
    if (assignee := id_arg(args, "assignee")) is not None:
        stmt = stmt.where(Commitment.assignee_id == assignee)
    if (consultation := id_arg(args, "consultation")) is not None:
        stmt = stmt.where(Commitment.consultation_id == consultation)
    return stmt


def _engagements(args: dict, user: User) -> Select:
    stmt = engagement_services.visible(user)
    if status := args.get("status"):
        stmt = stmt.where(Engagement.status == status)
    if (forum := id_arg(args, "forum")) is not None:
        stmt = stmt.where(Engagement.forum_id == forum)
    return stmt


def _visible_commitment(user: User):
    return linked_consultation_visible(Commitment.consultation_id, user)


RESOURCES = {
    r.name: r
    for r in (
        Resource(
            "people",
            Person,
            "person",
            _people,
            _person,
            filters=people_queries.FILTER_KEYS,
            exclude=frozenset({"lived_experience", "erased_at"}),
            extra=_people_extra,
            extra_fields={"last_interaction": date, "topic_ids": list[int]},
            detail=_person_detail,
            detail_fields={"lived_experience": str},
        ),
        Resource(
            "organisations",
            Organisation,
            "organisation",
            lambda args, user: organisation_queries.list_query(args),
            _get(Organisation),
            filters=organisation_queries.FILTER_KEYS,
            extra=_organisation_extra,
            extra_fields={"last_interaction": date, "topic_ids": list[int]},
        ),
        Resource(
            "affiliations", Affiliation, "affiliation", _affiliations, _get(Affiliation), ("person", "organisation")
        ),
        Resource("forums", Forum, "forum", _simple(Forum), _get(Forum)),
        Resource("helplines", Helpline, "helpline", _simple(Helpline), _get(Helpline)),
        Resource(
            "policies",
            Policy,
            "policy",
            _policies,
            _get(Policy),
            ("topic", "status"),
            detail=_policy_versions,
            detail_fields={"versions": list[dict]},
        ),
        Resource(
            "consultations",
            Consultation,
            "consultation",
            _consultations,
            _consultation,
            (
                "q",
                "kind",
                "topic",
                "forum",
                "confidentiality",
                "person",
                "organisation",
                "from",
                "to",
                "staff",
                "awaiting",
            ),
            exclude=frozenset({"created_by_id"}),
            extra=_consultation_extra,
            extra_fields={"person_ids": list[int], "organisation_ids": list[int], "topic_ids": list[int]},
            detail=_points,
            detail_fields={"points": list[dict]},
        ),
        Resource(
            "commitments",
            Commitment,
            "commitment",
            _commitments,
            _get(Commitment, _visible_commitment),
            ("status", "assignee", "consultation"),
        ),
        Resource(
            "engagements",
            Engagement,
            "engagement",
            _engagements,
            _get(Engagement, visible_engagements),
            ("status", "forum"),
        ),
    )
}


# --- cursors ------------------------------------------------------------------------------------


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(text: str | None) -> int | None:
    """The id a cursor continues after; None for no cursor. A malformed one raises ValueError."""
    if not text:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        after = as_id(value["after"]) if isinstance(value, dict) else None
    except (ValueError, KeyError, TypeError):
        after = None
    if after is None:
        raise ValueError(text)
    return after


def page_of(resource: Resource, args: dict, user: User, after: int | None, limit: int) -> tuple[list, bool]:
    """One page of the list, by id after `after`: (records, whether more follow)."""
    model = resource.model
    stmt = resource.listing(args, user).order_by(None).order_by(model.id)
    if model is Person:
        stmt = stmt.options(defer(Person.lived_experience, raiseload=True))
    if after is not None:
        stmt = stmt.where(model.id > after)
    rows = list(db.session.execute(stmt.limit(limit + 1)).scalars().unique())
    return rows[:limit], len(rows) > limit
