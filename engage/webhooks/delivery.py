"""Sending the outbox: due messages as signed POSTs, retried with exponential back-off, each
attempt logged, a subscription disabled after too many failures in a row. Also announces
commitments that fall due (commitment.due), once per subscription, commitment and due date.

Run by `flask --app wsgi engage deliver-webhooks`, which commits after each message (so a crash
never sends one twice for an attempt already logged); nothing here commits.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from engage.consultations.models import Commitment, Consultation
from engage.extensions import db
from engage.mixins import utcnow
from engage.webhooks import events, sending, urls
from engage.webhooks.hooks import message_row, subscribers
from engage.webhooks.models import WebhookAttempt, WebhookMessage, WebhookSubscription

BACKOFF_CAP = timedelta(hours=6)
DUE_GRACE_DAYS = 6  # a deliverer that did not run on the day still announces a week-old due date


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2×base, 4×base … capped at six hours."""
    base = timedelta(seconds=current_app.config["WEBHOOK_BACKOFF_SECONDS"])
    return min(base * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def announce_due_commitments(now: datetime) -> int:
    """Outbox rows for open commitments due today (or in the last few days, if missed), once each."""
    wanted = subscribers(db.session).get("commitment.due")
    if not wanted:
        return 0
    today = now.date()
    due = db.session.execute(
        select(Commitment, Consultation)
        .outerjoin(Consultation, Consultation.id == Commitment.consultation_id)
        .where(Commitment.status == "open", Commitment.due_on <= today)
        .where(Commitment.due_on >= today - timedelta(days=DUE_GRACE_DAYS))
        .order_by(Commitment.id)
    ).all()
    if not due:
        return 0
    keys = {f"commitment.due:{c.id}:{c.due_on.isoformat()}": (c, consultation) for c, consultation in due}
    sent = set(
        db.session.execute(
            select(WebhookMessage.subscription_id, WebhookMessage.event_key).where(
                WebhookMessage.event_key.in_(keys), WebhookMessage.subscription_id.in_(wanted)
            )
        ).all()
    )
    rows = []
    for key, (commitment, consultation) in keys.items():
        data = {
            "id": commitment.id,
            "due_on": commitment.due_on.isoformat(),
            "assignee_id": commitment.assignee_id,
            "person_id": commitment.person_id,
            "organisation_id": commitment.organisation_id,
            "engagement_id": commitment.engagement_id,
            "consultation": consultation
            and events.consultation_data(
                consultation.id,
                consultation.kind,
                consultation.confidentiality,
                consultation.title,
                consultation.held_on,
            ),
        }
        rows += [message_row(s, "commitment.due", data, now, key) for s in wanted if (s, key) not in sent]
    for row in rows:
        db.session.add(WebhookMessage(**row))
    db.session.flush()
    return len(rows)


def _due(now: datetime, limit: int):
    return db.session.execute(
        select(WebhookMessage)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookMessage.subscription_id)
        .where(WebhookMessage.status == "pending", WebhookMessage.next_attempt_at <= now)
        .where(WebhookSubscription.active.is_(True))
        .order_by(WebhookMessage.next_attempt_at, WebhookMessage.id)
        .limit(limit)
    ).scalars()


def attempt(message: WebhookMessage, now: datetime) -> WebhookAttempt:
    """POST `message` once, log the attempt, and schedule, finish or give up on it."""
    config = current_app.config
    subscription = message.subscription
    try:
        target = urls.resolve(subscription.url, subscription.allowed_host)  # again: DNS may have changed
    except urls.RefusedURL as refused:
        answer = sending.Answer(None, f"Refused: {refused}"[:300], 0)
    else:
        signed = sending.headers(subscription.secret, message.message_id, now, message.payload)
        answer = sending.post(target, signed, message.payload, config["WEBHOOK_TIMEOUT_SECONDS"])
    logged = WebhookAttempt(
        subscription_id=subscription.id,
        message_id=message.id,
        attempted_at=now,
        status_code=answer.status_code,
        error=answer.error,
        duration_ms=answer.duration_ms,
        ok=answer.ok,
    )
    db.session.add(logged)
    message.attempts += 1
    # Core updates: counting failures must not bump the version an admin's open edit form carries.
    counts = update(WebhookSubscription).where(WebhookSubscription.id == subscription.id)
    if answer.ok:
        message.status, message.delivered_at = "delivered", now
        db.session.execute(counts.values(consecutive_failures=0))
    else:
        if message.attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
            message.status = "failed"
        else:
            message.next_attempt_at = now + backoff(message.attempts)
        failures = subscription.consecutive_failures + 1
        values = {"consecutive_failures": failures}
        if failures >= config["WEBHOOK_DISABLE_AFTER"]:
            last = f"HTTP {answer.status_code}" if answer.status_code else answer.error
            values |= {
                "active": False,
                "disabled_at": now,
                "disabled_reason": f"Disabled automatically after {failures} failed deliveries in a row "
                f"(the last: {last})"[:300],
            }
        db.session.execute(counts.values(**values))
    db.session.flush()
    db.session.refresh(subscription)
    return logged


def deliver_due(
    now: datetime | None = None, limit: int = 100, on_attempt: Callable[[WebhookAttempt], None] | None = None
) -> int:
    """One pass: announce due commitments, then attempt every due message (a subscription that
    fails is not tried again in the same pass). Returns how many attempts were made."""
    now = now or utcnow()
    announce_due_commitments(now)
    failed: set[int] = set()
    made = 0
    for message in list(_due(now, limit)):
        if message.subscription_id in failed or not message.subscription.active:
            continue
        logged = attempt(message, now)
        made += 1
        if not logged.ok:
            failed.add(message.subscription_id)
        if on_attempt:
            on_attempt(logged)
    return made
