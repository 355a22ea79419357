"""The demo's one webhook subscription: disabled (its address is an example), with a short
delivery log, so the admin pages show what a working and a failing receiver look like."""

from datetime import timedelta

from engage.demo.base import Context
from engage.extensions import db
from engage.webhooks.hooks import message_row
from engage.webhooks.models import WebhookAttempt, WebhookMessage, WebhookSubscription
from engage.webhooks.services import new_secret


def seed_webhooks(ctx: Context) -> None:
    subscription = WebhookSubscription(
        name="Partnerships ticket tracker (example)",
        url="https://hooks.example.org/engage",
        events=["person.created", "person.updated", "engagement.changed", "commitment.due"],
        secret=new_secret(),
        active=False,
        disabled_reason="Disabled for the demo: hooks.example.org is an example address",
        disabled_at=ctx.now - timedelta(hours=1),
        created_by_id=ctx.ids["users"][0],
    )
    db.session.add(subscription)
    db.session.flush()
    person = ctx.ids["people"][0]
    sent = [
        ("person.updated", {"id": person, "fields": ["title"], "values": {"title": "Director"}}, [204]),
        ("person.created", {"id": ctx.ids["people"][1], "fields": ["name"], "values": {}}, [503, 200]),
    ]
    for hours, (kind, data, statuses) in enumerate(sent, start=2):
        when = ctx.now - timedelta(hours=hours * 3)
        message = WebhookMessage(**message_row(subscription.id, kind, data, when))
        message.attempts, message.status, message.delivered_at = len(statuses), "delivered", when
        db.session.add(message)
        db.session.flush()
        for n, status in enumerate(statuses):
            at = when + timedelta(seconds=30 * n)
            db.session.add(
                WebhookAttempt(
                    subscription_id=subscription.id,
                    message_id=message.id,
                    attempted_at=at,
                    status_code=status,
                    duration_ms=140 + 35 * n,
                    ok=200 <= status < 300,
                )
            )
    ctx.counts["webhook subscriptions"] = 1
