"""Forums: the list and detail queries, saving forums, their members and our representatives."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from engage.audit import services as audit
from engage.audit.services import Actor, changed_fields
from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.consultations.models import Consultation
from engage.engagements.models import Engagement
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.forums.models import FORUM_KINDS, Forum, ForumMember
from engage.fulltext.query import list_filter
from engage.ids import as_id
from engage.mixins import utcnow
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.queries import check_version
from engage.validation import Invalid, normalise_url

ENDING_SOON = timedelta(days=90)
RELATED_LIMIT = 20  # consultations and engagements shown on a forum's page (with the total)


def ending_soon(member: ForumMember, today: date) -> bool:
    """The term ends today or within the next 90 days."""
    return member.term_end is not None and today <= member.term_end <= today + ENDING_SOON


def has_ended(member: ForumMember, today: date) -> bool:
    return member.term_end is not None and member.term_end < today


# --- Reading ----------------------------------------------------------------------------------

SORTS = {
    "name": (Forum.name, Forum.id),
    "-name": (Forum.name.desc(), Forum.id),
    "kind": (Forum.kind, Forum.name, Forum.id),
    "-kind": (Forum.kind.desc(), Forum.name, Forum.id),
    "updated": (Forum.updated_at, Forum.id),
    "-updated": (Forum.updated_at.desc(), Forum.id),
}


@dataclass
class ForumFilters:
    q: str = ""
    kind: str = ""
    ending: bool = False  # has member terms ending within 90 days
    archived: bool = False
    sort: str = "name"
    today: date = field(default_factory=date.today)

    @classmethod
    def from_args(cls, args) -> "ForumFilters":
        """The filters of a list request's query arguments; unknown values are ignored."""
        return cls(
            q=args.get("q", "").strip(),
            kind=args.get("kind", "") if args.get("kind") in FORUM_KINDS else "",
            ending=args.get("ending") == "1",
            archived=args.get("archived") == "1",
            sort=args.get("sort") if args.get("sort") in SORTS else "name",
        )

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.kind or self.ending)


def _ending_soon_condition(today: date):
    return and_(ForumMember.term_end >= today, ForumMember.term_end <= today + ENDING_SOON)


def list_query(filters: ForumFilters) -> Select:
    """Forums matching `filters`, sorted, with their representatives loaded."""
    stmt = select(Forum).options(selectinload(Forum.representatives))
    if not filters.archived:
        stmt = stmt.where(Forum.archived.is_(False))
    if filters.q:
        stmt = stmt.where(list_filter("forums", filters.q, Forum.id))
    if filters.kind in FORUM_KINDS:
        stmt = stmt.where(Forum.kind == filters.kind)
    if filters.ending:
        stmt = stmt.where(exists().where(ForumMember.forum_id == Forum.id, _ending_soon_condition(filters.today)))
    return stmt.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def member_counts(forum_ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    """{forum id: (current members, terms ending within 90 days)} in one grouped statement."""
    if not forum_ids:
        return {}
    current = or_(ForumMember.term_end.is_(None), ForumMember.term_end >= today)
    rows = db.session.execute(
        select(
            ForumMember.forum_id,
            func.sum(case((current, 1), else_=0)),
            func.sum(case((_ending_soon_condition(today), 1), else_=0)),
        )
        .where(ForumMember.forum_id.in_(forum_ids))
        .group_by(ForumMember.forum_id)
    )
    return {forum_id: (int(n or 0), int(e or 0)) for forum_id, n, e in rows}


def get_forum(forum_id: int) -> Forum:
    """A forum with its members (and who they are) and representatives loaded; NotFoundError if none."""
    forum = db.session.execute(
        select(Forum)
        .where(Forum.id == forum_id)
        .options(
            selectinload(Forum.members).selectinload(ForumMember.person),
            selectinload(Forum.members).selectinload(ForumMember.organisation),
            selectinload(Forum.representatives),
        )
    ).scalar_one_or_none()
    if forum is None:
        raise NotFoundError()
    return forum


def get_member(forum: Forum, member_id: int) -> ForumMember:
    """One of the forum's memberships; NotFoundError for an id that is not one of them."""
    member = next((m for m in forum.members if m.id == member_id), None)
    if member is None:
        raise NotFoundError()
    return member


def split_members(forum: Forum, today: date) -> tuple[list[ForumMember], list[ForumMember]]:
    """The current members (in term order) and the past ones (latest ended first)."""
    current = [m for m in forum.members if not has_ended(m, today)]
    past = sorted((m for m in forum.members if has_ended(m, today)), key=lambda m: m.term_end, reverse=True)
    return current, past


def _latest(model, condition, *order) -> tuple[list, int]:
    """The first RELATED_LIMIT rows of `model` matching `condition` in `order`, and how many match."""
    total = db.session.execute(select(func.count()).select_from(model).where(condition)).scalar_one()
    items = list(db.session.execute(select(model).where(condition).order_by(*order).limit(RELATED_LIMIT)).scalars())
    return items, total


def forum_consultations(forum: Forum, user) -> tuple[list[Consultation], int]:
    """The latest consultations held in the forum that `user` may see, and how many there are.

    The permission is part of the query, so restricted ones never show, not even in the count.
    """
    condition = and_(Consultation.forum_id == forum.id, visible_consultations(user))
    return _latest(Consultation, condition, Consultation.held_on.desc(), Consultation.id.desc())


def forum_engagements(forum: Forum) -> tuple[list[Engagement], int]:
    """The latest engagements held in the forum, and how many there are."""
    return _latest(Engagement, Engagement.forum_id == forum.id, Engagement.starts_at.desc(), Engagement.id.desc())


# --- Forums -----------------------------------------------------------------------------------


@dataclass
class ForumData:
    name: str = ""
    kind: str = ""
    description: str = ""
    website: str = ""
    representative_ids: list = field(default_factory=list)


def _clean_forum(data: ForumData) -> tuple[dict, list[User]]:
    errors: dict[str, str] = {}
    values = {
        "name": (data.name or "").strip(),
        "kind": data.kind,
        "description": (data.description or "").strip(),
    }
    if not values["name"]:
        errors["name"] = "Enter the forum's name."
    elif len(values["name"]) > 250:
        errors["name"] = "Keep the name under 250 characters."
    if data.kind not in FORUM_KINDS:
        errors["kind"] = f"Choose one of: {', '.join(FORUM_KINDS.values())}."
    try:
        values["website"] = normalise_url(data.website)
    except Invalid as error:
        errors["website"] = str(error)
    wanted = {as_id(i) or 0 for i in data.representative_ids or ()}  # 0: no such user, refused below
    reps = list(db.session.execute(select(User).where(User.id.in_(wanted))).scalars()) if wanted else []
    if len(reps) != len(wanted):
        errors["representatives"] = "Choose representatives from the list."
    if errors:
        raise ValidationError(errors)
    return values, sorted(reps, key=lambda u: u.name)


def create_forum(actor: Actor, data: ForumData) -> Forum:
    """Add a forum with our representatives on it."""
    values, reps = _clean_forum(data)
    forum = Forum(**values)
    forum.representatives = reps
    db.session.add(forum)
    changes = changed_fields(forum)
    db.session.flush()
    changes["representatives"] = [[], [u.id for u in reps]]
    audit.record(actor, "create", Forum, forum.id, f"Forum {forum.name}", changes)
    return forum


def update_forum(actor: Actor, forum: Forum, version: int | None, data: ForumData) -> Forum:
    """Change a forum and its representatives; a stale `version` is a ConflictError."""
    check_version(forum, version, "forum")
    values, reps = _clean_forum(data)
    before = sorted(u.id for u in forum.representatives)
    for key, value in values.items():
        setattr(forum, key, value)
    after = sorted(u.id for u in reps)
    changes = changed_fields(forum)
    if before != after:
        forum.representatives = reps
        changes["representatives"] = [before, after]
    # Always UPDATE the row, so the version moves even when only the representatives changed
    # and a second editor holding the old version is refused.
    forum.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "update", Forum, forum.id, f"Forum {forum.name}", changes)
    return forum


def set_archived(actor: Actor, forum: Forum, archived: bool) -> Forum:
    """Archive (hidden from the list and pickers, history kept) or restore a forum."""
    if forum.archived != archived:
        forum.archived = archived
        audit.record_change(actor, "archive" if archived else "restore", forum, f"Forum {forum.name}")
    return forum


# --- Members ----------------------------------------------------------------------------------


@dataclass
class MemberData:
    person_id: int | None = None
    organisation_id: int | None = None
    role: str = ""
    term_start: date | None = None
    term_end: date | None = None


def _clean_member(data: MemberData) -> dict:
    errors: dict[str, str] = {}
    person_id = data.person_id or None
    organisation_id = data.organisation_id or None
    if person_id and organisation_id:
        message = "Choose a person or an organisation, not both."
        errors["person"] = errors["organisation"] = message
    elif not person_id and not organisation_id:
        errors["person"] = "Choose a person or an organisation."
    elif person_id and db.session.get(Person, person_id) is None:
        errors["person"] = "Choose the person from the list."
    elif organisation_id and db.session.get(Organisation, organisation_id) is None:
        errors["organisation"] = "Choose the organisation from the list."
    role = (data.role or "").strip() or "member"
    if len(role) > 120:
        errors["role"] = "Keep the role under 120 characters."
    if data.term_start and data.term_end and data.term_end < data.term_start:
        errors["term_end"] = "The term cannot end before it starts."
    if errors:
        raise ValidationError(errors)
    return {
        "person_id": person_id,
        "organisation_id": organisation_id,
        "role": role,
        "term_start": data.term_start,
        "term_end": data.term_end,
    }


def _member_summary(forum: Forum, member: ForumMember) -> str:
    who = member.person.name if member.person else member.organisation.name if member.organisation else "?"
    return f"{who} as {member.role} on forum {forum.name}"


def add_member(actor: Actor, forum: Forum, data: MemberData) -> ForumMember:
    """Seat a person or an organisation on the forum for a term."""
    member = ForumMember(forum=forum, **_clean_member(data))
    db.session.add(member)
    db.session.flush()
    audit.record_change(actor, "create", member, _member_summary(forum, member))
    return member


def update_member(actor: Actor, member: ForumMember, version: int | None, data: MemberData) -> ForumMember:
    """Change who holds a seat, their role or their term; a stale `version` is a ConflictError."""
    check_version(member, version, "membership")
    for key, value in _clean_member(data).items():
        setattr(member, key, value)
    db.session.flush()
    audit.record_change(actor, "update", member, _member_summary(member.forum, member))
    return member


def remove_member(actor: Actor, member: ForumMember) -> None:
    """Take a member off the forum (end the term instead to keep them as a past member)."""
    audit.record(actor, "delete", ForumMember, member.id, _member_summary(member.forum, member))
    db.session.delete(member)
    db.session.flush()
