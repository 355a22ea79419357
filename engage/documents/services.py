"""Documents on records: upload (checked by content), list, download and delete (both audited).

A document has its record's visibility (`auth.written.can_see_document`, `written_visible`): a
restricted consultation's documents are a 404 and are not counted for anyone who may not see it.
"""

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.written import can_add_written, can_see_document, record_visible, written_visible
from engage.documents import filetypes, store
from engage.documents.models import RECORD_KEYS, Attachment, Note, record_model
from engage.errors import ForbiddenError, NotFoundError, ValidationError
from engage.extensions import db

ORPHANS = "documents_orphans"  # session.info: SHA-256s a deletion may have left unreferenced


def find_record(user: User, kind: str, record_id: int):
    """The record documents and notes hang on, if `user` may see it; else NotFoundError."""
    if kind not in RECORD_KEYS:
        raise NotFoundError()
    record = db.session.get(record_model(kind), record_id)
    if record is None or not record_visible(user, kind, record):
        raise NotFoundError()
    return record


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def checked_type(filename: str, data: bytes | None) -> str:
    """The file's type key, or ValidationError on the `file` field saying why not."""
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    if not data:
        raise ValidationError({"file": "Choose a file to upload (it may not be empty)."})
    if len(data) > limit:
        raise ValidationError({"file": f"The file is larger than {_size_text(limit)}. Upload a smaller file."})
    try:
        return filetypes.check(filename, data)
    except filetypes.Refused as refused:
        raise ValidationError({"file": str(refused)})


def store_document(actor: Actor, kind: str, record, filename: str, data: bytes, file_type: str) -> Attachment:
    """Keep an allowed file on `record` (its type already decided from its content)."""
    attachment = Attachment(
        filename=(filename or "document").replace("\x00", "")[:255],
        sha256=store.put(data),
        size=len(data),
        file_type=file_type,
        text=filetypes.extract_text(file_type, data),
        added_by_id=actor.user.id if actor.user else None,
        **{RECORD_KEYS[kind]: record.id},
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        actor,
        "upload",
        Attachment,
        attachment.id,
        f"Document {attachment.filename[:150]} on {kind} #{record.id}",
        details={"sha256": attachment.sha256, "size": attachment.size, "type": file_type},
    )
    return attachment


def upload(actor: Actor, kind: str, record, filename: str, data: bytes | None) -> Attachment:
    if not can_add_written(actor.user):
        raise ForbiddenError()
    return store_document(actor, kind, record, filename, data, checked_type(filename, data))


def documents_of(user: User, kind: str, record_id: int) -> list[Attachment]:
    column = getattr(Attachment, RECORD_KEYS[kind])
    stmt = select(Attachment).where(column == record_id, written_visible(Attachment, user))
    return list(db.session.execute(stmt.order_by(Attachment.added_at.desc(), Attachment.id.desc())).scalars())


def count_for(user: User, model, **keys) -> int:
    """How many documents (or notes) on a record `user` may see."""
    stmt = select(func.count()).select_from(model).where(written_visible(model, user))
    for name, value in keys.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.execute(stmt).scalar_one()


def get_document(user: User, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not can_see_document(user, attachment):
        raise NotFoundError()
    return attachment


def download(actor: Actor, attachment: Attachment) -> tuple[bytes, str]:
    """The bytes and the MIME type to send as an attachment; audited."""
    try:
        data = store.get(attachment.sha256)
    except OSError:
        raise NotFoundError("The file of this document is missing from the document store.")
    audit.record(
        actor,
        "download",
        Attachment,
        attachment.id,
        f"Document {attachment.filename[:150]}",
        details={"sha256": attachment.sha256},
    )
    return data, filetypes.TYPES[attachment.file_type].mimetype


def delete(actor: Actor, attachment: Attachment) -> tuple[str, int]:
    """Remove a document (its file goes after the commit, if nothing else refers to it); audited."""
    if not can_add_written(actor.user):
        raise ForbiddenError()
    target = (attachment.record_kind, attachment.record_id)
    audit.record(
        actor,
        "delete",
        Attachment,
        attachment.id,
        f"Document {attachment.filename[:150]}",
        details={"sha256": attachment.sha256},
    )
    forget(attachment)
    return target


def forget(attachment: Attachment) -> None:
    """Delete the row; its file is removed after the commit unless another row still points at it."""
    db.session.info.setdefault(ORPHANS, set()).add(attachment.sha256)
    db.session.delete(attachment)


def _still_used(connection, sha: str) -> bool:
    from engage.inbox.models import EmailDraft

    for model in (Attachment, EmailDraft):
        if connection.execute(select(model.id).where(model.sha256 == sha).limit(1)).first():
            return True
    return False


def _prune(session) -> None:
    shas = session.info.pop(ORPHANS, None)
    if not shas:
        return
    with session.get_bind().connect() as connection:
        for sha in shas:
            if not _still_used(connection, sha):
                store.remove(sha)


def _forget_orphans(session, previous_transaction) -> None:
    session.info.pop(ORPHANS, None)


def install() -> None:
    """Session hooks: files no row refers to are removed once the deletion has committed."""
    if not event.contains(Session, "after_commit", _prune):
        event.listen(Session, "after_commit", _prune)
        event.listen(Session, "after_soft_rollback", _forget_orphans)


__all__ = ["Note", "count_for", "delete", "documents_of", "download", "find_record", "get_document", "upload"]
