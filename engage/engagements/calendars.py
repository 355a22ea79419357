"""The month, week and agenda calendars: which days they show and what falls on each day."""

import calendar as calendar_module
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engage.auth.models import User
from engage.engagements.models import Engagement
from engage.engagements.queries import Filters, in_range

VIEWS = ("month", "week", "agenda")
AGENDA_DAYS = 30


def bounds(view: str, anchor: date) -> tuple[date, date, date, date]:
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


@dataclass
class CalendarPage:
    view: str
    zone: str
    today: date
    anchor: date
    start: date
    end: date
    prev_anchor: date
    next_anchor: date
    days: dict[date, list[Engagement]]
    count: int

    @property
    def weeks(self) -> list[list[tuple[date, list[Engagement]]]]:
        items = list(self.days.items())
        return [items[i : i + 7] for i in range(0, len(items), 7)]


def page(user: User, filters: Filters, view: str | None, anchor: date | None, zone_name: str) -> CalendarPage:
    """The engagements `user` may see placed on the days of the view, in the reader's zone."""
    view = view if view in VIEWS else "month"
    zone = ZoneInfo(zone_name)
    today = datetime.now(zone).date()
    anchor = anchor or today
    start, end, prev_anchor, next_anchor = bounds(view, anchor)
    start_utc = datetime.combine(start, time(0), zone).astimezone(UTC)
    end_utc = datetime.combine(end, time(0), zone).astimezone(UTC)
    engagements = in_range(user, filters, start_utc, end_utc)
    days: dict[date, list[Engagement]] = {start + timedelta(days=n): [] for n in range((end - start).days)}
    for engagement in engagements:
        first = engagement.starts_at.astimezone(zone).date()
        # An event ending at midnight does not spill into the next day.
        last = (engagement.ends_at.astimezone(zone) - timedelta(microseconds=1)).date()
        day = max(first, start)
        while day <= last and day < end:
            days[day].append(engagement)
            day += timedelta(days=1)
    return CalendarPage(view, zone_name, today, anchor, start, end, prev_anchor, next_anchor, days, len(engagements))
