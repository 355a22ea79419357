"""Engagements: creating and editing them (times in their own zone), following, finding."""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import selectinload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import visible_engagements
from engage.engagements import zones
from engage.engagements.models import (
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    PARTICIPANT_ROLES,
    RSVPS,
    AgendaItem,
    Engagement,
    EngagementParticipant,
    engagement_followers,
    engagement_speakers,
    engagement_topics,
)
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.forums.models import Forum
from engage.people.models import Person, PersonEmail
from engage.queries import like_pattern
from engage.topics.models import Topic
from engage.validation import Invalid, normalise_country, normalise_url, normalise_zone

FEED_SCOPES = {
    "mine": "Engagements I speak at",
    "following": "Engagements I speak at or follow",
    "team": "All the team's engagements",
}


@dataclass
class ParticipantRow:
    person: str  # "#12", "12", an email address or an exact name
    role: str = "co_panellist"
    rsvp: str = "invited"


@dataclass
class EngagementData:
    """What the engagement form (or an import) says; times are local to `timezone`."""

    title: str
    kind: str
    starts_local: datetime | None
    ends_local: datetime | None
    timezone: str
    fold: str | None = None
    end_fold: str | None = None
    status: str = "proposed"
    country: str | None = None
    venue: str = ""
    virtual_link: str = ""
    forum_id: int | None = None
    objectives: str = ""
    key_messages: str = ""
    sensitivities: str = ""
    logistics: str = ""
    topic_ids: list[int] = field(default_factory=list)
    speaker_ids: list[int] = field(default_factory=list)
    participants: list[ParticipantRow] = field(default_factory=list)
    agenda: str = ""  # one item a line: "10:15 Title | notes"


class TimeChoiceNeeded(ValidationError):
    """A ValidationError that also offers choices for ambiguous local times: {field: options}."""

    def __init__(self, errors: dict[str, str], choices: dict[str, list[tuple[str, str]]]):
        super().__init__(errors)
        self.choices = choices


def _text(value: str | None) -> str:
    # One line-break convention, so text round-trips through calendars unchanged.
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _line(value: str | None) -> str:
    return " ".join(_text(value).split())


AGENDA_LINE = re.compile(r"^\s*(?P<time>\d{1,2}[:.]\d{2}(?:\s*[-\u2013]\s*\d{1,2}[:.]\d{2})?)?\s*(?P<rest>.*)$")


def parse_agenda(text: str) -> list[AgendaItem]:
    """Agenda lines "10:15 Title | notes" (time optional) → AgendaItem objects."""
    items = []
    for line in _text(text).split("\n"):
        if not line.strip():
            continue
        match = AGENDA_LINE.match(line)
        title, _, notes = (match.group("rest") or "").partition("|")
        items.append(
            AgendaItem(
                position=len(items),
                time_label=(match.group("time") or "").replace(" ", "")[:40],
                title=title.strip()[:300] or "(untitled)",
                notes=notes.strip(),
            )
        )
    return items


def agenda_text(engagement: Engagement) -> str:
    lines = []
    for item in engagement.agenda_items:
        line = f"{item.time_label} {item.title}".strip()
        if item.notes:
            line += f" | {item.notes}"
        lines.append(line)
    return "\n".join(lines)


def find_person(ref: str) -> Person | None:
    """A person by "#id", id, email address or exact (case-insensitive) name, if unique."""
    ref = (ref or "").strip()
    digits = ref.lstrip("#")
    if digits.isdigit():
        return db.session.get(Person, int(digits))
    if "@" in ref:
        stmt = select(Person).join(PersonEmail).where(func.lower(PersonEmail.email) == ref.lower())
    else:
        stmt = select(Person).where(func.lower(Person.name) == ref.lower())
    found = db.session.execute(stmt.limit(2)).scalars().unique().all()
    return found[0] if len(found) == 1 else None


def _resolve_times(data: EngagementData, errors: dict, choices: dict) -> tuple[datetime, datetime] | None:
    try:
        zone = normalise_zone(data.timezone, required=True)
    except Invalid as error:
        errors["timezone"] = str(error)
        return None
    instants = {}
    for name, local, fold in (
        ("starts_at", data.starts_local, data.fold),
        ("ends_at", data.ends_local, data.end_fold),
    ):
        if local is None:
            errors[name] = "Enter a date and time (YYYY-MM-DDTHH:MM)."
            continue
        try:
            instants[name] = zones.resolve(local, zone, fold)
        except zones.AmbiguousTime as error:
            errors[name] = error.message
            choices["fold" if name == "starts_at" else "end_fold"] = error.options
        except Invalid as error:
            errors[name] = str(error)
    if len(instants) < 2:
        return None
    if instants["ends_at"] <= instants["starts_at"]:
        errors["ends_at"] = "The end must be after the start."
        return None
    return instants["starts_at"], instants["ends_at"]


def _validate(data: EngagementData) -> dict:
    """Check everything; return the clean values or raise one ValidationError with all messages."""
    errors: dict[str, str] = {}
    choices: dict[str, list] = {}
    clean: dict = {"title": _line(data.title)[:250]}
    if not clean["title"]:
        errors["title"] = "Enter a title."
    if data.kind not in ENGAGEMENT_KINDS:
        errors["kind"] = "Choose a kind."
    if data.status not in ENGAGEMENT_STATUSES:
        errors["status"] = "Choose a status."
    times = _resolve_times(data, errors, choices)
    try:
        clean["country"] = normalise_country(data.country)
    except Invalid as error:
        errors["country"] = str(error)
    try:
        clean["virtual_link"] = normalise_url(data.virtual_link)
    except Invalid as error:
        errors["virtual_link"] = str(error)
    clean["forum"] = None
    if data.forum_id:
        clean["forum"] = db.session.get(Forum, data.forum_id)
        if clean["forum"] is None:
            errors["forum_id"] = "That forum does not exist."
    clean["topics"] = (
        list(db.session.execute(select(Topic).where(Topic.id.in_(data.topic_ids))).scalars()) if data.topic_ids else []
    )
    clean["speakers"] = (
        list(db.session.execute(select(User).where(User.id.in_(data.speaker_ids), User.active.is_(True))).scalars())
        if data.speaker_ids
        else []
    )
    if len(clean["speakers"]) != len(set(data.speaker_ids)):
        errors["speaker_ids"] = "Choose speakers from the list of active users."
    participants, seen, problems = [], set(), []
    for row in data.participants:
        if not (row.person or "").strip():
            continue
        person = find_person(row.person)
        if person is None:
            problems.append(f"No single person matches “{row.person.strip()}” (use #id, email or full name).")
        elif person.id in seen:
            problems.append(f"{person.name} is listed twice.")
        elif row.role not in PARTICIPANT_ROLES or row.rsvp not in RSVPS:
            problems.append(f"Choose a role and an RSVP for {person.name}.")
        else:
            seen.add(person.id)
            participants.append((person, row.role, row.rsvp))
    if problems:
        errors["participants"] = " ".join(problems)
    clean["participants"] = participants
    if errors:
        raise TimeChoiceNeeded(errors, choices) if choices else ValidationError(errors)
    clean["starts_at"], clean["ends_at"] = times
    clean["timezone"] = normalise_zone(data.timezone)
    for name in ("venue",):
        clean[name] = _line(getattr(data, name))[:300]
    for name in ("objectives", "key_messages", "sensitivities", "logistics"):
        clean[name] = _text(getattr(data, name))
    clean["kind"], clean["status"] = data.kind, data.status
    clean["agenda"] = parse_agenda(data.agenda)
    return clean


def _apply(engagement: Engagement, clean: dict) -> None:
    for name in (
        "title",
        "kind",
        "status",
        "starts_at",
        "ends_at",
        "timezone",
        "country",
        "venue",
        "virtual_link",
        "objectives",
        "key_messages",
        "sensitivities",
        "logistics",
    ):
        if getattr(engagement, name) != clean[name]:
            setattr(engagement, name, clean[name])
    engagement.forum = clean["forum"]
    engagement.topics = clean["topics"]
    engagement.speakers = clean["speakers"]
    existing = {p.person_id: p for p in engagement.participants}
    keep = []
    for person, role, rsvp in clean["participants"]:
        row = existing.get(person.id) or EngagementParticipant(person=person)
        row.role, row.rsvp = role, rsvp
        keep.append(row)
    engagement.participants = keep
    old_agenda = [(a.time_label, a.title, a.notes) for a in engagement.agenda_items]
    new_agenda = [(a.time_label, a.title, a.notes) for a in clean["agenda"]]
    if old_agenda != new_agenda:
        engagement.agenda_items = clean["agenda"]


def create(actor: Actor, data: EngagementData, uid: str | None = None) -> Engagement:
    """Add an engagement; times are resolved from local time in its zone to UTC."""
    clean = _validate(data)
    engagement = Engagement(created_by_id=actor.user.id if actor.user else None, sequence=0)
    if uid:
        engagement.uid = uid
    _apply(engagement, clean)
    db.session.add(engagement)
    audit.record_change(actor, "create", engagement, f"Engagement {engagement.title}")
    return engagement


def update(actor: Actor, engagement: Engagement, version: int | None, data: EngagementData) -> Engagement:
    """Save an edit; a stale `version` is refused, and SEQUENCE grows so calendars update."""
    if version is None or int(version) != engagement.version:
        raise ConflictError(
            "Someone else saved this engagement while you were editing it. Their changes stand; "
            "reload the page and make your change again."
        )
    clean = _validate(data)
    _apply(engagement, clean)
    engagement.sequence = (engagement.sequence or 0) + 1
    audit.record_change(actor, "update", engagement, f"Engagement {engagement.title}")
    return engagement


def follow(actor: Actor, engagement: Engagement, following: bool) -> None:
    """Follow or unfollow an engagement (it then appears in a 'following' feed)."""
    user = actor.user
    is_following = db.session.execute(
        select(
            exists().where(
                engagement_followers.c.engagement_id == engagement.id,
                engagement_followers.c.user_id == user.id,
            )
        )
    ).scalar_one()
    if following and not is_following:
        db.session.execute(engagement_followers.insert().values(engagement_id=engagement.id, user_id=user.id))
    elif not following and is_following:
        db.session.execute(
            engagement_followers.delete().where(
                engagement_followers.c.engagement_id == engagement.id,
                engagement_followers.c.user_id == user.id,
            )
        )
    else:
        return
    audit.record(
        actor,
        "follow" if following else "unfollow",
        Engagement,
        engagement.id,
        f"{'Follows' if following else 'Stopped following'} {engagement.title}",
    )


def is_following(user: User, engagement_id: int) -> bool:
    return db.session.execute(
        select(
            exists().where(
                engagement_followers.c.engagement_id == engagement_id,
                engagement_followers.c.user_id == user.id,
            )
        )
    ).scalar_one()


# --- Finding engagements. Every query starts from `visible(user)`. ---


def visible(user: User | None) -> Select:
    """Engagements `user` may see: the single starting point of every list, calendar and feed."""
    return select(Engagement).where(visible_engagements(user))


def speaks_at(user: User):
    return Engagement.id.in_(
        select(engagement_speakers.c.engagement_id).where(engagement_speakers.c.user_id == user.id)
    )


def follows(user: User):
    return Engagement.id.in_(
        select(engagement_followers.c.engagement_id).where(engagement_followers.c.user_id == user.id)
    )


def scoped(user: User, scope: str) -> Select:
    """`visible(user)` narrowed to a feed or calendar scope: mine, following or team."""
    stmt = visible(user)
    if scope == "mine":
        return stmt.where(speaks_at(user))
    if scope == "following":
        return stmt.where(or_(speaks_at(user), follows(user)))
    return stmt


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    kind: str = ""
    forum_id: int | None = None
    topic_id: int | None = None
    country: str = ""
    mine: bool = False
    scope: str = "team"  # calendar: mine / following / team
    date_from: date | None = None
    date_to: date | None = None
    when: str = "upcoming"  # upcoming / past / all


def filtered(user: User, filters: Filters, now: datetime | None = None) -> Select:
    """The list query: search, filters, and upcoming (by default) or past."""
    now = now or datetime.now(UTC)
    stmt = scoped(user, "following" if filters.mine else filters.scope)
    if filters.q:
        pattern = like_pattern(filters.q.strip())
        stmt = stmt.where(
            or_(
                Engagement.title.ilike(pattern, escape="\\"),
                Engagement.venue.ilike(pattern, escape="\\"),
            )
        )
    if filters.status in ENGAGEMENT_STATUSES:
        stmt = stmt.where(Engagement.status == filters.status)
    if filters.kind in ENGAGEMENT_KINDS:
        stmt = stmt.where(Engagement.kind == filters.kind)
    if filters.forum_id:
        stmt = stmt.where(Engagement.forum_id == filters.forum_id)
    if filters.topic_id:
        stmt = stmt.where(
            Engagement.id.in_(
                select(engagement_topics.c.engagement_id).where(engagement_topics.c.topic_id == filters.topic_id)
            )
        )
    if filters.country:
        stmt = stmt.where(Engagement.country == filters.country.upper())
    if filters.date_from:
        stmt = stmt.where(Engagement.ends_at >= datetime.combine(filters.date_from, datetime.min.time(), UTC))
    if filters.date_to:
        stmt = stmt.where(
            Engagement.starts_at < datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time(), UTC)
        )
    if not (filters.date_from or filters.date_to):
        if filters.when == "upcoming":
            stmt = stmt.where(Engagement.ends_at >= now)
        elif filters.when == "past":
            stmt = stmt.where(Engagement.ends_at < now)
    descending = filters.when == "past" and not (filters.date_from or filters.date_to)
    order = (Engagement.starts_at.desc(), Engagement.id.desc()) if descending else (Engagement.starts_at, Engagement.id)
    return stmt.order_by(*order).options(
        selectinload(Engagement.forum), selectinload(Engagement.speakers), selectinload(Engagement.topics)
    )


def in_range(user: User, filters: Filters, start: datetime, end: datetime) -> list[Engagement]:
    """Engagements overlapping [start, end) for the calendar views, in start order."""
    filters = Filters(**{**filters.__dict__, "when": "all", "date_from": None, "date_to": None})
    stmt = filtered(user, filters).where(Engagement.starts_at < end, Engagement.ends_at > start)
    return list(db.session.execute(stmt).scalars().unique())


def for_detail(engagement_id: int, user: User) -> Engagement | None:
    stmt = (
        visible(user)
        .where(Engagement.id == engagement_id)
        .options(
            selectinload(Engagement.forum),
            selectinload(Engagement.speakers),
            selectinload(Engagement.followers),
            selectinload(Engagement.topics),
            selectinload(Engagement.agenda_items),
            selectinload(Engagement.participants)
            .selectinload(EngagementParticipant.person)
            .selectinload(Person.emails),
        )
    )
    return db.session.execute(stmt).scalars().unique().one_or_none()
