"""Creating or updating engagements from invitations, matched by UID (service layer)."""

import base64
import binascii
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select

from engage import zones
from engage.audit.services import Actor
from engage.auth.models import User
from engage.choices import active
from engage.engagements import records, services
from engage.engagements.invites import Invite, InviteError, parse
from engage.engagements.models import Engagement
from engage.errors import ValidationError
from engage.extensions import db
from engage.people.models import PersonEmail

URL = re.compile(r"https://\S+")


@dataclass
class Planned:
    """What importing one invitation does (shown on the preview, then done on confirm)."""

    invite: Invite
    action: str  # create / update
    engagement: Engagement | None
    speakers: list[User] = field(default_factory=list)
    people: dict[int, tuple[str, str]] = field(default_factory=dict)  # person id → (email, rsvp)
    unknown: list[str] = field(default_factory=list)


def plan(invites: list[Invite]) -> list[Planned]:
    """Match each invitation to an engagement (UID) and its attendees to users and people."""
    emails = {a.email for i in invites for a in i.attendees}
    users = {
        u.email.lower(): u
        for u in db.session.execute(select(User).where(func.lower(User.email).in_(emails), active(User))).scalars()
    }
    people: dict[str, int] = {}
    for person_id, email in db.session.execute(
        select(PersonEmail.person_id, PersonEmail.email).where(func.lower(PersonEmail.email).in_(emails))
    ):
        people.setdefault(email.lower(), person_id)
    existing = {
        e.uid: e
        for e in db.session.execute(select(Engagement).where(Engagement.uid.in_([i.uid for i in invites]))).scalars()
    }
    result = []
    for invite in invites:
        item = Planned(invite, "update" if invite.uid in existing else "create", existing.get(invite.uid))
        for attendee in invite.attendees:
            if attendee.email in users:
                item.speakers.append(users[attendee.email])
            elif attendee.email in people:
                item.people[people[attendee.email]] = (attendee.email, attendee.rsvp)
            else:
                item.unknown.append(attendee.email)
        result.append(item)
    return result


def _data(item: Planned) -> records.EngagementData:
    invite, engagement = item.invite, item.engagement
    zone = invite.timezone if engagement is None or invite.zone_given else engagement.timezone
    start_local = zones.to_local(invite.starts_at, zone)
    end_local = zones.to_local(invite.ends_at, zone)
    venue, link = invite.location, ""
    if venue.startswith("https://"):
        venue, link = "", venue.split()[0]
    elif match := URL.search(invite.description):
        link = match.group(0)
    if engagement is None:
        base = records.EngagementData(
            title=invite.title, kind="panel", starts_local=None, ends_local=None, timezone=zone
        )
        participants = []
        speaker_ids = []
    else:
        base = records.EngagementData(
            title=engagement.title,
            kind=engagement.kind,
            starts_local=None,
            ends_local=None,
            timezone=zone,
            country=engagement.country,
            venue=engagement.venue,
            virtual_link=engagement.virtual_link,
            forum_id=engagement.forum_id,
            objectives=engagement.objectives,
            key_messages=engagement.key_messages,
            sensitivities=engagement.sensitivities,
            logistics=engagement.logistics,
            topic_ids=[t.id for t in engagement.topics],
            agenda=records.agenda_text(engagement),
        )
        participants = [records.ParticipantRow(f"#{p.person_id}", p.role, p.rsvp) for p in engagement.participants]
        speaker_ids = [u.id for u in engagement.speakers]
    known = {row.person: row for row in participants}
    for person_id, (_email, rsvp) in item.people.items():
        if f"#{person_id}" in known:
            known[f"#{person_id}"].rsvp = rsvp
        else:
            participants.append(records.ParticipantRow(f"#{person_id}", "co_panellist", rsvp))
    base.title = invite.title
    base.starts_local = start_local.replace(tzinfo=None)
    base.ends_local = end_local.replace(tzinfo=None)
    base.fold = "second" if start_local.fold else "first"
    base.end_fold = "second" if end_local.fold else "first"
    base.status = invite.status
    base.venue = venue[:300] or base.venue
    base.virtual_link = link or base.virtual_link
    if invite.description:
        base.logistics = invite.description
    base.participants = participants
    base.speaker_ids = list(dict.fromkeys(speaker_ids + [u.id for u in item.speakers]))
    return base


def apply(actor: Actor, planned: list[Planned]) -> list[Engagement]:
    """Create or update the engagements; all or nothing (the caller commits once)."""
    saved = []
    for item in planned:
        data = _data(item)
        if item.engagement is None:
            engagement = services.create(actor, data, uid=item.invite.uid)
            engagement.sequence = max(engagement.sequence, item.invite.sequence)
        else:
            engagement = services.update(actor, item.engagement, item.engagement.version, data)
            engagement.sequence = max(engagement.sequence, item.invite.sequence)
        saved.append(engagement)
    db.session.flush()
    return saved


@dataclass
class Imported:
    """What an upload did: the plan, and the saved engagements once confirmed (None for a preview)."""

    data: bytes
    planned: list[Planned]
    saved: list[Engagement] | None = None

    @property
    def preview(self) -> str:
        """The file, to send back with the confirmation."""
        return base64.b64encode(self.data).decode()

    @property
    def summary(self) -> str:
        saved = self.saved or []
        created = sum(1 for p in self.planned if p.action == "create")
        plural = "s" if len(saved) != 1 else ""
        text = f"Imported {len(saved)} invitation{plural}: {created} new, {len(saved) - created} updated."
        unknown = sorted({e for p in self.planned for e in p.unknown})
        if unknown:
            text += f" Not in the directory (not added): {', '.join(unknown)}."
        return text


def _file(previewed: str | None, upload: bytes | None) -> bytes:
    """The invitation's bytes: the previewed file sent back (base64), else the upload."""
    if previewed:
        try:
            return base64.b64decode(previewed.encode(), validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"file": "The previewed file was damaged in transit; upload it again."})
    if upload is None:
        raise ValidationError({"file": "Choose an .ics file to upload."})
    return upload


def run(actor: Actor, previewed: str | None, upload: bytes | None, zone: str, confirm: bool) -> Imported:
    """Read the invitation and plan it; with `confirm`, save it too (all or nothing).

    Every problem is a ValidationError on the `file` field, so the upload form shows it.
    """
    data = _file(previewed, upload)
    try:
        planned = plan(parse(data, zone))
    except InviteError as error:
        raise ValidationError({"file": str(error)})
    if not confirm:
        return Imported(data, planned)
    try:
        saved = apply(actor, planned)
    except ValidationError as error:
        raise ValidationError({"file": "Nothing was imported: " + "; ".join(error.errors.values())})
    return Imported(data, planned, saved)
