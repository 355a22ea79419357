"""Record ids and numbers from the outside world: URL paths, query strings and form fields.

Every id column is an INTEGER: 32 bits on PostgreSQL (64 on SQLite), so a number of 2^31 or
more can never name a record; handed to the database it fails (NumericValueOutOfRange on
PostgreSQL from 2^31, OverflowError on SQLite from 2^63). Everything a client sends as an id goes through `as_id`,
so an out-of-range, negative, zero, non-ASCII or non-numeric value is "no such record" (a 404
for a path, an ignored filter with a message for a query string, a field message for a form).
"""

import re
from collections.abc import Mapping

from flask import flash, has_request_context
from werkzeug.routing import BaseConverter, ValidationError

MAX_ID = 2**31 - 1  # the largest PostgreSQL INTEGER: every id and version column
_NUMBER = re.compile(r"[0-9]{1,19}")  # ASCII digits only: "١" and "²" pass str.isdigit()


def as_number(value, low: int = 0, high: int = MAX_ID) -> int | None:
    """`value` as an int between `low` and `high`, or None when it is not one (whatever its type)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if low <= number <= high else None


def as_id(value) -> int | None:
    """`value` as a record id (1 … 2^31-1), or None when it cannot be one."""
    return as_number(value, low=1)


def as_ids(values) -> list[int]:
    """The values of a multiple select that can be record ids, in order, without repeats."""
    seen: dict[int, None] = {}
    for value in values or ():
        if (number := as_id(value)) is not None:
            seen.setdefault(number)
    return list(seen)


def number_arg(args: Mapping[str, str], name: str, low: int = 1, high: int = MAX_ID) -> int | None:
    """A numeric filter from the query string: the number, or None when blank.

    A value that is not a whole number between `low` and `high` is ignored, and the page says so
    (a flashed message above the list), the same way on every list.
    """
    raw = str(args.get(name) or "").strip()
    if not raw:
        return None
    number = as_number(raw, low, high)
    if number is None and has_request_context():
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        flash(f"The filter “{name}” was ignored: “{shown}” is not a number from {low} to {high}.", "warning")
    return number


def id_arg(args: Mapping[str, str], name: str) -> int | None:
    """A record-id filter from the query string (see `number_arg`)."""
    return number_arg(args, name)


class IdConverter(BaseConverter):
    """`<id:name>` in a route: a record id, 1 … 2^31-1, ASCII digits; anything else does not match (404)."""

    regex = r"[0-9]+"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = as_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))
