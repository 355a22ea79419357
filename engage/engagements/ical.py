"""iCalendar builder: plain event data in, RFC 5545 bytes out (no database, no request).

Built with the `icalendar` library, which escapes every text value and folds long
lines, so nothing typed into a title or a description can add a property.
Each VEVENT is memoised on its complete input (a frozen dataclass), so a feed of
thousands of unchanged events is joined from cached bytes; each VTIMEZONE is built
once per process for a zone and a range of years.

Times are written so that every reader gets the zoneinfo instant, not only readers that
know the IANA zone by name (Python's icalendar) but also those that go by our VTIMEZONE
(ical.js, inside Thunderbird):
- each zone change is its own RDATE line, the first onset included: ical.js reads only
  the first value of an RDATE list and ignores DTSTART once a component has an RDATE;
- a wall-clock time that happens twice (the hour the clocks go back) is written in UTC,
  since a TZID time always means its first occurrence (RFC 5545 §3.3.5) and readers
  disagree about it anyway. Times in a gap cannot arise: they come from an instant.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress

from engage import zones

PRODID = "-//Engage//Engagements//EN"
# Part of every event's cache key: bump it when `vevent` writes the same data differently,
# so that bodies kept in the event_cache table are rebuilt.
FORMAT = "2"

STATUS_MAP = {
    "proposed": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "done": "CONFIRMED",
    "cancelled": "CANCELLED",
}
PARTSTAT_MAP = {
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
    "invited": "NEEDS-ACTION",
}


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    partstat: str = "NEEDS-ACTION"  # iCalendar PARTSTAT
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class EventData:
    """Everything one VEVENT says; frozen and hashable so its bytes can be memoised."""

    uid: str
    summary: str
    start: datetime  # aware
    end: datetime  # aware
    tzid: str  # IANA zone the times are shown in
    dtstamp: datetime
    sequence: int = 0
    status: str = "CONFIRMED"
    location: str = ""
    description: str = ""
    url: str = ""
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()
    categories: tuple[str, ...] = ()


@lru_cache(maxsize=512)
def vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of `tzid` covering 1 Jan `first_year` to 1 Jan `last_year` (cached)."""
    component = Timezone.from_tzinfo(
        ZoneInfo(tzid), tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1)
    )
    for observance in component.subcomponents:
        if "RDATE" not in observance:
            continue
        rdates = observance.pop("RDATE")
        onsets = [observance.DTSTART] + [
            value.dt for group in (rdates if isinstance(rdates, list) else [rdates]) for value in group.dts
        ]
        for onset in sorted(set(onsets)):
            observance.add("rdate", onset)
    return component.to_ical()


def _address(person: Attendee, organizer: bool = False) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    if not organizer:
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = person.role
        address.params["PARTSTAT"] = person.partstat
    return address


def event_key(data: EventData) -> str:
    """A stable digest of everything the event says (the same in every process)."""
    return hashlib.sha256(f"{FORMAT}|{data!r}".encode()).hexdigest()


def _when(instant: datetime, tzid: str) -> datetime:
    """`instant` in its zone's wall-clock time, or in UTC when that wall-clock time happens twice."""
    zone = ZoneInfo(tzid)
    local = instant.astimezone(zone)
    return instant.astimezone(UTC) if zones.is_ambiguous(local.replace(tzinfo=None), zone) else local


@lru_cache(maxsize=50_000)
def vevent(data: EventData) -> bytes:
    """One VEVENT as bytes (memoised: the same data always gives the same bytes)."""
    event = Event()
    event.add("uid", data.uid)
    event.add("dtstamp", data.dtstamp.astimezone(UTC))
    event.add("sequence", data.sequence)
    event.add("dtstart", _when(data.start, data.tzid))
    event.add("dtend", _when(data.end, data.tzid))
    event.add("summary", data.summary)
    if data.location:
        event.add("location", data.location)
    if data.description:
        event.add("description", data.description)
    if data.url:
        event.add("url", data.url)
    event.add("status", data.status)
    if data.categories:
        event.add("categories", list(data.categories))
    if data.organizer and data.organizer.email:
        event.add("organizer", _address(data.organizer, organizer=True))
    for attendee in data.attendees:
        if attendee.email:
            event.add("attendee", _address(attendee))
    return event.to_ical()


def _year_range(events: list[EventData]) -> tuple[int, int]:
    if not events:
        year = datetime.now(UTC).year
        return year, year + 1
    first = min(e.start for e in events).year - 1
    last = max(e.end for e in events).year + 2
    # Round outwards to five-year blocks so that many feeds share a cached VTIMEZONE.
    return first - first % 5, last + (5 - last % 5) % 5


def build_calendar(events: list[EventData], name: str = "", rendered: list[bytes] | None = None) -> bytes:
    """A VCALENDAR holding `events`, with a VTIMEZONE for each zone they use.

    `rendered`, when given, holds each event's VEVENT bytes already (from a cache).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    head, _, tail = calendar.to_ical().rpartition(b"END:VCALENDAR")
    first, last = _year_range(events)
    zones = sorted({e.tzid for e in events} - {"UTC"})
    parts = [
        head,
        *(vtimezone(z, first, last) for z in zones),
        *(rendered if rendered is not None else (vevent(e) for e in events)),
        b"END:VCALENDAR\r\n",
    ]
    return b"".join(parts) + tail.strip()
