"""Written input in data-subject requests: what an export lists, what an erasure removes.

Erasure removes the documents and notes on the person (their files go after the commit, unless
another record keeps the same bytes), and the person's name in the notes and document text of the
records they took part in becomes the pseudonym (the files of those documents are the team's
records and stay; their extracted text, which search shows, is scrubbed). Pending email drafts
(anyone's) holding one of the person's addresses are deleted. An export lists the documents and
holds their files.
"""

import os

from sqlalchemy import select
from werkzeug.utils import secure_filename

from engage.documents import store
from engage.documents.models import Attachment, Note
from engage.documents.services import ORPHANS, forget
from engage.extensions import db
from engage.inbox.models import EmailDraft
from engage.people.models import PersonEmail


def on_person(person_id: int) -> dict:
    """The export's part: the notes (their text) and the documents (what, when, by whom) on the person."""
    notes = db.session.execute(select(Note).where(Note.person_id == person_id).order_by(Note.id)).scalars()
    documents = db.session.execute(
        select(Attachment).where(Attachment.person_id == person_id).order_by(Attachment.id)
    ).scalars()
    return {
        "notes": [
            {"written_at": n.created_at.isoformat(), "by": n.author.name if n.author else None, "text": n.body}
            for n in notes
        ],
        "documents": [
            {
                "filename": a.filename,
                "type": a.file_type,
                "bytes": a.size,
                "sha256": a.sha256,
                "added_at": a.added_at.isoformat(),
                "by": a.added_by.name if a.added_by else None,
                "file": export_name(a),
            }
            for a in documents
        ],
    }


def export_name(attachment: Attachment) -> str:
    """Where the export's ZIP holds the document's file: its id keeps two of the same name apart."""
    return f"documents/{attachment.id}-{secure_filename(attachment.filename) or 'document'}"


def export_files(documents: list[dict]) -> dict[str, str]:
    """ZIP name → the stored file, for the documents the export lists (`on_person`'s entries); a
    file missing from the store is marked in its entry rather than failing the export."""
    files = {}
    for entry in documents:
        path = store.path_of(entry["sha256"])
        if os.path.exists(path):
            files[entry["file"]] = path
        else:
            entry["file"] = None  # the store lost it: the list still says what was held
    return files


def remove_on_person(person_id: int) -> dict[str, int]:
    """Erasure: the person's own documents and notes go, and so do the pending email drafts (any
    user's) that hold one of their addresses."""
    documents = list(db.session.execute(select(Attachment).where(Attachment.person_id == person_id)).scalars())
    notes = list(db.session.execute(select(Note).where(Note.person_id == person_id)).scalars())
    for attachment in documents:
        forget(attachment)
    for note in notes:
        db.session.delete(note)
    drafts = _drop_drafts_naming(person_id)
    return {"documents_removed": len(documents), "notes_removed": len(notes), "email_drafts_removed": drafts}


def _drop_drafts_naming(person_id: int) -> int:
    """Delete the unconfirmed email drafts whose message holds one of the person's addresses
    (headers or text): a draft is a copy of someone's mail, not yet a record, and its file would
    keep the address after the erasure. The files go after the commit unless a document keeps them."""
    addresses = [
        e.lower().encode()
        for e in db.session.execute(select(PersonEmail.email).where(PersonEmail.person_id == person_id)).scalars()
        if e
    ]
    if not addresses:
        return 0
    dropped = 0
    for draft in db.session.execute(select(EmailDraft).order_by(EmailDraft.id)).scalars():
        try:
            raw = store.get(draft.sha256).lower()
        except (FileNotFoundError, ValueError):
            continue  # no message left to hold the address
        if any(address in raw for address in addresses):
            db.session.info.setdefault(ORPHANS, set()).add(draft.sha256)
            db.session.delete(draft)
            dropped += 1
    return dropped


def scrub_shared(consultation_ids, engagement_ids, scrub) -> None:
    """The person's name in the notes and document text of records they took part in: `scrub(text)`."""
    where = [Note.consultation_id.in_(consultation_ids), Note.engagement_id.in_(engagement_ids)]
    for column in where:
        for note in db.session.execute(select(Note).where(column)).scalars():
            if note.body and (clean := scrub(note.body)) != note.body:
                note.body = clean
    for column in (Attachment.consultation_id.in_(consultation_ids), Attachment.engagement_id.in_(engagement_ids)):
        for attachment in db.session.execute(select(Attachment).where(column)).scalars():
            for name in ("text", "filename"):
                value = getattr(attachment, name)
                if value and (clean := scrub(value)) != value:
                    setattr(attachment, name, clean)
