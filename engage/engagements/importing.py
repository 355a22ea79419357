"""Creating or updating engagements from invitations, matched by UID (service layer)."""

import base64
import binascii
import re
from dataclasses import dataclass, field

from flask import current_app
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


def _out_of_order(invite: Invite, engagement: Engagement | None) -> str | None:
    """Why `invite` must not be applied over `engagement` (RFC 5546 §2.1.5), or None.

    An invitation older than the last one applied (lower SEQUENCE, or the same SEQUENCE with
    an earlier DTSTAMP) is refused, and so is anything but a cancellation over a cancelled
    engagement unless the organiser has since sent a newer invitation (higher SEQUENCE).
    The organiser's SEQUENCE is the one last imported; an engagement never imported (its UID
    is Engage's own) carries Engage's SEQUENCE, which is what its own .ics files say.
    """
    if engagement is None:
        if invite.cancels:
            return (
                f"“{invite.title}” is a cancellation of an engagement that is not in Engage, "
                "so there is nothing to cancel."
            )
        return None
    known = engagement.invite_sequence if engagement.invite_sequence is not None else engagement.sequence
    stamp = engagement.invite_stamp
    if invite.sequence < known or (
        invite.sequence == known and invite.stamp is not None and stamp is not None and invite.stamp < stamp
    ):
        return (
            f"This invitation for “{engagement.title}” is older than the one already imported: "
            "the organiser has updated it since. Import the latest invitation from your calendar."
        )
    if engagement.status == "cancelled" and not invite.cancels and invite.sequence <= known:
        return (
            f"“{engagement.title}” has been cancelled, and this invitation is not a newer one from "
            "the organiser, so it would bring the engagement back by mistake."
        )
    return None


def plan(invites: list[Invite]) -> list[Planned]:
    """Match each invitation to an engagement (UID) and its attendees to users and people.

    InviteError when an invitation is out of order (see `_out_of_order`): nothing is planned.
    """
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
    for number, invite in enumerate(invites, start=1):
        refused = _out_of_order(invite, existing.get(invite.uid))
        if refused:
            event = f"Event {number}: " if len(invites) > 1 else ""
            raise InviteError(f"{event}{refused} Nothing was imported.")
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


def _times(data: records.EngagementData, starts_at, ends_at) -> None:
    """Set `data`'s local times (and which of a repeated hour) from two UTC instants."""
    start_local, end_local = (zones.to_local(at, data.timezone) for at in (starts_at, ends_at))
    data.starts_local = start_local.replace(tzinfo=None)
    data.ends_local = end_local.replace(tzinfo=None)
    data.fold = "second" if start_local.fold else "first"
    data.end_fold = "second" if end_local.fold else "first"


def _stored(engagement: Engagement) -> records.EngagementData:
    """The engagement as it stands, as the data an update starts from."""
    data = records.EngagementData(
        title=engagement.title,
        kind=engagement.kind,
        starts_local=None,
        ends_local=None,
        timezone=engagement.timezone,
        status=engagement.status,
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
        participants=[records.ParticipantRow(f"#{p.person_id}", p.role, p.rsvp) for p in engagement.participants],
        speaker_ids=[u.id for u in engagement.speakers],
    )
    _times(data, engagement.starts_at, engagement.ends_at)
    return data


def _data(item: Planned) -> records.EngagementData:
    invite, engagement = item.invite, item.engagement
    if engagement is None:
        base = records.EngagementData(
            title=invite.title, kind="panel", starts_local=None, ends_local=None, timezone=invite.timezone
        )
    else:
        base = _stored(engagement)
        if invite.cancels:
            # A cancellation changes the status only: clients rewrite its title ("Canceled: …")
            # and often its description, and neither is the engagement's.
            base.status = "cancelled"
            return base
        if invite.zone_given:
            base.timezone = invite.timezone
    _times(base, invite.starts_at, invite.ends_at)
    venue, link = invite.location, ""
    if venue.startswith("https://"):
        venue, link = "", venue.split()[0]
    elif match := URL.search(invite.description):
        link = match.group(0)
    known = {row.person: row for row in base.participants}
    for person_id, (_email, rsvp) in item.people.items():
        if f"#{person_id}" in known:
            known[f"#{person_id}"].rsvp = rsvp
        else:
            base.participants.append(records.ParticipantRow(f"#{person_id}", "co_panellist", rsvp))
    base.title = invite.title
    base.status = invite.status
    base.venue = venue[:300] or base.venue
    base.virtual_link = link or base.virtual_link
    if invite.description:
        base.logistics = invite.description
    base.speaker_ids = list(dict.fromkeys(base.speaker_ids + [u.id for u in item.speakers]))
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
        engagement.invite_sequence = item.invite.sequence
        engagement.invite_stamp = item.invite.stamp
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
        config = current_app.config
        planned = plan(parse(data, zone, config["INVITATION_MAX_BYTES"], config["INVITATION_MAX_EVENTS"]))
    except InviteError as error:
        raise ValidationError({"file": str(error)})
    if not confirm:
        return Imported(data, planned)
    try:
        saved = apply(actor, planned)
    except ValidationError as error:
        raise ValidationError({"file": "Nothing was imported: " + "; ".join(error.errors.values())})
    return Imported(data, planned, saved)
