"""Writing the audit log, in the same transaction as the change it records."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert, inspect

from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.extensions import db
from engage.queries import check_version

# The key of an event's `changes` that holds facts rather than before/after pairs.
DETAILS = "details"
# Never copied into the audit log, even as a changed field.
SECRET_FIELDS = {"password_hash", "session_token", "feed_token"}


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where: passed explicitly to every service."""

    user: User | None
    remote_addr: str | None = None
    via: str | None = None  # the API token's name, when the request came through the JSON API


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "id") and hasattr(value, "__table__"):
        return {"id": value.id}
    return value


def changed_fields(obj) -> dict[str, list]:
    """The columns of `obj` changed in this session, as {field: [old, new]}."""
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SECRET_FIELDS or attr.key in {"version", "updated_at", "created_at"}:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[attr.key] = [_plain(old), _plain(new)]
    for key in SECRET_FIELDS:
        if key in state.attrs and state.attrs[key].history.has_changes():
            changes[key] = ["…", "changed"]
    return changes


def record_type(model) -> str:
    """The one name the audit log uses for a model (class or instance): its table's name."""
    table = getattr(model, "__tablename__", None)
    if not isinstance(table, str):
        raise TypeError(f"audit records name a model, not {model!r}")
    return table


def record(
    actor: Actor,
    action: str,
    model,
    record_id: int | None,
    summary: str = "",
    changes: dict | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add an audit event about a record of `model` to the current transaction (the edge commits both).

    `changes` are {field: [before, after]}; `details` are facts about the event that are not
    changes (a document's id and SHA-256), kept under DETAILS so the log shows them whole.
    """
    if actor.via:  # a write through the JSON API names the token it came with
        summary = f"{summary} (API token “{actor.via}”)".strip()
        details = {**(details or {}), "api_token": actor.via}
    if details:
        changes = {**(changes or {}), DETAILS: details}
    event = AuditEvent(
        user_id=actor.user.id if actor.user else None,
        action=action,
        record_type=record_type(model),
        record_id=record_id,
        summary=summary[:300],
        remote_addr=actor.remote_addr,
        changes=changes or None,
    )
    db.session.add(event)
    return event


def record_each(actor: Actor, action: str, model, summaries: dict[int, str]) -> None:
    """One event per record of `model` ({record id: summary}), written in one statement however many."""
    if not summaries:
        return
    user_id = actor.user.id if actor.user else None
    rows = [
        {
            "user_id": user_id,
            "action": action,
            "record_type": record_type(model),
            "record_id": record_id,
            "summary": summary[:300],
            "remote_addr": actor.remote_addr,
        }
        for record_id, summary in sorted(summaries.items())
    ]
    db.session.execute(insert(AuditEvent), rows)


def record_change(actor: Actor, action: str, obj, summary: str = "") -> AuditEvent:
    """Audit a create or update of a model instance, with the fields that changed."""
    changes = changed_fields(obj)
    db.session.flush()  # so a new record has its id
    return record(actor, action, obj, obj.id, summary, changes)


def record_create(actor: Actor, obj, summary: str = ""):
    """Add a new record `obj` to the session and audit its creation with the fields it was given."""
    db.session.add(obj)
    record_change(actor, "create", obj, summary)
    return obj


def record_update(actor: Actor, obj, version: int | None, values: dict, noun: str, summary: str):
    """Apply `values` to `obj` edited from `version` (a stale one raises ConflictError), and audit it."""
    check_version(obj, version, noun)
    for key, value in values.items():
        setattr(obj, key, value)
    record_change(actor, "update", obj, summary)
    return obj
