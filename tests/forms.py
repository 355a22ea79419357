"""Read the forms a page offers and fill them as a user would: what the route walk posts."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from itertools import count

_unique = count(1)


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str = ""
    checked: bool = False
    required: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: tuple[str, bool] | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("hx-post") or a.get("action") or ""
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            self._form = Form(action.split("#")[0], method, a.get("enctype", ""))
            self.forms.append(self._form)
        elif self._form is None or ("name" not in a and tag != "option"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            self._form.fields.append(Field(a["name"], kind, a.get("value") or "", "checked" in a, "required" in a))
        elif tag == "select":
            self._select = Field(
                a["name"], "select-multiple" if "multiple" in a else "select", required="required" in a
            )
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            if a.get("value") is not None:
                self._select.options.append((a["value"], "selected" in a))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", required="required" in a)
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post"]


def _made_up(f: Field) -> str:
    """A plausible value for an empty field, by its type and name."""
    name, kind = f.name.lower(), f.kind
    tomorrow = date.today() + timedelta(days=1)
    if kind == "email" or name.endswith("email"):
        return f"walk-{next(_unique)}@example.org"
    if kind == "date" or name.endswith(("_on", "_from")) or name in ("date", "due"):
        return tomorrow.isoformat()
    if name.endswith("_to"):
        return (tomorrow + timedelta(days=30)).isoformat()
    if kind == "datetime-local" or name.endswith("_at"):
        return f"{tomorrow.isoformat()}T{'11' if 'end' in name else '10'}:00"
    if kind == "number" or name in ("amount", "influence"):
        return "2"
    if kind == "url" or "url" in name or "website" in name:
        return "https://example.org/walk"
    if "zone" in name or name == "tz":
        return "Europe/London"
    if name == "country":
        return "GB"
    if name == "currency":
        return "GBP"
    if "password" in name:
        return "a long walk-test password"
    return f"Walk test {next(_unique)}"


CHANGED = ("title", "name", "summary", "description", "rationale", "text", "purpose", "notes", "reason")


def fill(form: Form, overrides: dict | None = None) -> dict:
    """The data a user would send: what the page filled in, the blanks made up, one text changed."""
    data: dict[str, object] = {}
    changed = False
    for f in form.fields:
        if f.kind == "checkbox":
            if f.checked:
                data.setdefault(f.name, []).append(f.value or "y")
            continue
        if f.kind == "radio":  # the user changes the setting: the last option not already chosen
            if not f.checked:
                data[f.name] = f.value
            continue
        if f.kind in ("select", "select-multiple"):
            chosen = [v for v, selected in f.options if selected]
            if not chosen and (f.required or f.kind == "select"):
                chosen = [v for v, _ in f.options if v][:1]
            data[f.name] = chosen if f.kind == "select-multiple" else (chosen[0] if chosen else "")
            continue
        value = f.value
        if not value and f.kind not in ("hidden", "file"):
            value = _made_up(f) if (f.required or f.name.lower() in CHANGED) else ""
        elif value and not changed and f.name in CHANGED and f.kind != "hidden":
            value, changed = f"{value} (walked)", True
        data[f.name] = value
    data.update(overrides or {})
    return data
