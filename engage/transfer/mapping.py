"""Which column of an uploaded file holds which field.

The exports of common address books are recognised by their headers (Google Contacts, Outlook,
LinkedIn connections, Engage's own exports) and mapped without asking. Any other file gets a
mapping step, with a guess from the column names; the mapping the user confirms is kept for
the next file with the same headers (transfer/models.py)."""

import hashlib
import re

# The fields a column can fill, per kind of import, with the labels the mapping step shows.
PEOPLE_FIELDS = {
    "name": "Full name",
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "email": "Email",
    "other_emails": "Other email",
    "phones": "Phone",
    "organisation": "Organisation",
    "title": "Title or role",
    "country": "Country",
    "languages": "Languages",
    "time_zone": "Time zone",
    "pronouns": "Pronouns",
    "links": "Web page",
    "bio": "Bio or notes",
    "do_not_contact": "Do not contact (yes/no)",
}
ORGANISATION_FIELDS = {
    "name": "Name",
    "kind": "Type",
    "country": "Country",
    "website": "Website",
    "parent": "Part of (parent organisation)",
    "description": "Description",
}
FIELDS = {"people": PEOPLE_FIELDS, "organizations": ORGANISATION_FIELDS}
# Fields that collect several columns (Google's "E-mail 2 - Value", Outlook's "Mobile Phone" …).
MULTI = {"other_emails", "phones", "links"}


def key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (header or "").lower()).strip()


# Column names (as `key` spells them) → field, for people.
PEOPLE_HEADERS = {
    # Google Contacts (current header, and the older "Given Name" one)
    "first name": "first_name",
    "given name": "first_name",
    "middle name": "middle_name",
    "additional name": "middle_name",
    "last name": "last_name",
    "family name": "last_name",
    "organization name": "organisation",
    "organization 1 name": "organisation",
    "organization title": "title",
    "organization 1 title": "title",
    "e mail 1 value": "email",
    "notes": "bio",
    "address 1 country": "country",
    "website 1 value": "links",
    # Outlook
    "e mail address": "email",
    "company": "organisation",
    "job title": "title",
    "business country region": "country",
    "web page": "links",
    # LinkedIn connections
    "email address": "email",
    "position": "title",
    "url": "links",
    # Engage's own export and plain spreadsheets
    "name": "name",
    "full name": "name",
    "email": "email",
    "e mail": "email",
    "other emails": "other_emails",
    "phone": "phones",
    "phones": "phones",
    "mobile": "phones",
    "organisation": "organisation",
    "organization": "organisation",
    "title": "title",
    "role": "title",
    "country": "country",
    "languages": "languages",
    "time zone": "time_zone",
    "pronouns": "pronouns",
    "links": "links",
    "website": "links",
    "bio": "bio",
    "do not contact": "do_not_contact",
}
PEOPLE_PATTERNS = (
    (re.compile(r"^e mail [2-9] value$"), "other_emails"),
    (re.compile(r"^e mail [2-9] address$"), "other_emails"),
    (re.compile(r"^phone \d+ value$"), "phones"),
    (re.compile(r"^(business|mobile|home|primary|other|company main) phone( 2)?$"), "phones"),
)
ORGANISATION_HEADERS = {
    "name": "name",
    "organisation": "name",
    "organization": "name",
    "kind": "kind",
    "type": "kind",
    "country": "country",
    "website": "website",
    "web page": "website",
    "url": "website",
    "parent": "parent",
    "part of": "parent",
    "description": "description",
}
# Header sets that identify a known export: its name, and columns only it writes.
KNOWN_FORMATS = {
    "people": (
        ("Google Contacts", {"first name", "last name", "e mail 1 value"}),
        ("Google Contacts", {"given name", "family name", "e mail 1 value"}),
        ("Outlook", {"first name", "last name", "e mail address", "business phone"}),
        ("LinkedIn connections", {"first name", "last name", "email address", "connected on"}),
        ("Engage", {"name", "email", "other emails", "organisation", "do not contact"}),
    ),
    "organizations": (("Engage", {"name", "kind", "country", "website"}),),
}


def guess(kind: str, headers: list[str]) -> list[str]:
    """A field (or "" to ignore) for each header, from the column names alone. A single-valued
    field taken by an earlier column is not given to a later one."""
    table = PEOPLE_HEADERS if kind == "people" else ORGANISATION_HEADERS
    taken, fields = set(), []
    keys = {key(h) for h in headers}
    for header in headers:
        k = key(header)
        found = table.get(k, "")
        if k == "title" and "job title" in keys:
            found = ""  # Outlook's "Title" is the honorific (Mr, Dr); "Job Title" is the role
        if not found and kind == "people":
            found = next((f for pattern, f in PEOPLE_PATTERNS if pattern.match(k)), "")
        if found and found not in MULTI and found in taken:
            found = ""
        taken.add(found)
        fields.append(found)
    return fields


def known_format(kind: str, headers: list[str]) -> str | None:
    """The name of the export these headers come from, when we know it."""
    keys = {key(h) for h in headers}
    known = next((name for name, needed in KNOWN_FORMATS[kind] if needed <= keys), None)
    if known:
        return known
    # A sheet whose every column bears one of Engage's own field names (Name, Email, Country …).
    fields = guess(kind, headers)
    named = [h for h in headers if h.strip()]
    if named and all(f for h, f in zip(headers, fields, strict=True) if h.strip()) and check(kind, fields) is None:
        return "Engage columns"
    return None


def looks_like_header(kind: str, row: list[str]) -> bool:
    return known_format(kind, row) is not None or sum(1 for f in guess(kind, row) if f) >= 2


def signature(kind: str, headers: list[str]) -> str:
    """What identifies "a file with the same headers": the kind and the column names, in order."""
    return hashlib.sha256("\x1f".join([kind, *(key(h) for h in headers)]).encode()).hexdigest()


def check(kind: str, fields: list[str]) -> str | None:
    """Why a mapping cannot be used, or None."""
    chosen = set(fields)
    if kind == "people" and not ({"name", "first_name", "last_name"} & chosen):
        return "Choose the column that holds the name (or the first and last names)."
    if kind == "organizations" and "name" not in chosen:
        return "Choose the column that holds the organisation's name."
    unknown = chosen - set(FIELDS[kind]) - {""}
    if unknown:
        return "Choose each column's field from the list."
    doubled = [f for f in chosen if f and f not in MULTI and fields.count(f) > 1]
    if doubled:
        return f"Only one column can be “{FIELDS[kind][doubled[0]]}”."
    return None
