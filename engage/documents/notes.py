"""Notes on records: Markdown (rendered, then sanitised, by `text.render_markdown`), with author
and time; their author edits them (optimistic locking) or deletes them, admins may delete them."""

from sqlalchemy import select

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.written import can_add_written, can_delete_note, can_edit_note, can_see_document, written_visible
from engage.documents.models import RECORD_KEYS, Note
from engage.errors import ForbiddenError, NotFoundError, ValidationError
from engage.extensions import db
from engage.queries import check_version

MAX_NOTE = 20_000


def _body(text: str | None) -> str:
    body = (text or "").strip()
    if not body:
        raise ValidationError({"text": "Write the note first."})
    if len(body) > MAX_NOTE:
        raise ValidationError({"text": f"Keep a note under {MAX_NOTE:,} characters (this one has {len(body):,})."})
    return body


def add_note(actor: Actor, kind: str, record, text: str | None) -> Note:
    if not can_add_written(actor.user):
        raise ForbiddenError()
    note = Note(body=_body(text), author_id=actor.user.id, **{RECORD_KEYS[kind]: record.id})
    audit.record_create(actor, note, f"Note on {kind} #{record.id}")
    return note


def notes_of(user: User, kind: str, record_id: int) -> list[Note]:
    column = getattr(Note, RECORD_KEYS[kind])
    stmt = select(Note).where(column == record_id, written_visible(Note, user))
    return list(db.session.execute(stmt.order_by(Note.created_at.desc(), Note.id.desc())).scalars())


def get_note(user: User, note_id: int) -> Note:
    note = db.session.get(Note, note_id)
    if note is None or not can_see_document(user, note):
        raise NotFoundError()
    return note


def note_to_edit(user: User, note_id: int) -> Note:
    note = get_note(user, note_id)
    if not can_edit_note(user, note):
        raise ForbiddenError("Only the note's author may edit it.")
    return note


def edit_note(actor: Actor, note: Note, version: int | None, text: str | None) -> Note:
    if not can_edit_note(actor.user, note):
        raise ForbiddenError("Only the note's author may edit it.")
    check_version(note, version, "note")
    note.body = _body(text)
    audit.record_change(actor, "update", note, f"Note on {note.record_kind} #{note.record_id}")
    return note


def delete_note(actor: Actor, note: Note) -> tuple[str, int]:
    if not can_delete_note(actor.user, note):
        raise ForbiddenError("Only the note's author (or an admin) may delete it.")
    target = (note.record_kind, note.record_id)
    audit.record(actor, "delete", Note, note.id, f"Note on {target[0]} #{target[1]}")
    db.session.delete(note)
    return target
