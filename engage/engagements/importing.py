"""Creating or updating engagements from invitations, matched by UID (service layer)."""

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select

from engage.audit.services import Actor
from engage.auth.models import User
from engage.engagements import services, zones
from engage.engagements.invites import Invite
from engage.engagements.models import Engagement
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
        for u in db.session.execute(
            select(User).where(func.lower(User.email).in_(emails), User.active.is_(True))
        ).scalars()
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


def _data(item: Planned) -> services.EngagementData:
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
        base = services.EngagementData(
            title=invite.title, kind="panel", starts_local=None, ends_local=None, timezone=zone
        )
        participants = []
        speaker_ids = []
    else:
        base = services.EngagementData(
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
            agenda=services.agenda_text(engagement),
        )
        participants = [services.ParticipantRow(f"#{p.person_id}", p.role, p.rsvp) for p in engagement.participants]
        speaker_ids = [u.id for u in engagement.speakers]
    known = {row.person: row for row in participants}
    for person_id, (_email, rsvp) in item.people.items():
        if f"#{person_id}" in known:
            known[f"#{person_id}"].rsvp = rsvp
        else:
            participants.append(services.ParticipantRow(f"#{person_id}", "co_panellist", rsvp))
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
