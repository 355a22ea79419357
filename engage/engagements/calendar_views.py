"""Month, week and agenda calendars; the personal feed `/calendar/<token>.ics`; feed settings."""

import calendar as calendar_module
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.auth.permissions import personal, public
from engage.engagements import feeds, services
from engage.engagements.forms import FeedScopeForm, FollowForm
from engage.engagements.views import display_zone, filter_options, filters_from_request, ics_bytes
from engage.errors import ValidationError
from engage.extensions import db
from engage.web import current_actor

bp = Blueprint("engagement_calendar", __name__)

VIEWS = ("month", "week", "agenda")
AGENDA_DAYS = 30


def _anchor() -> date:
    try:
        return datetime.strptime(request.args.get("date", ""), "%Y-%m-%d").date()
    except ValueError:
        return None


def _bounds(view: str, anchor: date) -> tuple[date, date, date, date]:
    """(first day shown, day after the last, previous anchor, next anchor)."""
    if view == "month":
        first = anchor.replace(day=1)
        start = first - timedelta(days=first.weekday())
        last = first.replace(day=calendar_module.monthrange(first.year, first.month)[1])
        end = last + timedelta(days=7 - last.weekday())
        prev_month = (first - timedelta(days=1)).replace(day=1)
        next_month = last + timedelta(days=1)
        return start, end, prev_month, next_month
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=7), start - timedelta(days=7), start + timedelta(days=7)
    return (
        anchor,
        anchor + timedelta(days=AGENDA_DAYS),
        anchor - timedelta(days=AGENDA_DAYS),
        anchor + timedelta(days=AGENDA_DAYS),
    )


@bp.route("/engagements/calendar")
def calendar():
    view = request.args.get("view") if request.args.get("view") in VIEWS else "month"
    zone_name = display_zone()
    zone = ZoneInfo(zone_name)
    today = datetime.now(zone).date()
    anchor = _anchor() or today
    start, end, prev_anchor, next_anchor = _bounds(view, anchor)
    filters = filters_from_request()
    start_utc = datetime.combine(start, time(0), zone).astimezone(UTC)
    end_utc = datetime.combine(end, time(0), zone).astimezone(UTC)
    engagements = services.in_range(current_user, filters, start_utc, end_utc)
    days = {start + timedelta(days=n): [] for n in range((end - start).days)}
    for engagement in engagements:
        first = engagement.starts_at.astimezone(zone).date()
        # An event ending at midnight does not spill into the next day.
        last = (engagement.ends_at.astimezone(zone) - timedelta(microseconds=1)).date()
        day = max(first, start)
        while day <= last and day < end:
            days[day].append(engagement)
            day += timedelta(days=1)
    weeks = [list(days.items())[i : i + 7] for i in range(0, len(days), 7)]
    return render_template(
        "engagements/calendar.html",
        view=view,
        zone=zone_name,
        today=today,
        anchor=anchor,
        start=start,
        end=end,
        days=days,
        weeks=weeks,
        prev_anchor=prev_anchor,
        next_anchor=next_anchor,
        filters=filters,
        count=len(engagements),
        **filter_options(),
    )


def _not_modified(state: feeds.FeedState) -> bool:
    etag = f'"{state.etag}"'
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        return etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")] or if_none_match == "*"
    since = request.headers.get("If-Modified-Since")
    if since and state.last_modified:
        try:
            return state.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


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
    if _not_modified(state):
        return Response(status=304, headers=headers)
    name = f"Engage · {user.name}"
    body = feeds.cached_body((state.etag, current_app.config["BASE_URL"] + name), lambda: ics_bytes(stmt, name=name))
    return Response(body, mimetype="text/calendar", headers=headers)


@bp.route("/account/feed", methods=["POST"])
@personal
def feed_settings():
    form = FeedScopeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        feeds.set_scope(current_actor(), current_user, form.scope.data)
    except ValidationError:
        db.session.rollback()
        abort(400)
    db.session.commit()
    flash("Your calendar feed settings are saved.", "success")
    return redirect(url_for("auth.account") + "#calendar-feed")


@bp.route("/account/feed/reset", methods=["POST"])
@personal
def feed_reset():
    if not FollowForm().validate_on_submit():
        abort(400)
    feeds.reset_token(current_actor(), current_user)
    db.session.commit()
    flash(
        "Your calendar feed has a new address. The old one no longer works: update your calendar app.",
        "warning",
    )
    return redirect(url_for("auth.account") + "#calendar-feed")


def feed_url(user) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for("engagement_calendar.feed", token=user.feed_token)
