"""Reading invitations (.ics from Outlook, Google Calendar, Apple Calendar): bytes in, data out.

Times are resolved by the icalendar library through the file's own VTIMEZONE; the
engagement keeps an IANA zone: the zone itself when the file names one, the IANA
equivalent of a Windows zone name ("W. Europe Standard Time" → Europe/Berlin), the
calendar's X-WR-TIMEZONE, or the importer's own display zone for UTC ("Z") times.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from engage.validation import time_zones

MAX_BYTES = 2_000_000  # defaults; the app passes INVITATION_MAX_BYTES and INVITATION_MAX_EVENTS
MAX_EVENTS = 200
STATUS_FROM_ICAL = {"CONFIRMED": "confirmed", "TENTATIVE": "proposed", "CANCELLED": "cancelled"}
RSVP_FROM_PARTSTAT = {
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentative",
    "NEEDS-ACTION": "invited",
    "DELEGATED": "invited",
}

# What calendar clients put before the title of a cancellation ("Canceled: Panel", Outlook in
# German "Abgesagt: Panel", French "Annulé : Panel"): not part of the engagement's title.
CANCEL_PREFIX = re.compile(
    r"^\s*(?:canceled|cancelled|cancelado|cancelada|annulé|annulée|annullato|annullata|abgesagt"
    r"|storniert|geannuleerd|afgelyst|inställd|peruttu|odwołane|zrušeno|отменено|отменена)"
    r"(?:\s+(?:event|meeting|invitation))?\s*[:：\-–—]\s*",
    re.IGNORECASE,
)


class InviteError(ValueError):
    """The upload is not an invitation we can read; the message is for the user."""


@dataclass
class InviteAttendee:
    email: str
    name: str = ""
    rsvp: str = "invited"


@dataclass
class Invite:
    uid: str
    title: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    timezone: str
    zone_note: str = ""
    zone_given: bool = True  # False when the file only gives UTC or floating times
    location: str = ""
    description: str = ""
    status: str = "confirmed"
    sequence: int = 0
    stamp: datetime | None = None  # DTSTAMP (UTC): orders updates that share a SEQUENCE
    url: str = ""
    organizer: InviteAttendee | None = None
    attendees: list[InviteAttendee] = field(default_factory=list)

    @property
    def cancels(self) -> bool:
        """A cancellation (METHOD:CANCEL or STATUS:CANCELLED)."""
        return self.status == "cancelled"


def _email(address) -> str:
    value = str(address or "").strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    return value.strip().lower() if "@" in value else ""


def _zone_for(prop, value, calendar_zone: str | None, fallback: str) -> tuple[str, str]:
    """(IANA zone, note) for a DTSTART property."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        key = getattr(value.tzinfo, "key", None)
        if key in time_zones() and key != "UTC":
            return key, ""
        tzid = str(prop.params.get("TZID", "") or "").strip().strip('"')
        if tzid in time_zones() and tzid != "UTC":
            return tzid, ""
        if tzid in WINDOWS_TO_OLSON:
            return WINDOWS_TO_OLSON[tzid], f"Windows zone “{tzid}” read as {WINDOWS_TO_OLSON[tzid]}."
        if tzid and tzid != "UTC":
            note = f"Unknown zone “{tzid}”: the instant is kept, shown in {calendar_zone or fallback}."
            return calendar_zone or fallback, note
    if calendar_zone:
        return calendar_zone, ""
    return fallback, f"The invitation gives times in UTC; shown in {fallback}."


def _instant(value, zone: str) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: read in the chosen zone
            return value.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
        return value.astimezone(UTC)
    if isinstance(value, date):  # all-day
        return datetime.combine(value, time(0), ZoneInfo(zone)).astimezone(UTC)
    raise InviteError("An event has a start or end that is not a date or time.")


def _too_many(count: int, max_events: int) -> InviteError:
    return InviteError(
        f"The file holds {count:,} events; Engage imports at most {max_events:,} from one file. "
        "Export a shorter stretch of the calendar (or the one invitation) and import that."
    )


def parse(
    data: bytes, fallback_zone: str = "Europe/London", max_bytes: int = MAX_BYTES, max_events: int = MAX_EVENTS
) -> list[Invite]:
    """The events of an .ics file; InviteError with a clear message for anything unreadable,
    larger than `max_bytes` or holding more than `max_events` events."""
    if not data or not data.strip():
        raise InviteError("The file is empty. Choose the .ics file saved from the invitation.")
    if len(data) > max_bytes:
        raise InviteError(f"The file is larger than {max_bytes / 1_000_000:g} MB; an invitation is much smaller.")
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    if "BEGIN:VCALENDAR" not in text.upper():
        raise InviteError("This is not an iCalendar file (.ics): it has no BEGIN:VCALENDAR.")
    if (count := len(re.findall(r"^BEGIN:VEVENT", text, re.IGNORECASE | re.MULTILINE))) > max_events:
        raise _too_many(count, max_events)  # counted before parsing: a huge file is not read
    try:
        calendar = Calendar.from_ical(text)
        raw_events = calendar.walk("VEVENT")
    except Exception as error:  # the parser raises several types for malformed input
        raise InviteError(f"The file could not be read as iCalendar: {str(error)[:200]}")
    if not raw_events:
        raise InviteError("The file has no event (VEVENT) in it.")
    if len(raw_events) > max_events:
        raise _too_many(len(raw_events), max_events)
    cancel = str(calendar.get("METHOD", "") or "").strip().upper() == "CANCEL"
    calendar_zone = str(calendar.get("X-WR-TIMEZONE", "") or "").strip() or None
    if calendar_zone not in time_zones():
        calendar_zone = None
    invites = []
    for number, event in enumerate(raw_events, start=1):
        try:
            invites.append(_invite(event, calendar_zone, fallback_zone, cancel))
        except InviteError as error:
            raise InviteError(f"Event {number}: {error}")
        except Exception as error:
            raise InviteError(f"Event {number} could not be read: {str(error)[:200]}")
    return invites


def _stamp(event) -> datetime | None:
    value = getattr(event.get("DTSTAMP"), "dt", None)
    if not isinstance(value, datetime):
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def _invite(event, calendar_zone: str | None, fallback: str, cancel: bool = False) -> Invite:
    uid = str(event.get("UID", "") or "").strip()
    if not uid:
        raise InviteError("it has no UID, so it could not be matched later.")
    if len(uid) > 255:
        raise InviteError("its UID is longer than 255 characters.")
    start_prop = event.get("DTSTART")
    if start_prop is None:
        raise InviteError("it has no start time (DTSTART).")
    start_value = event.start
    zone, note = _zone_for(start_prop, start_value, calendar_zone, fallback)
    starts_at = _instant(start_value, zone)
    try:
        end_value = event.end
    except Exception:
        end_value = None
    ends_at = _instant(end_value, zone) if end_value is not None else starts_at + timedelta(hours=1)
    if ends_at <= starts_at:
        ends_at = starts_at + timedelta(hours=1)
    organizer = event.get("ORGANIZER")
    attendees = []
    for attendee in event.get("ATTENDEE", []) if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")]:
        if attendee is None:
            continue
        email = _email(attendee)
        if email:
            name = str(attendee.params.get("CN", "") or "")
            attendees.append(
                InviteAttendee(
                    email,
                    "" if name.lower() == email else name,
                    RSVP_FROM_PARTSTAT.get(str(attendee.params.get("PARTSTAT", "")).upper(), "invited"),
                )
            )
    status = "cancelled" if cancel else STATUS_FROM_ICAL.get(str(event.get("STATUS", "CONFIRMED")).upper(), "confirmed")
    title = str(event.get("SUMMARY", "") or "").strip()
    if status == "cancelled":
        title = CANCEL_PREFIX.sub("", title, count=1).strip()
    return Invite(
        uid=uid,
        title=title or "(untitled invitation)",
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone,
        zone_note=note,
        zone_given=not note.startswith("The invitation gives times in UTC"),
        location=str(event.get("LOCATION", "") or "").strip(),
        description=str(event.get("DESCRIPTION", "") or "").replace("\r\n", "\n").strip(),
        status=status,
        sequence=int(event.get("SEQUENCE", 0) or 0),
        stamp=_stamp(event),
        url=str(event.get("URL", "") or "").strip(),
        organizer=InviteAttendee(_email(organizer), str(organizer.params.get("CN", "") or ""))
        if organizer is not None and _email(organizer)
        else None,
        attendees=attendees,
    )
