"""Written input (issue 12): who may see and add the documents and notes on records, and the email
drafts staff send to the capture address. A document or note has its record's visibility; a note is
its author's to edit; a draft is its user's alone. Split from permissions.py, whose rules it uses."""

from engage.auth.models import User
from engage.auth.permissions import can_read, can_write, is_admin, linked_consultation_visible, visible_consultations


def record_visible(user: User | None, kind: str, record) -> bool:
    """Whether `user` may see the record (person, organisation, consultation, engagement) a document
    or note hangs on: a consultation by the consultation rules, the directory and engagements by
    every reader (as their pages)."""
    from sqlalchemy import select

    from engage.consultations.models import Consultation
    from engage.extensions import db

    if not can_read(user) or record is None:
        return False
    if kind == "consultations":
        stmt = select(Consultation.id).where(Consultation.id == record.id, visible_consultations(user))
        return db.session.execute(stmt).first() is not None
    return True


def can_see_document(user: User | None, attachment) -> bool:
    """An uploaded document (or a note): whoever may see its record."""
    from engage.documents.models import record_model
    from engage.extensions import db

    kind = attachment.record_kind
    return record_visible(user, kind, db.session.get(record_model(kind), attachment.record_id))


def written_visible(model, user: User | None):
    """SQL condition on Attachment or Note (`model`): the rows `user` may see, for lists and counts:
    none on a consultation the user may not see (`visible_consultations`), the rest to every reader."""
    from sqlalchemy import false

    if not can_read(user):
        return false()
    return linked_consultation_visible(model.consultation_id, user)


def can_add_written(user: User | None) -> bool:
    """Uploading, deleting documents and writing notes: editors and admins (on records they may see)."""
    return can_write(user)


def can_edit_note(user: User | None, note) -> bool:
    """A note is edited (or deleted) by its author only, and admins may delete it."""
    return can_write(user) and note.author_id is not None and note.author_id == user.id


def can_delete_note(user: User | None, note) -> bool:
    return can_edit_note(user, note) or is_admin(user)


def can_see_draft(user: User | None, draft) -> bool:
    """An email draft (uploaded or received) is its user's alone, until they confirm it."""
    return can_write(user) and draft.user_id == user.id


def may_send_to_capture(user: User | None) -> bool:
    """The capture mail server accepts mail only from an active user who may log consultations."""
    return bool(user and user.active and user.role in ("admin", "editor"))
