"""Shared helpers for the engagements tests: form posts and reading .ics with two parsers."""

import json
import os
import subprocess
from datetime import UTC

from icalendar import Calendar

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE = "/usr/bin/node"
ICALJS_SCRIPT = os.path.join(ROOT, "tests", "engagements", "icaljs_read.mjs")


def form_data(token: str, **overrides) -> dict:
    data = {
        "csrf_token": token,
        "title": "Youth safety panel",
        "kind": "panel",
        "status": "confirmed",
        "starts_at": "2026-03-30T10:00",
        "ends_at": "2026-03-30T11:30",
        "timezone": "Europe/Brussels",
        "country": "BE",
        "venue": "Résidence Palace",
        "virtual_link": "",
        "key_messages": "We **listen**.",
        "logistics": "Badge at the desk.",
        "objectives": "",
        "sensitivities": "",
        "agenda": "",
        "forum_id": "",
    }
    data.update(overrides)
    return data


def read_python(ics: bytes) -> list[dict]:
    """Events as the Python icalendar library reads them, times in UTC."""
    calendar = Calendar.from_ical(ics)
    return [
        {
            "uid": str(e["UID"]),
            "summary": str(e.get("SUMMARY", "")),
            "description": str(e.get("DESCRIPTION", "")),
            "start": e.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "end": e.end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "tzid": e["DTSTART"].params.get("TZID"),
            "properties": sorted({name.lower() for name, _ in e.property_items(recursive=False)} - {"begin", "end"}),
            "attendees": [str(a) for a in e.attendees],
        }
        for e in calendar.walk("VEVENT")
    ]


def read_icaljs(ics: bytes) -> list[dict]:
    """Events as ical.js (Thunderbird's parser) reads them, times in UTC."""
    result = subprocess.run(  # noqa: S603 - fixed script, our own test data
        [NODE, ICALJS_SCRIPT], input=ics, capture_output=True, check=True, cwd=ROOT, timeout=60
    )
    return json.loads(result.stdout)


def snapshot(app, engagement_id: int) -> dict:
    """What an engagement says, and how many audit events there are: for 'nothing changed' checks."""
    from sqlalchemy import func, select

    from engage.audit.models import AuditEvent
    from engage.engagements.models import Engagement
    from engage.extensions import db

    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        return {
            "title": engagement.title,
            "version": engagement.version,
            "sequence": engagement.sequence,
            "starts_at": engagement.starts_at,
            "followers": sorted(u.id for u in engagement.followers),
            "audit": db.session.execute(select(func.count(AuditEvent.id))).scalar_one(),
        }
