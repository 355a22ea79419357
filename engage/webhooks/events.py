"""The events a subscription can choose, and what their payloads may say.

A payload carries ids and what changed: the names of the fields, and the new values only of the
fields listed in VALUES. Never lived experience (not even its field name), never free text
(bios, points raised, rationales, notes), and of a consultation that is not `normal` only its id
and kind: a receiver is another system, outside the permission rules of the web app.
"""

from datetime import date, datetime

EVENTS = {
    "person.created": "A person is added",
    "person.updated": "A person's record changes",
    "person.merged": "Two people are merged into one",
    "person.erased": "A person is erased (a data-subject request)",
    "consultation.created": "A consultation is recorded",
    "decision.made": "A decision is made on a point raised",
    "engagement.changed": "An engagement is added, changed or deleted",
    "commitment.due": "A commitment falls due (once, on its due date)",
}

# Fields whose new values a payload may carry, by record kind; others are named, never shown.
VALUES = {
    "person": {"name", "title", "country", "owner_id", "nda_status", "do_not_contact", "archived"},
    "engagement": {"title", "kind", "status", "starts_at", "ends_at", "timezone", "country", "forum_id"},
    "decision": {"outcome", "decided_on", "policy_version_id", "clause_id", "no_change", "input_id"},
}
# Never named at all: special-category data, and the bookkeeping columns.
UNNAMED = {"lived_experience", "name_key", "version", "created_at", "updated_at", "erased_at", "id"}


def plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def changes(kind: str, fields: dict) -> dict:
    """{"fields": sorted names, "values": {allowed name: new value}} of a record's changed columns."""
    names = sorted(name for name in fields if name not in UNNAMED)
    values = {name: plain(fields[name]) for name in names if name in VALUES.get(kind, ())}
    return {"fields": names, "values": values}


def consultation_data(consultation_id: int, kind: str, confidentiality: str, title: str, held_on) -> dict:
    """A consultation as a payload shows it: id and kind, and title and date only when it is normal."""
    data = {"id": consultation_id, "kind": kind}
    if confidentiality == "normal":
        data |= {"title": title, "held_on": plain(held_on)}
    return data
