"""Acceptance: engagements land at the right instant, and text round-trips exactly, when the
.ics and the feed are read by the Python icalendar library and by ical.js (Thunderbird)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engage.auth.models import User
from engage.engagements.models import Engagement
from engage.extensions import db
from tests.engagements.helpers import form_data, read_icaljs, read_python
from tests.factories import make_engagement, make_person, saved

# (zone, local start, local end, expected UTC start, expected UTC end)
CASES = [
    # The day after the EU spring change: CEST, UTC+2.
    ("Europe/Brussels", "2026-03-30T10:00", "2026-03-30T11:00", "2026-03-30T08:00", "2026-03-30T09:00"),
    # Between the EU (25 Oct) and US (1 Nov) autumn changes: New York still on EDT, UTC-4.
    ("America/New_York", "2026-10-27T09:00", "2026-10-27T10:30", "2026-10-27T13:00", "2026-10-27T14:30"),
    # Lord Howe: UTC+11 in January (summer), UTC+10:30 in July — a half-hour shift.
    ("Australia/Lord_Howe", "2026-01-15T09:00", "2026-01-15T10:00", "2026-01-14T22:00", "2026-01-14T23:00"),
    ("Australia/Lord_Howe", "2026-07-15T09:00", "2026-07-15T10:00", "2026-07-14T22:30", "2026-07-14T23:30"),
    # Kolkata: UTC+5:30 all year.
    ("Asia/Kolkata", "2026-11-02T15:00", "2026-11-02T16:00", "2026-11-02T09:30", "2026-11-02T10:30"),
]


def _z(value: str) -> str:
    return value + ":00.000Z"


@pytest.fixture
def created(app, client, users, as_role):
    """The CASES entered through the form by the editor, who speaks at each (their feed: mine)."""
    token = as_role("editor")
    with app.app_context():
        editor_id = db.session.execute(select(User.id).where(User.email == users["editor"])).scalar_one()
    uids = []
    for n, (zone, start, end, *_rest) in enumerate(CASES):
        response = client.post(
            "/engagements/new",
            data=form_data(
                token,
                title=f"Case {n}",
                timezone=zone,
                starts_at=start,
                ends_at=end,
                speaker_ids=[str(editor_id)],
            ),
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        rows = db.session.execute(select(Engagement).order_by(Engagement.id)).scalars().all()
        uids = [(e.id, e.uid) for e in rows]
        feed_token = db.session.get(User, editor_id).feed_token
    return uids, feed_token


def _check(events: list[dict], uids):
    by_uid = {e["uid"]: e for e in events}
    for (engagement_id, uid), (zone, _s, _e, utc_start, utc_end) in zip(uids, CASES, strict=True):
        event = by_uid[uid]
        assert (event["start"], event["end"]) == (_z(utc_start), _z(utc_end)), (zone, engagement_id)
        assert event["tzid"] == zone


def test_single_ics_resolves_to_the_right_instant_in_both_parsers(client, created):
    uids, _ = created
    for engagement_id, uid in uids:
        body = client.get(f"/engagements/{engagement_id}.ics").get_data()
        assert body.count(b"BEGIN:VTIMEZONE") == 1
        for reader in (read_python, read_icaljs):
            events = reader(body)
            assert len(events) == 1 and events[0]["uid"] == uid
    # All five checked at once, in both parsers, through the feed and the downloads.
    bodies = [client.get(f"/engagements/{i}.ics").get_data() for i, _ in uids]
    for reader in (read_python, read_icaljs):
        _check([reader(b)[0] for b in bodies], uids)


def test_feed_resolves_to_the_right_instant_in_both_parsers(client, created):
    uids, feed_token = created
    client.post("/logout", data={})  # the feed needs no session
    body = client.get(f"/calendar/{feed_token}.ics").get_data()
    # One VTIMEZONE per zone used (four zones), each present exactly once.
    assert body.count(b"BEGIN:VTIMEZONE") == 4
    for reader in (read_python, read_icaljs):
        _check(reader(body), uids)


TRICKY_TITLE = 'Panel, "youth"; safety \\ wellbeing 🎉🧠 — 50% off_'
TRICKY_TEXT = "Line one, with comma; and semicolon\nLine two \\ backslash\n\nEmoji: 🌍🫶\nTABS\tkept"
INJECTION = "x\r\nATTENDEE:mailto:evil@x"


def test_text_round_trips_exactly_and_cannot_add_properties(app, client, as_role):
    with app.app_context():
        person = make_person(name='Doe, "Jane"; PhD', email="jane@uni.example")
        engagement = make_engagement(
            title=TRICKY_TITLE,
            objectives=TRICKY_TEXT,
            venue="Room 1; Floor 2, \\Annex",
            participants=[(person, "moderator", "tentative")],
        )
        injected = make_engagement(title=INJECTION, objectives="y\nDTSTART:19700101T000000Z\r\nSTATUS:CANCELLED")
        db.session.commit()
        ids = engagement.id, injected.id
    as_role("viewer")
    body = client.get(f"/engagements/{ids[0]}.ics").get_data()
    for reader in (read_python, read_icaljs):
        (event,) = reader(body)
        assert event["summary"] == TRICKY_TITLE
        assert event["description"].startswith("Panel · ") or "Objectives:\n" + TRICKY_TEXT in event["description"]
        assert "Objectives:\n" + TRICKY_TEXT + "\n\n" in event["description"]
    js = read_icaljs(body)[0]
    assert js["location"] == "Room 1; Floor 2, \\Annex"
    assert [(a["cn"], a["partstat"]) for a in js["attendees"]] == [('Doe, "Jane"; PhD', "TENTATIVE")]

    body = client.get(f"/engagements/{ids[1]}.ics").get_data()
    for reader in (read_python, read_icaljs):
        (event,) = reader(body)
        # The line break is kept as text (normalised to \n); no property is added.
        assert event["summary"] == "x\nATTENDEE:mailto:evil@x" or event["summary"] == INJECTION
        props = [p.lower() for p in event["properties"]]
        assert props.count("attendee") == 0
        assert props.count("dtstart") == 1 and props.count("status") == 1
        assert event["start"] == "2026-12-03T09:00:00.000Z"
    assert b"\r\nATTENDEE:mailto:evil" not in body
    assert b"\r\nSTATUS:CANCELLED" not in body


def test_ics_has_uid_sequence_status_url_organizer_and_partstat(app, client, users, as_role):
    with app.app_context():
        accepted = make_person(name="Acc", email="acc@x.example")
        declined = make_person(name="Dec", email="dec@x.example")
        invited = make_person(name="Inv", email="inv@x.example")
        nomail = make_person(name="No Mail")
        nomail.emails.clear()
        dnc = make_person(name="Private", email="dnc@x.example", do_not_contact=True)
        speaker = db.session.execute(select(User).where(User.email == users["editor"])).scalar_one()
        engagement = make_engagement(
            status="cancelled",
            speakers=[speaker],
            agenda_items=[],
            participants=[
                (accepted, "co_panellist", "accepted"),
                (declined, "moderator", "declined"),
                (invited, "audience", "invited"),
                (nomail, "audience", "tentative"),
                (dnc, "audience", "accepted"),
            ],
            sequence=4,
        )
        db.session.commit()
        engagement_id, uid = engagement.id, engagement.uid
    as_role("viewer")
    response = client.get(f"/engagements/{engagement_id}.ics")
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True).replace("\r\n ", "")
    assert f"UID:{uid}" in text and "SEQUENCE:4" in text and "STATUS:CANCELLED" in text
    assert f"URL:http://localhost/engagements/{engagement_id}" in text  # the address the request came to
    assert "DTSTAMP:" in text and "ORGANIZER" in text
    js = read_icaljs(response.get_data())[0]
    partstats = {a["value"]: a["partstat"] for a in js["attendees"]}
    assert partstats == {
        f"mailto:{users['editor']}": "ACCEPTED",
        "mailto:acc@x.example": "ACCEPTED",
        "mailto:dec@x.example": "DECLINED",
        "mailto:inv@x.example": "NEEDS-ACTION",
    }
    assert js["status"] == "CANCELLED" and js["sequence"] == 4
    assert client.get("/engagements/999999.ics").status_code == 404


def test_sequence_grows_with_each_edit_in_the_ics(app, client, as_role):
    engagement_id = saved(app, make_engagement, timezone="Europe/Brussels")
    token = as_role("editor")
    for n in range(1, 3):
        with app.app_context():
            version = db.session.get(Engagement, engagement_id).version
        data = form_data(token, title=f"Edit {n}", version=str(version))
        assert client.post(f"/engagements/{engagement_id}/edit", data=data).status_code == 302
        assert read_icaljs(client.get(f"/engagements/{engagement_id}.ics").get_data())[0]["sequence"] == n


def test_vtimezone_is_built_once_per_zone_and_range():
    from engage.engagements import ical

    ical.vtimezone.cache_clear()
    event = ical.EventData(
        uid="u@x",
        summary="s",
        start=datetime(2026, 3, 30, 8, tzinfo=UTC),
        end=datetime(2026, 3, 30, 9, tzinfo=UTC),
        tzid="Europe/Brussels",
        dtstamp=datetime(2026, 1, 1, tzinfo=UTC),
    )
    for _ in range(5):
        ical.build_calendar([event])
    info = ical.vtimezone.cache_info()
    assert info.misses == 1 and info.hits == 4
