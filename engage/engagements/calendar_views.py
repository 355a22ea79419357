"""Month, week and agenda calendars; the personal feed `/calendar/<token>.ics`; feed settings."""

from datetime import UTC
from email.utils import format_datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.auth.permissions import personal, public
from engage.engagements import calendars, feeds, queries
from engage.engagements.forms import FeedScopeForm
from engage.engagements.pages import calendar_response, display_zone, filter_options, ics_bytes
from engage.web import base_url, current_actor, submit

bp = Blueprint("engagement_calendar", __name__)


@bp.route("/engagements/calendar")
def calendar():
    filters = queries.Filters.from_args(request.args)
    anchor = queries.date_arg(request.args, "date")
    cal = calendars.page(current_user, filters, request.args.get("view"), anchor, display_zone())
    return render_template(
        "engagements/calendar.html",
        **vars(cal),
        weeks=cal.weeks,
        filters=filters,
        filtered=filters != queries.Filters(),
        **filter_options(),
    )


@bp.route("/calendar/<token>.ics")
@public
def feed(token: str):
    """A user's subscribable feed: no session, the token is the secret; 404 for any bad token."""
    user = feeds.feed_owner(token)
    if user is None:
        abort(404)
    stmt = feeds.feed_query(user)
    state = feeds.state(stmt, f"{user.id}:{user.feed_scope}")
    headers = {"ETag": f'"{state.etag}"', "Cache-Control": "private, max-age=300"}
    if state.last_modified:
        headers["Last-Modified"] = format_datetime(state.last_modified.astimezone(UTC), usegmt=True)
    if feeds.not_modified(state, request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")):
        return Response(status=304, headers=headers)
    name = f"Engage · {user.name}"
    body = feeds.cached_body((state.etag, base_url() + name), lambda: ics_bytes(stmt, name=name))
    return calendar_response(body, headers)


@bp.route("/account/feed", methods=["POST"])
@personal
def feed_settings():
    form = FeedScopeForm()
    outcome = submit(form, lambda: feeds.set_scope(current_actor(), current_user, form.scope.data))
    if not outcome.ok:
        abort(outcome.status)
    flash("Your calendar feed settings are saved.", "success")
    return redirect(url_for("auth.account") + "#calendar-feed")


@bp.route("/account/feed/reset", methods=["POST"])
@personal
def feed_reset():
    feeds.reset_token(current_actor(), current_user)
    flash(
        "Your calendar feed has a new address. The old one no longer works: update your calendar app.",
        "warning",
    )
    return redirect(url_for("auth.account") + "#calendar-feed")
