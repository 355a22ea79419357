"""Small helpers shared by the WTForms classes of every feature."""

from collections.abc import Iterable

from wtforms import DateField, HiddenField, IntegerField
from wtforms.fields.choices import SelectChoice

from engage.ids import as_id, as_number
from engage.validation import countries


def choices(pairs: Iterable[tuple[str, str] | str]) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs or plain values."""
    return [SelectChoice(p) if isinstance(p, str) else SelectChoice(p[0], p[1]) for p in pairs]


# --- Fields and coercions shared by the consultation and policy forms (and any later ones) ---


def int_or_none(value):
    """SelectField coercion: an id, or None for the blank choice (and anything that is not a number)."""
    return as_id(value) if value not in (None, "", "None") else None


class IsoDateField(DateField):
    """A YYYY-MM-DD date with a message that says what to type."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "YYYY-MM-DD", "inputmode": "numeric"})
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter the date as YYYY-MM-DD, e.g. 2026-11-25.")


class WholeNumberField(IntegerField):
    """A whole number a person types, `low` to `high`, with `message` when it is anything else.

    WTForms' IntegerField takes any length of digits, and its NumberRange then fails on a number too
    large for a float (a 500 for "9" × 300); this one refuses what is out of range while reading it."""

    def __init__(self, label=None, validators=None, low: int = 0, high: int = 2**31 - 1, message: str = "", **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "min": low, "max": high})
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high
        self.message = message or f"Enter a whole number from {low:,} to {high:,}."

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        self.data = as_number(valuelist[0], self.low, self.high)
        if self.data is None:
            raise ValueError(self.message)


def record_id(value) -> int:
    """A multiple select's coercion: each value a record id; anything else is an invalid choice."""
    number = as_id(value)
    if number is None:
        raise ValueError(f"“{str(value)[:40]}” is not a record id")
    return number


def optional_id(value):
    """A select's id value: None when blank, -1 when not a number (the service refuses it)."""
    if value in (None, "", "None"):
        return None
    return as_id(value) or -1


def country_choices(blank: str = "— Choose a country —") -> list[SelectChoice]:
    """A country select: a blank choice, then every country as "Name (CODE)"."""
    return choices([("", blank), *((code, f"{name} ({code})") for code, name in countries().items())])


class VersionField(HiddenField):
    """The version of the record a form edits (optimistic locking, see `queries.check_version`).

    On a GET it shows the record's version; on a POST its value is only what the request sent:
    never the record's current version, so an edit without it is refused rather than applied.
    Missing, blank, non-numeric or out of range, it is None, and every edit refuses None alike.
    (0 is a number: refused as stale.)
    """

    def process_formdata(self, valuelist):
        self.data = as_number(valuelist[0]) if valuelist else None  # 0 is a stale version, not a missing one

    def _value(self):
        return "" if self.data is None else str(self.data)
