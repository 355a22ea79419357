"""Admins manage the topic taxonomy: add, rename, describe, deactivate (never delete in use)."""

from flask import Blueprint, flash, redirect, render_template, url_for

from engage.auth.permissions import admin_only
from engage.topics import services
from engage.topics.forms import TopicForm
from engage.topics.models import Topic
from engage.web import current_actor, submit, switch_routes

bp = Blueprint("topics", __name__, url_prefix="/admin/topics")


@bp.route("")
@admin_only
def index():
    return render_template("topics/index.html", topics=services.all_topics(), usage=services.usage_counts())


def _save(form: TopicForm, topic: Topic | None):
    def save() -> Topic:
        if topic is None:
            return services.create_topic(current_actor(), form.name.data, form.description.data)
        return services.update_topic(current_actor(), topic, form.version.data, form.name.data, form.description.data)

    outcome = submit(form, save)
    if outcome.ok:
        flash(f"The topic “{outcome.value.name}” is saved.", "success")
        return redirect(url_for("topics.index"))
    return render_template("topics/form.html", form=form, topic=topic), outcome.status


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new():
    return _save(TopicForm(), None)


@bp.route("/<id:topic_id>/edit", methods=["GET", "POST"])
@admin_only
def edit(topic_id: int):
    topic = services.get_topic(topic_id)
    return _save(TopicForm(obj=topic), topic)


ACTIVE = {
    False: "“{}” is deactivated: records keep it, forms no longer offer it.",
    True: "“{}” is active again.",
}


def _set_active(topic_id: int, active: bool):
    topic = services.set_active(current_actor(), services.get_topic(topic_id), active)
    flash(ACTIVE[active].format(topic.name), "success")
    return redirect(url_for("topics.index"))


switch_routes(bp, "/<id:topic_id>", {"deactivate": False, "activate": True}, _set_active, admin_only)


@bp.route("/<id:topic_id>/delete", methods=["POST"])
@admin_only
def delete(topic_id: int):
    """Delete an unused topic; one in use is refused with a ValidationError (a 400 page)."""
    topic = services.get_topic(topic_id)
    name = topic.name
    services.delete_topic(current_actor(), topic)
    flash(f"“{name}” is deleted.", "success")
    return redirect(url_for("topics.index"))
