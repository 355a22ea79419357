"""How a reader likes dates written (their account setting): one formatter for every page, the
briefing pack and its phone version. The default writes the month as a word, which no reader
can misread; the numeric styles are the ISO, day-first and month-first orders."""

from datetime import date, datetime

from flask import has_request_context
from flask_login import current_user

DEFAULT_DATE_FORMAT = "day-month"
DATE_FORMATS = {  # key → label shown on /account (an example date in that style)
    "day-month": "1 Dec 2026",
    "iso": "2026-12-01",
    "dmy": "01/12/2026",
    "mdy": "12/01/2026",
}


def format_day(value: date | datetime | None, style: str | None = None) -> str:
    """`value` as a date in `style` (an unknown or missing style: the default); None as a dash."""
    if value is None:
        return "—"
    match style if style in DATE_FORMATS else DEFAULT_DATE_FORMAT:
        case "iso":
            return f"{value:%Y-%m-%d}"
        case "dmy":
            return f"{value:%d/%m/%Y}"
        case "mdy":
            return f"{value:%m/%d/%Y}"
        case _:
            return f"{value.day} {value:%b %Y}"


def reader_date_format(user) -> str:
    """The style a signed-in reader chose, else the default (anonymous readers, background jobs)."""
    style = getattr(user, "date_format", None)
    return style if style in DATE_FORMATS else DEFAULT_DATE_FORMAT


def for_reader(value: date | datetime | None) -> str:
    """`value` as the signed-in reader of this request writes dates (the default outside one)."""
    return format_day(value, reader_date_format(current_user if has_request_context() else None))
