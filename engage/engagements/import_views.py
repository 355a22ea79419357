"""Importing an invitation (.ics): upload, preview, confirm."""

import base64
import binascii

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engage.engagements import importing, invites
from engage.engagements.forms import ImportForm
from engage.engagements.views import display_zone
from engage.errors import ValidationError
from engage.extensions import db
from engage.web import current_actor

bp = Blueprint("engagement_import", __name__)


def _read(form: ImportForm) -> bytes:
    if form.ics.data:
        try:
            return base64.b64decode(form.ics.data.encode(), validate=True)
        except (binascii.Error, ValueError):
            raise invites.InviteError("The previewed file was damaged in transit; upload it again.")
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        raise invites.InviteError("Choose an .ics file to upload.")
    return upload.read(invites.MAX_BYTES + 1)


@bp.route("/engagements/import", methods=["GET", "POST"])
def upload():
    form = ImportForm()
    if request.method == "GET":
        return render_template("engagements/import.html", form=form, planned=None)
    if not form.validate_on_submit():
        return render_template("engagements/import.html", form=form, planned=None), 400
    try:
        data = _read(form)
        planned = importing.plan(invites.parse(data, display_zone()))
    except invites.InviteError as error:
        form.file.errors = [str(error)]
        form.ics.data = ""
        return render_template("engagements/import.html", form=form, planned=None), 400
    if request.form.get("confirm") != "1" and request.form.get("direct") != "1":
        form.ics.data = base64.b64encode(data).decode()
        return render_template("engagements/import.html", form=form, planned=planned)
    try:
        saved = importing.apply(current_actor(), planned)
    except ValidationError as error:
        db.session.rollback()
        form.file.errors = ["Nothing was imported: " + "; ".join(error.errors.values())]
        return render_template("engagements/import.html", form=form, planned=None), 400
    db.session.commit()
    created = sum(1 for p in planned if p.action == "create")
    plural = "s" if len(saved) != 1 else ""
    summary = f"Imported {len(saved)} invitation{plural}: {created} new, {len(saved) - created} updated."
    unknown = sorted({e for p in planned for e in p.unknown})
    if unknown:
        summary += f" Not in the directory (not added): {', '.join(unknown)}."
    flash(summary, "success")
    if len(saved) == 1:
        return redirect(url_for("engagements.detail", engagement_id=saved[0].id))
    return redirect(url_for("engagements.index"))
