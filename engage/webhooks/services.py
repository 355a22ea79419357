"""Admins' operations on webhook subscriptions: each audited, none of them writing the secret
into the audit log."""

import base64
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.queries import check_version
from engage.webhooks import urls
from engage.webhooks.events import EVENTS
from engage.webhooks.models import WebhookAttempt, WebhookMessage, WebhookSubscription

NAME_LIMIT = 120
LOG_SIZE = 50  # attempts shown on a subscription's page


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def all_subscriptions() -> list[WebhookSubscription]:
    return list(db.session.execute(select(WebhookSubscription).order_by(WebhookSubscription.name)).scalars())


def get_subscription(subscription_id: int) -> WebhookSubscription:
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise NotFoundError("There is no such webhook subscription.")
    return subscription


def _values(name: str, url: str, chosen: list[str], allowed_host: str) -> dict:
    """The checked fields of a subscription (ValidationError names the field that is wrong)."""
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = "Name the receiver, e.g. “Legal matter system”."
    elif len(name) > NAME_LIMIT:
        errors["name"] = f"Keep the name under {NAME_LIMIT} characters."
    unknown = [e for e in chosen or () if e not in EVENTS]
    if not chosen or unknown:
        errors["events"] = "Choose at least one event from the list."
    try:
        host = urls.clean_host(allowed_host)
    except ValidationError as error:
        errors |= error.errors
        host = ""
    if "allowed_host" not in errors:
        try:
            urls.check(url, host)
        except ValidationError as error:
            errors |= error.errors
    if errors:
        raise ValidationError(errors)
    return {"name": name, "url": url.strip(), "events": [e for e in EVENTS if e in chosen], "allowed_host": host}


def _changes(subscription: WebhookSubscription) -> dict:
    changes = audit.changed_fields(subscription)
    if "secret" in changes:
        changes["secret"] = ["…", "changed"]
    return changes


def create_subscription(actor: Actor, name: str, url: str, chosen: list[str], allowed_host: str = ""):
    """A new active subscription with a new secret (the page that follows shows it once)."""
    values = _values(name, url, chosen, allowed_host)
    subscription = WebhookSubscription(**values, secret=new_secret(), active=True)
    subscription.created_by_id = actor.user.id if actor.user else None
    db.session.add(subscription)
    changes = _changes(subscription)
    db.session.flush()
    audit.record(actor, "create", WebhookSubscription, subscription.id, f"Webhook “{subscription.name}”", changes)
    return subscription


def update_subscription(actor: Actor, subscription, version, name, url, chosen, allowed_host=""):
    check_version(subscription, version, "webhook subscription")
    for key, value in _values(name, url, chosen, allowed_host).items():
        setattr(subscription, key, value)
    changes = _changes(subscription)
    db.session.flush()
    audit.record(actor, "update", WebhookSubscription, subscription.id, f"Webhook “{subscription.name}”", changes)
    return subscription


def set_active(actor: Actor, subscription: WebhookSubscription, active: bool) -> WebhookSubscription:
    """Enable (the address is checked again; the failure count starts afresh) or disable."""
    if active:
        urls.check(subscription.url, subscription.allowed_host)
        subscription.consecutive_failures, subscription.disabled_reason, subscription.disabled_at = 0, "", None
    subscription.active = active
    changes = _changes(subscription)
    db.session.flush()
    action = "enable" if active else "disable"
    audit.record(actor, action, WebhookSubscription, subscription.id, f"Webhook “{subscription.name}”", changes)
    return subscription


def reveal_secret(actor: Actor, subscription: WebhookSubscription) -> str:
    """The secret, for an admin who asked to see it: each look is audited."""
    audit.record(actor, "reveal-secret", WebhookSubscription, subscription.id, f"Webhook “{subscription.name}”")
    return subscription.secret


def rotate_secret(actor: Actor, subscription: WebhookSubscription) -> str:
    """A new secret; the old one stops verifying at once (messages not yet sent use the new one)."""
    subscription.secret = new_secret()
    changes = _changes(subscription)
    db.session.flush()
    summary = f"Webhook “{subscription.name}”: new secret"
    audit.record(actor, "rotate-secret", WebhookSubscription, subscription.id, summary, changes)
    return subscription.secret


def delete_subscription(actor: Actor, subscription: WebhookSubscription) -> None:
    """Delete the subscription with its outbox and log."""
    summary = f"Webhook “{subscription.name}” deleted ({subscription.url})"
    audit.record(actor, "delete", WebhookSubscription, subscription.id, summary)
    db.session.delete(subscription)
    db.session.flush()


def delivery_log(subscription_id: int) -> list[WebhookAttempt]:
    """The latest attempts, newest first, with their messages."""
    return list(
        db.session.execute(
            select(WebhookAttempt)
            .options(selectinload(WebhookAttempt.message))
            .where(WebhookAttempt.subscription_id == subscription_id)
            .order_by(WebhookAttempt.attempted_at.desc(), WebhookAttempt.id.desc())
            .limit(LOG_SIZE)
        ).scalars()
    )


def message_counts(subscription_id: int | None = None) -> dict:
    """{(subscription id, status): count} of outbox messages."""
    stmt = select(WebhookMessage.subscription_id, WebhookMessage.status, func.count()).group_by(
        WebhookMessage.subscription_id, WebhookMessage.status
    )
    if subscription_id is not None:
        stmt = stmt.where(WebhookMessage.subscription_id == subscription_id)
    return {(s, status): n for s, status, n in db.session.execute(stmt)}
