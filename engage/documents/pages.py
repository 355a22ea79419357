"""What a record's page shows of its written input: its documents and notes, and the two forms."""

from datetime import date

from flask import url_for
from flask_login import current_user

from engage.documents import notes, services
from engage.documents.forms import DocumentForm, NoteForm
from engage.templating import RECORD_PAGES

# kind of record -> (URL segment of its pages, the id argument of its routes)
SEGMENTS = {
    "people": ("people", "person_id"),
    "organisations": ("organizations", "organisation_id"),
    "consultations": ("consultations", "consultation_id"),
    "engagements": ("engagements", "engagement_id"),
}


def record_href(kind: str, record_id: int, anchor: str | None = None) -> str:
    endpoint, argument = RECORD_PAGES[kind]
    return url_for(endpoint, **{argument: record_id}, _anchor=anchor)


def panel(kind: str, record_id: int, document_form=None, note_form=None) -> dict:
    """`written` for a record's template: documents and notes the reader may see, and the forms."""
    return {
        "written": {
            "kind": kind,
            "record_id": record_id,
            "documents": services.documents_of(current_user, kind, record_id),
            "notes": notes.notes_of(current_user, kind, record_id),
            "document_form": document_form or DocumentForm(formdata=None),
            "note_form": note_form or NoteForm(formdata=None),
            "upload_href": url_for(f"documents.upload_{kind}", **{SEGMENTS[kind][1]: record_id}),
            "note_href": url_for(f"documents.note_{kind}", **{SEGMENTS[kind][1]: record_id}),
            "today": date.today().isoformat(),  # the "log a call" form's default date
        }
    }


def timeline(user, kind: str, record_id: int) -> list[dict]:
    """Timeline items for a record's documents and notes (the person page's timeline)."""
    items = [
        {"kind": "document", "on": a.added_at.date(), "record": a} for a in services.documents_of(user, kind, record_id)
    ]
    items += [{"kind": "note", "on": n.created_at.date(), "record": n} for n in notes.notes_of(user, kind, record_id)]
    return items
