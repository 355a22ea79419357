"""Small helpers shared by the WTForms classes of every feature."""

from collections.abc import Iterable

from wtforms import DateField
from wtforms.fields.choices import SelectChoice

from engage.validation import countries


def choices(pairs: Iterable[tuple[str, str] | str]) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs or plain values."""
    return [SelectChoice(p) if isinstance(p, str) else SelectChoice(p[0], p[1]) for p in pairs]


# --- Fields and coercions shared by the consultation and policy forms (and any later ones) ---


def int_or_none(value):
    """SelectField coercion: an id, or None for the blank choice (and anything that is not a number)."""
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


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


def optional_id(value):
    """A select's id value: None when blank, -1 when not a number (the service refuses it)."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    return int(value) if str(value).isdigit() else -1


def country_choices(blank: str = "— Choose a country —") -> list[SelectChoice]:
    """A country select: a blank choice, then every country as "Name (CODE)"."""
    return choices([("", blank), *((code, f"{name} ({code})") for code, name in countries().items())])


def posted(field):
    """The field's value as the request sent it; None when the request left it out. For a form's
    `version`, which must never fall back to the record's current one (an edit without it is refused)."""
    return field.data if field.raw_data else None
