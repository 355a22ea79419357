"""What the engagement views share: the reader's display zone, the filter choices, .ics responses."""

from flask import Response, after_this_request, current_app, request
from flask_login import current_user
from sqlalchemy import Select

from engage import choices, zones
from engage.engagements import feeds, ical
from engage.engagements.models import ENGAGEMENT_KINDS, ENGAGEMENT_STATUSES, PARTICIPANT_ROLES, RSVPS
from engage.web import base_url

ZONE_COOKIE = zones.ZONE_COOKIE
# The labels of an engagement's coded values, for the pages that show them.
LABELS = {"kinds": ENGAGEMENT_KINDS, "statuses": ENGAGEMENT_STATUSES, "roles": PARTICIPANT_ROLES, "rsvps": RSVPS}


def display_zone() -> str:
    """The reader's display zone: `tz` in the query (remembered in a cookie), the cookie, or the zone
    of their account (London unless they chose another)."""
    asked = request.args.get("tz")
    if asked:
        zone = zones.viewer_zone(asked)
        if zone == asked:

            @after_this_request
            def remember(response):
                response.set_cookie(ZONE_COOKIE, zone, max_age=365 * 86400, samesite="Lax", httponly=True)
                return response

        return zone
    picked = request.cookies.get(ZONE_COOKIE)
    return zones.viewer_zone(picked) if picked else zones.reader_zone(current_user)


def filter_options() -> dict:
    """The choices of the list's and the calendars' filter bar (archived forums still filter)."""
    return {"forums": choices.forums(include_inactive=True), "topics": choices.topics(include_inactive=True), **LABELS}


def ics_bytes(stmt: Select, name: str = "") -> bytes:
    """The calendar of the engagements `stmt` selects; newly serialised events are kept in the
    event cache, which the request's transaction commits with a successful response."""
    events = feeds.events(stmt, base_url(), ("Engage", current_app.config["MAIL_FROM"]))
    return ical.build_calendar(events, name=name, rendered=feeds.rendered(events))


def calendar_response(body: bytes, headers: dict | None = None) -> Response:
    return Response(body, mimetype="text/calendar", headers=headers or {})
