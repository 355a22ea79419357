"""An engagement's record: what the form or an import says, checked and cleaned, then applied.

Times are entered as local wall-clock times in the engagement's own zone and stored as UTC
instants; a time that happens twice needs an explicit choice (see `time_choices`).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from engage import zones
from engage.auth.models import User
from engage.auth.permissions import may_invite
from engage.choices import active
from engage.engagements.models import (
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    PARTICIPANT_ROLES,
    RSVPS,
    AgendaItem,
    Engagement,
    EngagementParticipant,
)
from engage.errors import ValidationError
from engage.extensions import db
from engage.forums.models import Forum
from engage.ids import as_id
from engage.people.models import Person, PersonEmail
from engage.topics.models import Topic
from engage.validation import Invalid, normalise_country, normalise_url, normalise_zone


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


def people_by_ref(refs) -> dict[str, Person]:
    """The person each participant row names, for showing the rows by name (unresolved refs left out)."""
    found = {}
    for ref in refs:
        person = find_person(ref)
        if person is not None:
            found[ref] = person
    return found


def find_person(ref: str) -> Person | None:
    """A person by "#id", id, email address or exact (case-insensitive) name, if unique."""
    ref = (ref or "").strip()
    if "\x00" in ref:  # no name or address holds one (and PostgreSQL cannot compare text with it)
        return None
    digits = ref.lstrip("#")
    if digits.isdigit():
        return db.session.get(Person, number) if (number := as_id(digits)) else None
    if "@" in ref:
        stmt = select(Person).join(PersonEmail).where(func.lower(PersonEmail.email) == ref.lower())
    else:
        stmt = select(Person).where(func.lower(Person.name) == ref.lower())
    found = db.session.execute(stmt.limit(2)).scalars().unique().all()
    return found[0] if len(found) == 1 else None


def _resolve_times(data: EngagementData, errors: dict) -> tuple[datetime, datetime] | None:
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
        except Invalid as error:
            errors[name] = str(error)
    if len(instants) < 2:
        return None
    if instants["ends_at"] <= instants["starts_at"]:
        errors["ends_at"] = "The end must be after the start."
        return None
    return instants["starts_at"], instants["ends_at"]


def validate(data: EngagementData, already_invited: frozenset[int] = frozenset()) -> dict:
    """Check everything; return the clean values or raise one ValidationError with all messages.

    Nobody who asked not to be contacted (or was erased) can be newly invited; `already_invited`
    (the engagement's participants before this edit) stay, so history is not rewritten."""
    errors: dict[str, str] = {}
    clean: dict = {"title": _line(data.title)[:250]}
    if not clean["title"]:
        errors["title"] = "Enter a title."
    if data.kind not in ENGAGEMENT_KINDS:
        errors["kind"] = "Choose a kind."
    if data.status not in ENGAGEMENT_STATUSES:
        errors["status"] = "Choose a status."
    times = _resolve_times(data, errors)
    for name, normalise in (("country", normalise_country), ("virtual_link", normalise_url)):
        try:
            clean[name] = normalise(getattr(data, name))
        except Invalid as error:
            errors[name] = str(error)
    clean["forum"] = None
    if data.forum_id:
        clean["forum"] = db.session.get(Forum, data.forum_id)
        if clean["forum"] is None:
            errors["forum_id"] = "That forum does not exist."
    clean["topics"] = (
        list(db.session.execute(select(Topic).where(Topic.id.in_(data.topic_ids))).scalars()) if data.topic_ids else []
    )
    clean["speakers"] = (
        list(db.session.execute(select(User).where(User.id.in_(data.speaker_ids), active(User))).scalars())
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
        elif not may_invite(person) and person.id not in already_invited:
            problems.append(f"{person.name} asked not to be contacted, so they cannot be invited to an engagement.")
        elif row.role not in PARTICIPANT_ROLES or row.rsvp not in RSVPS:
            problems.append(f"Choose a role and an RSVP for {person.name}.")
        else:
            seen.add(person.id)
            participants.append((person, row.role, row.rsvp))
    if problems:
        errors["participants"] = " ".join(problems)
    clean["participants"] = participants
    if errors:
        raise ValidationError(errors)
    clean["starts_at"], clean["ends_at"] = times
    clean["timezone"] = normalise_zone(data.timezone)
    for name in ("venue",):
        clean[name] = _line(getattr(data, name))[:300]
    for name in ("objectives", "key_messages", "sensitivities", "logistics"):
        clean[name] = _text(getattr(data, name))
    clean["kind"], clean["status"] = data.kind, data.status
    clean["agenda"] = parse_agenda(data.agenda)
    return clean


def apply(engagement: Engagement, clean: dict) -> None:
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


def time_choices(data: EngagementData) -> dict[str, list[tuple[str, str]]]:
    """{fold field: options} for each local time that happens twice in the zone, to ask which."""
    found = {}
    for name, local, fold in (("fold", data.starts_local, data.fold), ("end_fold", data.ends_local, data.end_fold)):
        options = zones.fold_options(local, data.timezone, fold)
        if options:
            found[name] = options
    return found
