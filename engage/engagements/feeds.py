"""Calendar data for the .ics downloads and the personal feeds.

Reads what the iCalendar builder needs with a fixed number of Core queries (no ORM
objects: a feed of 10,000 engagements stays fast), turns it into `ical.EventData`,
and works out the feed's ETag and Last-Modified without building anything.
"""

import hashlib
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User, random_token
from engage.engagements import ical, services
from engage.engagements.models import (
    ENGAGEMENT_KINDS,
    AgendaItem,
    Engagement,
    EngagementParticipant,
    EventCache,
    engagement_speakers,
)
from engage.errors import ValidationError
from engage.extensions import db
from engage.forums.models import Forum
from engage.people.models import Person, PersonEmail


@dataclass
class FeedState:
    """What a conditional request is compared against."""

    etag: str
    last_modified: datetime | None
    count: int


def feed_owner(token: str) -> User | None:
    """The active user whose feed token this is; None for unknown, revoked or inactive."""
    if not token or len(token) > 64:
        return None
    user = db.session.execute(select(User).where(User.feed_token == token)).scalar_one_or_none()
    return user if user is not None and user.active else None


def feed_query(user: User) -> Select:
    return services.scoped(user, user.feed_scope if user.feed_scope in services.FEED_SCOPES else "mine")


def state(stmt: Select, salt: str) -> FeedState:
    """ETag from the ids, versions and sequences (plus `salt`, e.g. the scope); max updated_at.

    The newest change to any person or user is in the ETag too: attendees' names and
    addresses are part of the feed, and a changed ETag is what tells calendars to fetch.
    """
    sub = stmt.subquery()
    rows = db.session.execute(
        select(sub.c.id, sub.c.version, sub.c.sequence, sub.c.updated_at).order_by(sub.c.id)
    ).all()
    people_changed = db.session.execute(
        select(
            select(func.max(Person.updated_at)).scalar_subquery(),
            select(func.max(User.updated_at)).scalar_subquery(),
        )
    ).one()
    digest = hashlib.sha256(f"{salt}|{people_changed[0]}|{people_changed[1]}|".encode())
    for row in rows:
        digest.update(f"{row.id}:{row.version}:{row.sequence};".encode())
    last = max((r.updated_at for r in rows if r.updated_at), default=None)
    return FeedState(etag=digest.hexdigest()[:40], last_modified=last, count=len(rows))


def not_modified(state: FeedState, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """Whether a conditional request's validators (ETag first, then date) match the feed's state."""
    if if_none_match:
        etag = f'"{state.etag}"'
        return etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")] or if_none_match == "*"
    if if_modified_since and state.last_modified:
        try:
            return state.last_modified.replace(microsecond=0) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False


def _description(row, forum: str | None, agenda: list, url: str) -> str:
    parts = [f"{ENGAGEMENT_KINDS.get(row.kind, row.kind)}" + (f" · {forum}" if forum else "")]
    if row.objectives:
        parts.append("Objectives:\n" + row.objectives)
    if agenda:
        lines = [
            " ".join(x for x in (a.time_label, a.title) if x) + (f" ({a.notes})" if a.notes else "") for a in agenda
        ]
        parts.append("Agenda:\n" + "\n".join(lines))
    if row.virtual_link:
        parts.append("Join online: " + row.virtual_link)
    if url:
        parts.append("In Engage: " + url)
    return "\n\n".join(parts)


def events(stmt: Select, base_url: str, organizer_fallback: tuple[str, str]) -> list[ical.EventData]:
    """EventData for every engagement `stmt` selects, in six queries whatever the count."""
    ids = stmt.with_only_columns(Engagement.id).order_by(None).scalar_subquery()
    rows = db.session.execute(
        select(
            Engagement.__table__,
            Forum.name.label("forum_name"),
            User.name.label("creator_name"),
            User.email.label("creator_email"),
        )
        .outerjoin(Forum, Forum.id == Engagement.forum_id)
        .outerjoin(User, User.id == Engagement.created_by_id)
        .where(Engagement.id.in_(ids))
        .order_by(Engagement.starts_at, Engagement.id)
    ).all()
    agenda = defaultdict(list)
    for item in db.session.execute(
        select(AgendaItem.engagement_id, AgendaItem.time_label, AgendaItem.title, AgendaItem.notes)
        .where(AgendaItem.engagement_id.in_(ids))
        .order_by(AgendaItem.engagement_id, AgendaItem.position, AgendaItem.id)
    ):
        agenda[item.engagement_id].append(item)
    speakers = defaultdict(list)
    for sp in db.session.execute(
        select(engagement_speakers.c.engagement_id, User.name, User.email)
        .join(User, User.id == engagement_speakers.c.user_id)
        .where(engagement_speakers.c.engagement_id.in_(ids))
        .order_by(User.name)
    ):
        speakers[sp.engagement_id].append(ical.Attendee(sp.name, sp.email, "ACCEPTED", "CHAIR"))
    # Do-not-contact and erased people never go into a file a calendar client might mail.
    # (Three narrow queries rather than one join: SQLite plans the join badly at 10,000 rows.)
    participant_rows = db.session.execute(
        select(EngagementParticipant.engagement_id, EngagementParticipant.person_id, EngagementParticipant.rsvp)
        .where(EngagementParticipant.engagement_id.in_(ids))
        .order_by(EngagementParticipant.id)
    ).all()
    person_ids = select(EngagementParticipant.person_id).where(EngagementParticipant.engagement_id.in_(ids))
    names = {
        row.id: row.name
        for row in db.session.execute(
            select(Person.id, Person.name).where(
                Person.id.in_(person_ids), Person.do_not_contact.is_(False), Person.erased_at.is_(None)
            )
        )
    }
    emails: dict[int, str] = {}
    for person_id, email in db.session.execute(
        select(PersonEmail.person_id, PersonEmail.email)
        .where(PersonEmail.person_id.in_(person_ids))
        .order_by(PersonEmail.person_id, PersonEmail.position.desc(), PersonEmail.id.desc())
    ):
        emails[person_id] = email  # the lowest position wins (written last)
    participants = defaultdict(list)
    for p in participant_rows:
        if p.person_id in names and emails.get(p.person_id):
            participants[p.engagement_id].append(
                ical.Attendee(names[p.person_id], emails[p.person_id], ical.PARTSTAT_MAP.get(p.rsvp, "NEEDS-ACTION"))
            )
    base = base_url.rstrip("/")
    result = []
    for row in rows:
        url = f"{base}/engagements/{row.id}"
        organizer = ical.Attendee(row.creator_name or organizer_fallback[0], row.creator_email or organizer_fallback[1])
        result.append(
            ical.EventData(
                uid=row.uid,
                summary=row.title,
                start=row.starts_at,
                end=row.ends_at,
                tzid=row.timezone,
                dtstamp=row.updated_at or row.created_at,
                sequence=row.sequence or 0,
                status=ical.STATUS_MAP.get(row.status, "CONFIRMED"),
                location=row.venue or row.virtual_link or "",
                description=_description(row, row.forum_name, agenda[row.id], url),
                url=url,
                organizer=organizer,
                attendees=tuple(speakers[row.id] + participants[row.id]),
                categories=(ENGAGEMENT_KINDS.get(row.kind, row.kind),),
            )
        )
    return result


def rendered(events: list[ical.EventData]) -> list[bytes]:
    """Each event's VEVENT bytes: from the process memo, then the event_cache table, else built.

    Newly built events are written back to the table so other workers and restarts reuse
    them (the caller commits). Losing a race with another worker only skips the write.
    """
    keys = [ical.event_key(e) for e in events]
    stored: dict[str, tuple[str, bytes]] = {}
    uids = [e.uid for e in events]
    for start in range(0, len(uids), 500):
        chunk = uids[start : start + 500]
        for uid, key, body in db.session.execute(
            select(EventCache.uid, EventCache.key, EventCache.body).where(EventCache.uid.in_(chunk))
        ):
            stored[uid] = (key, body)
    bodies, fresh = [], []
    for event, key in zip(events, keys, strict=True):
        hit = stored.get(event.uid)
        if hit and hit[0] == key:
            bodies.append(hit[1])
            continue
        body = ical.vevent(event)
        bodies.append(body)
        fresh.append({"uid": event.uid, "key": key, "body": body})
    if fresh:
        try:
            with db.session.begin_nested():
                db.session.execute(delete(EventCache).where(EventCache.uid.in_([r["uid"] for r in fresh])))
                db.session.execute(insert(EventCache), fresh)
        except IntegrityError:
            pass  # another worker wrote the same rows first
    return bodies


_bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()
BODY_CACHE_SIZE = 16


def cached_body(key: tuple[str, str], build) -> bytes:
    """The feed body for an ETag (per process, a few entries): same ETag, same bytes."""
    body = _bodies.get(key)
    if body is None:
        body = build()
        _bodies[key] = body
        while len(_bodies) > BODY_CACHE_SIZE:
            _bodies.popitem(last=False)
    else:
        _bodies.move_to_end(key)
    return body


def reset_token(actor: Actor, user: User) -> str:
    """Revoke the user's feed URL and issue a new one; the old URL stops working at once."""
    user.feed_token = random_token()
    audit.record_change(actor, "feed-reset", user, f"Calendar feed URL reset: {user.email}")
    return user.feed_token


def set_scope(actor: Actor, user: User, scope: str) -> None:
    """Choose what the user's feed holds: mine, following or team."""
    if scope not in services.FEED_SCOPES:
        raise ValidationError({"scope": "Choose what your feed holds."})
    if user.feed_scope != scope:
        user.feed_scope = scope
        audit.record_change(actor, "feed-scope", user, f"Calendar feed scope: {scope}")
