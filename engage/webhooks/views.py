"""Admins' webhook subscriptions: list, add, edit, the secret, the delivery log, enable/disable."""

from flask import Blueprint, flash, redirect, render_template, url_for

from engage.auth.permissions import admin_only
from engage.web import current_actor, submit, switch_routes
from engage.webhooks import services
from engage.webhooks.events import EVENTS
from engage.webhooks.forms import SubscriptionForm
from engage.webhooks.models import WebhookSubscription

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


@bp.route("")
@admin_only
def index():
    subscriptions = services.all_subscriptions()
    return render_template("webhooks/index.html", subscriptions=subscriptions, counts=services.message_counts())


def _detail(subscription: WebhookSubscription, secret: str | None = None, note: str = ""):
    """The subscription's page; `secret` is shown when it was just made or asked for."""
    return render_template(
        "webhooks/detail.html",
        subscription=subscription,
        attempts=services.delivery_log(subscription.id),
        counts=services.message_counts(subscription.id),
        events=EVENTS,
        secret=secret,
        secret_note=note,
    )


@bp.route("/<id:subscription_id>")
@admin_only
def detail(subscription_id: int):
    return _detail(services.get_subscription(subscription_id))


def _save(form: SubscriptionForm, subscription: WebhookSubscription | None):
    def save() -> WebhookSubscription:
        fields = (form.name.data, form.url.data, form.events.data, form.allowed_host.data)
        if subscription is None:
            return services.create_subscription(current_actor(), *fields)
        return services.update_subscription(current_actor(), subscription, form.version.data, *fields)

    outcome = submit(form, save)
    if outcome.ok and subscription is None:  # the secret, once: copy it now (or reveal it later)
        return _detail(outcome.value, outcome.value.secret, "Copy the signing secret into the receiver now.")
    if outcome.ok:
        flash(f"The webhook “{outcome.value.name}” is saved.", "success")
        return redirect(url_for("webhooks.detail", subscription_id=outcome.value.id))
    return render_template("webhooks/form.html", form=form, subscription=subscription), outcome.status


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new():
    return _save(SubscriptionForm(), None)


@bp.route("/<id:subscription_id>/edit", methods=["GET", "POST"])
@admin_only
def edit(subscription_id: int):
    subscription = services.get_subscription(subscription_id)
    return _save(SubscriptionForm(obj=subscription), subscription)


@bp.route("/<id:subscription_id>/secret", methods=["POST"])
@admin_only
def secret(subscription_id: int):
    subscription = services.get_subscription(subscription_id)
    return _detail(subscription, services.reveal_secret(current_actor(), subscription))


@bp.route("/<id:subscription_id>/rotate", methods=["POST"])
@admin_only
def rotate(subscription_id: int):
    subscription = services.get_subscription(subscription_id)
    fresh = services.rotate_secret(current_actor(), subscription)
    return _detail(
        subscription, fresh, "A new secret: the old one no longer verifies. Copy this one into the receiver."
    )


def _set_active(subscription_id: int, active: bool):
    subscription = services.set_active(current_actor(), services.get_subscription(subscription_id), active)
    flash(f"“{subscription.name}” is {'enabled' if active else 'disabled'}.", "success")
    return redirect(url_for("webhooks.detail", subscription_id=subscription.id))


# "activate"/"deactivate", as topics name theirs: the route walk undoes an "activate" after the other
switch_routes(bp, "/<id:subscription_id>", {"deactivate": False, "activate": True}, _set_active, admin_only)


@bp.route("/<id:subscription_id>/delete", methods=["POST"])
@admin_only
def delete(subscription_id: int):
    subscription = services.get_subscription(subscription_id)
    name = subscription.name
    services.delete_subscription(current_actor(), subscription)
    flash(f"The webhook “{name}” is deleted, with its outbox and log.", "success")
    return redirect(url_for("webhooks.index"))
