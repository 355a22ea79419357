"""Documents and notes on people, organisations, consultations and engagements.

POST /<records>/<id>/documents (upload), /<records>/<id>/notes (add a note);
GET /attachments/<id> (download, as an attachment), /attachments/<id>/record (its record's page);
POST /attachments/<id>/delete; GET /notes/<id>/record (its record's page);
GET, POST /notes/<id>/edit; POST /notes/<id>/delete.
"""

from flask import Blueprint, Response, flash, redirect, render_template, request
from flask_login import current_user

from engage.auth.permissions import WRITE, access
from engage.documents import notes, services
from engage.documents.forms import DocumentForm, NoteForm
from engage.documents.pages import SEGMENTS, record_href
from engage.limits import upload_limit
from engage.templating import record_label
from engage.web import current_actor, submit

bp = Blueprint("documents", __name__)


def _back(kind: str, record_id: int, anchor: str):
    return redirect(record_href(kind, record_id, anchor))


def _refused(template: str, kind: str, record, status: int, **forms):
    """The form again with its messages, on a page of its own that links back to the record."""
    context = {
        "kind": kind,
        "record": record,
        "record_name": record_label(record),
        "back": record_href(kind, record.id),
    }
    return render_template(template, **context, **forms), status


def _upload(kind: str, record_id: int):
    record = services.find_record(current_user, kind, record_id)
    form = DocumentForm()
    upload = request.files.get("file")
    data = upload.read() if upload and upload.filename else None
    outcome = submit(
        form, lambda: services.upload(current_actor(), kind, record, upload.filename if upload else "", data)
    )
    if not outcome.ok:
        return _refused("documents/upload.html", kind, record, outcome.status, form=form)
    flash(f"“{outcome.value.filename}” is added.", "success")
    return _back(kind, record.id, "documents")


def _add_note(kind: str, record_id: int):
    record = services.find_record(current_user, kind, record_id)
    form = NoteForm()
    outcome = submit(form, lambda: notes.add_note(current_actor(), kind, record, form.text.data))
    if not outcome.ok:
        return _refused("documents/note.html", kind, record, outcome.status, form=form)
    flash("The note is added.", "success")
    return _back(kind, record.id, "notes")


for _kind, (_segment, _argument) in SEGMENTS.items():

    def _upload_view(_k=_kind, **ids):
        return _upload(_k, *ids.values())

    def _note_view(_k=_kind, **ids):
        return _add_note(_k, *ids.values())

    _upload_view.__name__ = f"upload_{_kind}"
    _note_view.__name__ = f"note_{_kind}"
    bp.add_url_rule(
        f"/{_segment}/<id:{_argument}>/documents",
        endpoint=f"upload_{_kind}",
        view_func=upload_limit("DOCUMENT_MAX_BYTES")(_upload_view),
        methods=["POST"],
    )
    bp.add_url_rule(
        f"/{_segment}/<id:{_argument}>/notes", endpoint=f"note_{_kind}", view_func=_note_view, methods=["POST"]
    )


@bp.route("/attachments/<id:attachment_id>")
def download(attachment_id: int):
    attachment = services.get_document(current_user, attachment_id)
    data, mimetype = services.download(current_actor(), attachment)
    response = Response(data, mimetype=mimetype)
    # Always a download, never shown inline; the browser must not guess another type (nosniff).
    response.headers.set("Content-Disposition", "attachment", filename=attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/attachments/<id:attachment_id>/record")
def show(attachment_id: int):
    """A document's place: its record's page (search links here)."""
    attachment = services.get_document(current_user, attachment_id)
    return _back(attachment.record_kind, attachment.record_id, "documents")


@bp.route("/attachments/<id:attachment_id>/delete", methods=["POST"])
def delete(attachment_id: int):
    attachment = services.get_document(current_user, attachment_id)
    name = attachment.filename
    kind, record_id = services.delete(current_actor(), attachment)
    flash(f"“{name}” is deleted.", "success")
    return _back(kind, record_id, "documents")


@bp.route("/notes/<id:note_id>/record")
def show_note(note_id: int):
    """A note's place: its record's page (search links here)."""
    note = notes.get_note(current_user, note_id)
    return _back(note.record_kind, note.record_id, "notes")


@bp.route("/notes/<id:note_id>/edit", methods=["GET", "POST"])
@access(WRITE)  # the form is its author's, and only writers write notes
def edit_note(note_id: int):
    note = notes.note_to_edit(current_user, note_id)
    form = NoteForm() if request.method == "POST" else NoteForm(data={"text": note.body, "version": note.version})
    outcome = submit(form, lambda: notes.edit_note(current_actor(), note, form.version.data, form.text.data))
    if outcome.ok:
        flash("The note is saved.", "success")
        return _back(note.record_kind, note.record_id, "notes")
    record = services.find_record(current_user, note.record_kind, note.record_id)
    return _refused("documents/note.html", note.record_kind, record, outcome.status, form=form, note=note)


@bp.route("/notes/<id:note_id>/delete", methods=["POST"])
def delete_note(note_id: int):
    note = notes.get_note(current_user, note_id)
    kind, record_id = notes.delete_note(current_actor(), note)
    flash("The note is deleted.", "success")
    return _back(kind, record_id, "notes")
