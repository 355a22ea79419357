"""The weekly digest: each policy owner gets the policy-cycle alerts of their policies, once a week.

Each digest is claimed in `ReminderSent` (kind "digest", the owner, the ISO week) before it is
mailed and committed right after by the CLI, so running the command twice in a week - or twice at
once - sends it once. The alerts are computed as the owner sees them (`alerts.alerts_for`), so a
restricted consultation the owner may not read changes no number in their mail.
"""

from datetime import UTC, date, datetime

from engage.auth.models import User
from engage.dashboard import alerts
from engage.engagements.mail import message, send
from engage.engagements.models import ReminderSent
from engage.extensions import db


def week_of(day: date) -> str:
    """The ISO week a digest is for, e.g. 2026-W49."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _sent(user: User, week: str) -> bool:
    return (
        db.session.query(ReminderSent.id)
        .filter_by(kind="digest", record_id=user.id, user_id=user.id, for_date=week)
        .first()
        is not None
    )


def body_for(user: User, found: list[alerts.Alert], base_url: str) -> str:
    base = base_url.rstrip("/")
    lines = [f"Hello {user.name},", "", "Policy-cycle alerts for the policies you own:", ""]
    for alert in found:
        lines.append(f"- {alert.text}.")
        lines.append(f"  {base}/policies/{alert.policy.id}")
        if alert.version is not None and alert.not_contacted:
            lines.append(f"  Not contacted: {base}/people?consulted_for={alert.version.id}&cooling={alert.months}")
        lines.append("")
    lines += [f"Your home page: {base}/", "", "— Engage"]
    return "\n".join(lines) + "\n"


def send_digests(base_url: str, now: datetime | None = None, on_sent=None) -> int:
    """Mail each active policy owner with alerts their digest for this week, unless already sent;
    `on_sent(user, where)` runs after each (the CLI commits there). Returns how many were sent."""
    now = now or datetime.now(UTC)
    today = now.date()
    week = week_of(today)
    sent = 0
    for owner in alerts.policy_owners_with_alerts(today):
        if _sent(owner, week):
            continue
        found = alerts.alerts_for(owner, today, owner=owner, limit=None)
        if not found:
            continue
        db.session.add(ReminderSent(kind="digest", record_id=owner.id, user_id=owner.id, for_date=week, sent_at=now))
        db.session.flush()  # a concurrent run hits the unique constraint here, before mailing
        count = len(found)
        subject = f"Weekly digest: {count} polic{'ies' if count != 1 else 'y'} due for review"
        msg = message(owner.email, subject, body_for(owner, found, base_url), now=now)
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
        where = send(msg, f"{stamp}-digest-{week}-user{owner.id}")
        sent += 1
        if on_sent is not None:
            on_sent(owner, where)
    return sent
