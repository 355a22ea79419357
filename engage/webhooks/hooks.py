"""Outbox rows written in the same transaction as the change (the pattern of engage/fulltext's
hooks): `after_flush` notes what each flush changed, while the attribute history still says
which fields; `before_commit` coalesces the transaction's notes (one event per record and kind)
and inserts one outbox row per active subscription to each event. A rollback drops the notes,
and rows already inserted go with the transaction, so a refused change sends nothing.

Merges are seen through the audit event the merge writes ("merged-away", with the survivor), so
engage/people/merge.py needs no call of its own; an erasure is the change of `erased_at`.
"""

import json
import uuid

from sqlalchemy import insert, inspect, select

from engage import transaction
from engage.audit.models import AuditEvent
from engage.consultations.models import Consultation, Decision, Input
from engage.engagements.models import AgendaItem, Engagement, EngagementParticipant
from engage.mixins import utcnow
from engage.people.models import Person, PersonEmail, PersonPhone
from engage.webhooks import events, notes
from engage.webhooks.models import WebhookMessage, WebhookSubscription

NOTES = notes.NOTES
MERGED_AWAY = "merged-away"  # engage/people/merge.py's audit action on the merged-away id


def _columns(obj, new: bool) -> dict:
    """{column: new value} of the columns this flush writes (all set ones, for a new record)."""
    state = inspect(obj)
    found = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if new:
            value = getattr(obj, attr.key)
            if value not in (None, "", [], False):
                found[attr.key] = value
        elif history.has_changes() and (history.added or history.deleted):
            old = history.deleted[0] if history.deleted else None
            value = history.added[0] if history.added else None
            if old != value:
                found[attr.key] = value
    return found


def _note(session, obj) -> None:
    notes = session.info.setdefault(NOTES, [])
    new, deleted = obj in session.new, obj in session.deleted
    if isinstance(obj, Person) and not deleted:
        fields = _columns(obj, new)
        if new:
            notes.append(("person.created", obj.id, fields, None))
        elif "erased_at" in fields:
            notes.append(("person.erased", obj.id, {}, None))
        elif fields:
            notes.append(("person.updated", obj.id, fields, None))
    elif isinstance(obj, PersonEmail | PersonPhone) and obj.person_id:
        field = "emails" if isinstance(obj, PersonEmail) else "phones"
        notes.append(("person.updated", obj.person_id, {field: None}, None))
    elif isinstance(obj, Consultation) and new:
        notes.append(("consultation.created", obj.id, {}, obj))
    elif isinstance(obj, Decision) and not deleted:
        fields = _columns(obj, new)
        if new or fields.keys() & events.VALUES["decision"]:
            notes.append(("decision.made", obj.id, fields, obj.input_id))
    elif isinstance(obj, Engagement):
        action = "created" if new else "deleted" if deleted else "updated"
        fields = {} if deleted else _columns(obj, new)
        if fields or action != "updated":
            notes.append(("engagement.changed", obj.id, fields, action))
    elif isinstance(obj, EngagementParticipant | AgendaItem) and obj.engagement_id:
        field = "participants" if isinstance(obj, EngagementParticipant) else "agenda"
        notes.append(("engagement.changed", obj.engagement_id, {field: None}, "updated"))
    elif isinstance(obj, AuditEvent) and new and obj.action == MERGED_AWAY and obj.record_type == "people":
        survivor = ((obj.changes or {}).get("details") or {}).get("merged_into")
        notes.append(("person.merged", survivor, {}, obj.record_id))


# The records whose changes make events (AuditEvent: a merge's "merged-away" event).
WATCHED = (Person, PersonEmail, PersonPhone, Consultation, Decision, Engagement, EngagementParticipant, AgendaItem)
WATCHED += (AuditEvent,)
# An engagement's notes in one transaction: the strongest action wins.
STRENGTH = {"updated": 0, "created": 1, "deleted": 2}


def _after_flush(session, flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, WATCHED):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            _note(session, obj)


def _coalesce(notes) -> dict[tuple[str, int], dict]:
    """One event per (type, record): fields united; created absorbs updated; merged and erased
    people send nothing else."""
    found: dict[tuple[str, int], dict] = {}
    for kind, record_id, fields, extra in notes:
        entry = found.setdefault((kind, record_id), {"fields": {}, "extra": extra})
        entry["fields"].update(fields)
        if kind == "engagement.changed":
            entry["extra"] = max(entry["extra"], extra, key=STRENGTH.get)
    for (kind, record_id), entry in list(found.items()):
        if kind == "person.created":
            entry["fields"].update(found.pop(("person.updated", record_id), {"fields": {}})["fields"])
        if kind == "person.erased":
            found.pop(("person.updated", record_id), None)
            found.pop(("person.created", record_id), None)
        if kind == "person.merged":
            for gone in (record_id, entry["extra"]):
                found.pop(("person.updated", gone), None)
    return found


def _data(session, kind: str, record_id: int, entry: dict) -> dict:
    fields, extra = entry["fields"], entry["extra"]
    if kind in ("person.created", "person.updated"):
        return {"id": record_id, **events.changes("person", fields)}
    if kind == "person.merged":
        return {"id": record_id, "merged_away_id": extra}
    if kind == "person.erased":
        return {"id": record_id}
    if kind == "consultation.created":
        c = extra
        return events.consultation_data(c.id, c.kind, c.confidentiality, c.title, c.held_on)
    if kind == "decision.made":
        row = session.execute(
            select(Consultation.id, Consultation.kind, Consultation.confidentiality, Consultation.title)
            .add_columns(Consultation.held_on)
            .join(Input, Input.consultation_id == Consultation.id)
            .where(Input.id == extra)
        ).first()
        if row is None:  # its point was deleted in the same transaction
            return {"id": record_id}
        consultation = events.consultation_data(*row)
        if row.confidentiality != "normal":  # its decision is its content too
            return {"id": record_id, "consultation": consultation}
        return {"id": record_id, "consultation": consultation, **events.changes("decision", fields)}
    return {"id": record_id, "action": extra, **events.changes("engagement", fields)}


def body(kind: str, data: dict, when) -> str:
    """The JSON body of a message, in the Standard Webhooks payload shape."""
    return json.dumps({"type": kind, "timestamp": when.isoformat(), "data": data}, sort_keys=True)


def message_row(subscription_id: int, kind: str, data: dict, when, event_key: str | None = None) -> dict:
    return {
        "subscription_id": subscription_id,
        "message_id": f"msg_{uuid.uuid4().hex}",
        "event_type": kind,
        "payload": body(kind, data, when),
        "event_key": event_key,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": when,
        "created_at": when,
    }


def subscribers(session) -> dict[str, list[int]]:
    """{event type: ids of the active subscriptions to it}."""
    found: dict[str, list[int]] = {}
    for sub_id, chosen in session.execute(
        select(WebhookSubscription.id, WebhookSubscription.events).where(WebhookSubscription.active.is_(True))
    ):
        for kind in chosen or ():
            found.setdefault(kind, []).append(sub_id)
    return found


def _before_commit(session) -> None:
    if not session.info.get(NOTES) and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # what is still pending is part of this transaction's changes
    notes = session.info.pop(NOTES, [])
    if not notes:
        return
    wanted = subscribers(session)
    if not wanted:
        return
    now = utcnow()
    rows = []
    with session.no_autoflush:
        for (kind, record_id), entry in sorted(_coalesce(notes).items(), key=lambda item: item[0][::-1]):
            if kind not in wanted or record_id is None:
                continue
            data = _data(session, kind, record_id, entry)
            rows += [message_row(sub_id, kind, data, now) for sub_id in wanted[kind]]
    if rows:
        session.execute(insert(WebhookMessage), rows)
        _deliver_after_commit(session)


def _deliver_after_commit(session) -> None:
    """Have a worker send the new rows once they are committed. Not in immediate mode (the tests, or
    no worker): there the outbox waits for `engage deliver-webhooks`, as it would for cron."""
    from engage import tasks
    from engage.webhooks.tasks import deliver_webhooks  # it imports delivery, which imports this module

    if not tasks.queue.immediate:
        tasks.after_commit(deliver_webhooks, session=session)


def _after_soft_rollback(session, previous_transaction) -> None:
    session.info.pop(NOTES, None)


def install() -> None:
    transaction.listen(
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_soft_rollback", _after_soft_rollback),
    )
