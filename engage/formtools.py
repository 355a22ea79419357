"""Small helpers shared by the WTForms classes of every feature."""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice

from engage.validation import countries


def choices(pairs: Iterable[tuple[str, str] | str]) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs or plain values."""
    return [SelectChoice(p) if isinstance(p, str) else SelectChoice(p[0], p[1]) for p in pairs]


def country_choices(blank: str = "— Choose a country —") -> list[SelectChoice]:
    """A country select: a blank choice, then every country as "Name (CODE)"."""
    return choices([("", blank), *((code, f"{name} ({code})") for code, name in countries().items())])


def posted(field):
    """The field's value as the request sent it; None when the request left it out. For a form's
    `version`, which must never fall back to the record's current one (an edit without it is refused)."""
    return field.data if field.raw_data else None
