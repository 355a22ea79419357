"""Importing an invitation (.ics): upload, preview, confirm."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from engage.engagements import importing
from engage.engagements.forms import ImportForm
from engage.engagements.pages import display_zone
from engage.limits import upload_limit
from engage.web import current_actor, submit

bp = Blueprint("engagement_import", __name__)


def _upload(form: ImportForm) -> bytes | None:
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return upload.read(current_app.config["INVITATION_MAX_BYTES"] + 1)


@bp.route("/engagements/import", methods=["GET", "POST"])
@upload_limit("INVITATION_MAX_BYTES", copies=3)  # the file, and its base64 copy on the confirm step
def upload():
    form = ImportForm()
    confirm = request.form.get("confirm") == "1" or request.form.get("direct") == "1"
    outcome = submit(
        form, lambda: importing.run(current_actor(), form.ics.data, _upload(form), display_zone(), confirm)
    )
    if not outcome.ok:
        form.ics.data = ""
        return render_template("engagements/import.html", form=form, planned=None), outcome.status
    result: importing.Imported = outcome.value
    if result.saved is None:
        form.ics.data = result.preview
        return render_template("engagements/import.html", form=form, planned=result.planned)
    flash(result.summary, "success")
    if len(result.saved) == 1:
        return redirect(url_for("engagements.detail", engagement_id=result.saved[0].id))
    return redirect(url_for("engagements.index"))
