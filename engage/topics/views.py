"""Admins manage the topic taxonomy: add, rename, describe, deactivate (never delete in use)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from engage.auth.permissions import admin_only
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.topics import services
from engage.topics.forms import TopicForm
from engage.topics.models import Topic
from engage.web import apply_form_errors, current_actor

bp = Blueprint("topics", __name__, url_prefix="/admin/topics")


@bp.route("")
@admin_only
def index():
    topics = db.session.execute(select(Topic).order_by(Topic.active.desc(), Topic.name)).scalars().all()
    return render_template("topics/index.html", topics=topics, usage=services.usage_counts())


def _save(form: TopicForm, topic: Topic | None):
    status = 200
    if form.validate_on_submit():
        try:
            if topic is None:
                topic = services.create_topic(current_actor(), form.name.data, form.description.data)
            else:
                services.update_topic(current_actor(), topic, form.version.data, form.name.data, form.description.data)
        except ValidationError as error:
            db.session.rollback()
            apply_form_errors(form, error)
            status = 400
        except ConflictError as error:
            db.session.rollback()
            form.form_errors.append(error.message + " Reload the page to see the saved version.")
            status = 409
        else:
            db.session.commit()
            flash(f"The topic “{topic.name}” is saved.", "success")
            return redirect(url_for("topics.index"))
    elif request.method == "POST":
        status = 400
    return render_template("topics/form.html", form=form, topic=topic), status


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new():
    return _save(TopicForm(), None)


@bp.route("/<int:topic_id>/edit", methods=["GET", "POST"])
@admin_only
def edit(topic_id: int):
    topic = db.get_or_404(Topic, topic_id)
    return _save(TopicForm(obj=topic), topic)


@bp.route("/<int:topic_id>/deactivate", methods=["POST"])
@admin_only
def deactivate(topic_id: int):
    topic = db.get_or_404(Topic, topic_id)
    services.set_active(current_actor(), topic, False)
    db.session.commit()
    flash(f"“{topic.name}” is deactivated: records keep it, forms no longer offer it.", "success")
    return redirect(url_for("topics.index"))


@bp.route("/<int:topic_id>/activate", methods=["POST"])
@admin_only
def activate(topic_id: int):
    topic = db.get_or_404(Topic, topic_id)
    services.set_active(current_actor(), topic, True)
    db.session.commit()
    flash(f"“{topic.name}” is active again.", "success")
    return redirect(url_for("topics.index"))


@bp.route("/<int:topic_id>/delete", methods=["POST"])
@admin_only
def delete(topic_id: int):
    topic = db.get_or_404(Topic, topic_id)
    name = topic.name
    try:
        services.delete_topic(current_actor(), topic)
    except ValidationError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return index(), 400
    db.session.commit()
    flash(f"“{name}” is deleted.", "success")
    return redirect(url_for("topics.index"))
