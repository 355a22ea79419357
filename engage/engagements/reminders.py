"""Reminders: speakers N days before an engagement, assignees before a commitment is due.

Each reminder is claimed in `ReminderSent` (unique per kind, record, user and date)
before it is sent and committed right after, so running the command twice - or twice
at once - never sends the same reminder twice.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage import zones
from engage.auth.models import User
from engage.consultations.models import Commitment
from engage.engagements import feeds, ical, services
from engage.engagements.mail import message, send
from engage.engagements.models import Engagement, ReminderSent
from engage.extensions import db


@dataclass
class Reminder:
    kind: str  # engagement / commitment
    record_id: int
    user: User
    for_date: str


def due(now: datetime, days: int) -> list[Reminder]:
    """The reminders not yet sent: engagements starting within `days`, commitments due within `days`."""
    result = []
    horizon = now + timedelta(days=days)
    engagements = db.session.execute(
        select(Engagement)
        .where(
            Engagement.starts_at > now,
            Engagement.starts_at <= horizon,
            Engagement.status.in_(("proposed", "confirmed")),
        )
        .options(selectinload(Engagement.speakers))
        .order_by(Engagement.starts_at)
    ).scalars()
    sent = {
        (r.kind, r.record_id, r.user_id, r.for_date)
        for r in db.session.execute(
            select(ReminderSent).where(ReminderSent.sent_at >= now - timedelta(days=days + 400))
        ).scalars()
    }
    for engagement in engagements:
        for_date = engagement.starts_at.isoformat()
        for speaker in engagement.speakers:
            if speaker.active and ("engagement", engagement.id, speaker.id, for_date) not in sent:
                result.append(Reminder("engagement", engagement.id, speaker, for_date))
    today = now.date()
    commitments = db.session.execute(
        select(Commitment, User)
        .join(User, User.id == Commitment.assignee_id)
        .where(
            Commitment.status == "open",
            Commitment.due_on >= today,
            Commitment.due_on <= today + timedelta(days=days),
            User.active.is_(True),
        )
        .order_by(Commitment.due_on, Commitment.id)
    ).all()
    for commitment, user in commitments:
        for_date = commitment.due_on.isoformat()
        if ("commitment", commitment.id, user.id, for_date) in sent:
            continue
        result.append(Reminder("commitment", commitment.id, user, for_date))
    return result


def _engagement_mail(reminder: Reminder, base_url: str, sender: tuple[str, str]):
    engagement = db.session.get(Engagement, reminder.record_id)
    zone = engagement.timezone
    start = zones.to_local(engagement.starts_at, zone)
    base = base_url.rstrip("/")
    body = (
        f"Hello {reminder.user.name},\n\n"
        f"You are speaking at “{engagement.title}” on {start:%A %-d %B %Y at %H:%M} "
        f"({zone}, {start.tzname()}).\n"
        f"{'Venue: ' + engagement.venue + chr(10) if engagement.venue else ''}"
        f"{'Online: ' + engagement.virtual_link + chr(10) if engagement.virtual_link else ''}\n"
        f"Your briefing, to read on your phone: {base}/engagements/{engagement.id}/briefing\n"
        f"Briefing pack (PDF): {base}/engagements/{engagement.id}/briefing.pdf\n"
        f"Details: {base}/engagements/{engagement.id}\n\n"
        "The calendar entry is attached.\n\n— Engage\n"
    )
    stmt = services.visible(reminder.user).where(Engagement.id == engagement.id)
    ics = ical.build_calendar(feeds.events(stmt, base_url, sender))
    return message(
        reminder.user.email,
        f"Reminder: {engagement.title} on {start:%-d %b}",
        body,
        [(f"engagement-{engagement.id}.ics", "text", "calendar", ics)],
    )


def _commitment_mail(reminder: Reminder, base_url: str):
    commitment = db.session.get(Commitment, reminder.record_id)
    due_on: date = commitment.due_on
    body = (
        f"Hello {reminder.user.name},\n\n"
        f"A commitment assigned to you is due on {due_on:%A %-d %B %Y}:\n\n"
        f"  {commitment.description}\n\n"
        f"{base_url.rstrip('/')}/\n\n— Engage\n"
    )
    return message(reminder.user.email, f"Due {due_on:%-d %b}: {commitment.description[:60]}", body)


def send_one(reminder: Reminder, base_url: str, sender: tuple[str, str], now: datetime) -> str:
    """Claim the reminder in ReminderSent, then mail it; the caller commits right after."""
    db.session.add(
        ReminderSent(
            kind=reminder.kind,
            record_id=reminder.record_id,
            user_id=reminder.user.id,
            for_date=reminder.for_date,
            sent_at=now,
        )
    )
    db.session.flush()  # a concurrent run hits the unique constraint here, before mailing
    if reminder.kind == "engagement":
        msg = _engagement_mail(reminder, base_url, sender)
    else:
        msg = _commitment_mail(reminder, base_url)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    return send(msg, f"{stamp}-{reminder.kind}-{reminder.record_id}-user{reminder.user.id}")
