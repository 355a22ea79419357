"""From a file's cells to the data the people and organisation services take: one row at a
time, with each problem named by the column it came from."""

import re

import pycountry

from engage.organizations.models import ORGANISATION_KINDS
from engage.organizations.services import OrganisationData
from engage.people.services import PersonData
from engage.transfer.mapping import MULTI

FORMULA = ("=", "+", "-", "@", "\t", "\r")
YES = {"yes", "y", "true", "1", "x", "do not contact"}
# The columns of a vCard, named as the page names a problem's column.
VCARD_COLUMNS = {
    "name": "FN",
    "email": "EMAIL",
    "other_emails": "EMAIL",
    "phones": "TEL",
    "organisation": "ORG",
    "title": "TITLE",
    "country": "ADR",
    "bio": "NOTE",
    "links": "URL",
}
KIND_BY_LABEL = {label.lower(): k for k, label in ORGANISATION_KINDS.items()} | {k: k for k in ORGANISATION_KINDS}


def _plain(value: str) -> str:
    """A cell as typed: the apostrophe our own exports put before formula characters removed."""
    value = (value or "").strip()
    if value.startswith("'") and value[1:2] in FORMULA:
        return value[1:]
    return value


def _many(value: str) -> list[str]:
    # Google Contacts writes several values in one cell separated by " ::: ".
    if ":::" not in value and "\n" not in value:  # most cells: one value (no regex per cell)
        return [value] if value else []
    return [v.strip() for v in re.split(r"\s*:::\s*|\n", value or "") if v.strip()]


def values_of(cells: list[str], headers: list[str], fields: list[str]) -> tuple[dict, dict]:
    """({field: value or list}, {field: the header it came from}) for one row."""
    values: dict = {}
    source: dict = {}
    for index, field in enumerate(fields):
        if not field or index >= len(cells):
            continue
        cell = _plain(cells[index])
        if field in MULTI or field == "email":
            found = _many(cell)
            if field == "email" and found:
                values["email"] = found[0]
                values.setdefault("other_emails", []).extend(found[1:])
            elif found:
                values.setdefault(field, []).extend(found)
        elif cell:
            values[field] = cell
        source.setdefault(field, headers[index])
    return values, source


def country_code(value: str) -> str:
    """An ISO code for a country given by code or by name ("Deutschland" stays, and is refused)."""
    value = (value or "").strip()
    if len(value) <= 2:
        return value
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        return value


def full_name(values: dict) -> str:
    if values.get("name"):
        return values["name"]
    return " ".join(values[k] for k in ("first_name", "middle_name", "last_name") if values.get(k))


def person_data(values: dict, owner_id: int | None) -> PersonData:
    emails = values.get("emails") or []  # vCards give a list already in order
    email = values.get("email") or (emails[0] if emails else "")
    others = [*values.get("other_emails", []), *emails[1:]]
    joined = {k: "\n".join(values.get(k) or []) for k in ("phones", "links")}
    return PersonData(
        name=full_name(values),
        email=email,
        other_emails="\n".join(others),
        phones=joined["phones"],
        links=joined["links"],
        organisation=values.get("organisation", ""),
        title=values.get("title", ""),
        country=country_code(values.get("country", "")),
        languages=values.get("languages", ""),
        time_zone=values.get("time_zone", ""),
        pronouns=values.get("pronouns", ""),
        bio=values.get("bio", ""),
        do_not_contact=str(values.get("do_not_contact", "")).strip().lower() in YES,
        owner_id=owner_id,
    )


def organisation_data(values: dict) -> OrganisationData:
    kind = (values.get("kind") or "other").strip()
    return OrganisationData(
        name=values.get("name", ""),
        kind=KIND_BY_LABEL.get(kind.lower(), kind),
        country=country_code(values.get("country", "")),
        website=(values.get("website") or [""])[0]
        if isinstance(values.get("website"), list)
        else values.get("website", ""),
        parent=values.get("parent", ""),
        description=values.get("description", ""),
    )


def column_for(field: str, source: dict) -> str:
    """The column a service's message about `field` belongs to."""
    if field == "name":
        return source.get("name") or " + ".join(source[k] for k in ("first_name", "last_name") if k in source) or "name"
    if field == "owner":
        return "(owner)"
    return source.get(field, field)


def message(text: str) -> str:
    return re.sub(r"^Line \d+: ", "", text)
