"""Engagements: list, detail, create, edit, follow, and the one-engagement .ics."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import choices
from engage.auth.permissions import personal
from engage.briefings import panels
from engage.documents import pages as written
from engage.engagements import queries, records, services
from engage.engagements.forms import EngagementForm, initial
from engage.engagements.models import Engagement
from engage.engagements.pages import LABELS, calendar_response, display_zone, filter_options, ics_bytes
from engage.people.models import CONSENT_SCOPES
from engage.text import render_markdown
from engage.validation import time_zones
from engage.web import current_actor, paginate, submit, switch_routes

bp = Blueprint("engagements", __name__)


@bp.route("/engagements")
def index():
    filters = queries.Filters.from_args(request.args)
    page = paginate(queries.filtered(current_user, filters))
    filtered = filters != queries.Filters()
    return render_template(
        "engagements/list.html", page=page, filters=filters, filtered=filtered, zone=display_zone(), **filter_options()
    )


def _render_form(form: EngagementForm, engagement: Engagement | None, status: int = 200):
    time_choices = records.time_choices(form.to_data()) if status == 400 else {}
    chosen = records.people_by_ref(form.participant_refs())
    return render_template(
        "engagements/form.html",
        form=form,
        engagement=engagement,
        time_choices=time_choices,
        chosen=chosen,
        hints=choices.person_hints(p.id for p in chosen.values()),
        zone_names=sorted(time_zones()),
        **LABELS,
    ), status


def _saved(engagement: Engagement):
    flash(f"“{engagement.title}” is saved.", "success")
    return redirect(url_for("engagements.detail", engagement_id=engagement.id))


@bp.route("/engagements/new", methods=["GET", "POST"])
def new():
    form = EngagementForm() if request.method == "POST" else EngagementForm(data={"timezone": display_zone()})
    form.set_choices()
    outcome = submit(form, lambda: services.create(current_actor(), form.to_data()))
    return _saved(outcome.value) if outcome.ok else _render_form(form, None, outcome.status)


@bp.route("/engagements/<id:engagement_id>/edit", methods=["GET", "POST"])
def edit(engagement_id: int):
    engagement = queries.for_detail(engagement_id, current_user)
    form = EngagementForm() if request.method == "POST" else EngagementForm(data=initial(engagement))
    form.set_choices()
    outcome = submit(form, lambda: services.update(current_actor(), engagement, form.version.data, form.to_data()))
    return _saved(outcome.value) if outcome.ok else _render_form(form, engagement, outcome.status)


@bp.route("/engagements/<id:engagement_id>")
def detail(engagement_id: int):
    engagement = queries.for_detail(engagement_id, current_user)
    return render_template(
        "engagements/detail.html",
        engagement=engagement,
        zone=display_zone(),
        following=any(f.id == current_user.id for f in engagement.followers),
        consent_scopes=CONSENT_SCOPES,
        render_markdown=render_markdown,
        **LABELS,
        **panels.engagement_panel(engagement),
        **written.panel("engagements", engagement.id),
    )


def _follow(engagement_id: int, following: bool):
    services.follow(current_actor(), engagement_id, following)
    flash("You follow this engagement." if following else "You no longer follow this engagement.", "success")
    return redirect(url_for("engagements.detail", engagement_id=engagement_id))


switch_routes(bp, "/engagements/<id:engagement_id>", {"follow": True, "unfollow": False}, _follow, personal)


@bp.route("/engagements/<id:engagement_id>.ics")
def ics(engagement_id: int):
    engagement = services.get_visible(current_user, engagement_id)
    body = ics_bytes(services.visible(current_user).where(Engagement.id == engagement.id))
    return calendar_response(body, {"Content-Disposition": f'attachment; filename="engagement-{engagement_id}.ics"'})
