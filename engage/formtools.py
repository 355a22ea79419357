"""Small helpers shared by the WTForms classes of every feature."""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[str, str] | str]) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs or plain values."""
    return [SelectChoice(p) if isinstance(p, str) else SelectChoice(p[0], p[1]) for p in pairs]


def optional_id(value):
    """A select's id value: None when blank, -1 when not a number (the service refuses it)."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    return int(value) if str(value).isdigit() else -1
