"""Acceptance (issue 10.2): for every zone the demo engagements use and every month of the
next five years — 10:00 local on the 15th, 01:30 local on each change night (both
occurrences when it happens twice) and half an hour either side of every change — the
feed and each event's own .ics give exactly the zoneinfo instant in ical.js (Thunderbird)
and in Python's icalendar. An engagement entered as the *second* 01:30 of an autumn night
stays the second in both parsers."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engage import zones
from engage.auth.models import User
from engage.demo.engagements import ZONES
from engage.engagements.models import Engagement
from engage.extensions import db
from tests.engagements.helpers import form_data, read_icaljs, read_python
from tests.factories import make_engagement, make_user

YEARS = 5
HOUR = timedelta(hours=1)


def _z(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Every instant in [start, end) at which the zone's UTC offset changes (to the minute)."""
    found, day = [], start
    while day < end:
        after = day + timedelta(days=1)
        if day.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            low, high = day, after
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
        day = after
    return found


def _cases(today: date) -> list[tuple[str, str, datetime]]:
    """(zone, label, UTC instant) for every case the acceptance names."""
    cases = []
    first = date(today.year, today.month, 1)
    for name in ZONES:
        zone = ZoneInfo(name)
        for n in range(12 * YEARS):
            year, month = first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1
            local = datetime(year, month, 15, 10, 0)
            cases.append((name, f"{local:%Y-%m} 10:00", zones.resolve(local, name)))
        since = datetime(first.year, first.month, 1, tzinfo=UTC)
        for change in _transitions(zone, since, since.replace(year=first.year + YEARS)):
            night = datetime.combine(change.astimezone(zone).date(), time(1, 30))
            if zones.exists(night, zone):
                folds = ("first", "second") if zones.is_ambiguous(night, zone) else ("first",)
                for fold in folds:
                    cases.append((name, f"{night:%Y-%m-%d} 01:30 ({fold})", zones.resolve(night, name, fold)))
            for delta in (timedelta(minutes=-30), timedelta(minutes=30)):
                cases.append((name, f"change {change:%Y-%m-%dT%H:%MZ} {delta}", change + delta))
    return cases


@pytest.fixture
def years(app):
    """One engagement per case, spoken at by one user; returns (cases with ids, feed token)."""
    cases = _cases(datetime.now(UTC).date())
    with app.app_context():
        speaker = make_user(role="editor", email="years@test.example")
        rows = [
            make_engagement(
                title=f"{name} {label}", timezone=name, starts_at=instant, ends_at=instant + HOUR, speakers=[speaker]
            )
            for name, label, instant in cases
        ]
        db.session.commit()
        return [(row.id, row.uid, *case) for row, case in zip(rows, cases, strict=True)], speaker.feed_token


def _wrong(events: list[dict], cases) -> list[str]:
    by_uid = {e["uid"]: e for e in events}
    assert set(by_uid) == {uid for _id, uid, *_ in cases}
    return [
        f"{name} {label}: read {by_uid[uid]['start']}–{by_uid[uid]['end']}, "
        f"zoneinfo says {_z(instant)}–{_z(instant + HOUR)}"
        for _id, uid, name, label, instant in cases
        if (by_uid[uid]["start"], by_uid[uid]["end"]) != (_z(instant), _z(instant + HOUR))
    ]


def _check(reader: str, events: list[dict], cases) -> None:
    wrong = _wrong(events, cases)
    assert not wrong, f"{reader}: {len(wrong)} of {len(cases)} wrong, e.g. " + "; ".join(wrong[:5])


def test_feed_and_each_ics_give_the_zoneinfo_instant_for_five_years_in_both_parsers(client, as_role, years):
    cases, token = years
    # Every zone with summer time has its changes in the cases, both occurrences of 01:30 among them.
    assert sum("01:30 (second)" in label for *_, label, _i in cases) >= 2 * YEARS
    body = client.get(f"/calendar/{token}.ics").get_data()
    assert body.count(b"BEGIN:VTIMEZONE") == len(ZONES)
    _check("python, feed", read_python(body), cases)
    _check("ical.js, feed", read_icaljs(body), cases)

    # Each engagement's own download (its VTIMEZONE covers other years than the feed's):
    # every change night, and every fourth month, to keep the test's requests few.
    singles = [c for n, c in enumerate(cases) if "10:00" not in c[3] or n % 4 == 0]
    as_role("viewer")
    bodies = [client.get(f"/engagements/{engagement_id}.ics").get_data() for engagement_id, *_ in singles]
    assert all(b.count(b"BEGIN:VEVENT") == 1 for b in bodies)
    _check("python, .ics", [event for body in bodies for event in read_python(body)], singles)
    # One ical.js run reads every download, each with only its own VTIMEZONE.
    _check("ical.js, .ics", read_icaljs(b"".join(bodies)), singles)


SECOND = [
    # (zone, local day, start, fold, end, end fold, UTC start, UTC end)
    ("Europe/London", "2026-10-25", "01:30", "second", "02:30", "", "2026-10-25T01:30", "2026-10-25T02:30"),
    ("Europe/London", "2026-10-25", "01:15", "first", "01:45", "second", "2026-10-25T00:15", "2026-10-25T01:45"),
    ("America/New_York", "2027-11-07", "01:30", "second", "01:50", "second", "2027-11-07T06:30", "2027-11-07T06:50"),
    ("Australia/Lord_Howe", "2027-04-04", "01:40", "second", "03:00", "", "2027-04-03T15:10", "2027-04-03T16:30"),
]


def test_a_second_occurrence_entered_in_the_form_stays_the_second_in_both_parsers(app, client, users, as_role):
    token = as_role("editor")
    with app.app_context():
        editor = db.session.execute(select(User).where(User.email == users["editor"])).scalar_one()
        editor_id, feed_token = editor.id, editor.feed_token
    for n, (zone, day, start, fold, end, end_fold, *_utc) in enumerate(SECOND):
        data = form_data(
            token,
            title=f"Second {n}",
            timezone=zone,
            starts_at=f"{day}T{start}",
            ends_at=f"{day}T{end}",
            fold=fold,
            end_fold=end_fold,
        )
        data["speaker_ids"] = [str(editor_id)]
        response = client.post("/engagements/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        rows = db.session.execute(select(Engagement.id, Engagement.uid).order_by(Engagement.id)).all()
    expected = {uid: (f"{s}:00.000Z", f"{e}:00.000Z") for (_id, uid), (*_x, s, e) in zip(rows, SECOND, strict=True)}
    singles = b"".join(client.get(f"/engagements/{engagement_id}.ics").get_data() for engagement_id, _ in rows)
    feed = client.get(f"/calendar/{feed_token}.ics").get_data()
    for body in (singles, feed):
        for reader in (read_icaljs, read_python):
            events = reader(body) if reader is read_icaljs or body is feed else _each_python(body)
            assert {e["uid"]: (e["start"], e["end"]) for e in events} == expected, reader.__name__


def _each_python(joined: bytes) -> list[dict]:
    parts = joined.split(b"END:VCALENDAR\r\n")
    return [event for part in parts if part.strip() for event in read_python(part + b"END:VCALENDAR\r\n")]
