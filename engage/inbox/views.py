"""Email into consultations and quick calls.

GET, POST /consultations/new-from-email   upload an .eml or .msg: it becomes a draft
GET /consultations/drafts                 the user's drafts (uploaded, or received by the mail server)
GET, POST /consultations/drafts/<id>      the proposal; POST confirms it as a consultation
POST /consultations/drafts/<id>/discard
POST /people/<id>/log-call                a call consultation from two fields
"""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.auth.permissions import WRITE, access
from engage.errors import NotFoundError
from engage.extensions import db
from engage.inbox import drafts, services
from engage.inbox.forms import CallForm, EmailUploadForm, ProposalForm
from engage.limits import upload_limit
from engage.people.models import Person
from engage.web import current_actor, submit

bp = Blueprint("inbox", __name__)
writers = access(WRITE)


@bp.route("/consultations/new-from-email", methods=["GET", "POST"])
@writers
@upload_limit("DOCUMENT_MAX_BYTES")
def new_from_email():
    form = EmailUploadForm()
    upload = request.files.get("file")
    name = upload.filename if upload and upload.filename else ""
    data = upload.read() if name else None
    outcome = submit(form, lambda: drafts.receive(current_user, name, data))
    if outcome.ok:
        return redirect(url_for("inbox.draft", draft_id=outcome.value.id))
    return render_template("inbox/upload.html", form=form), outcome.status


@bp.route("/consultations/drafts")
@writers
def drafts_list():
    return render_template("inbox/drafts.html", drafts=drafts.drafts_of(current_user))


def _choices() -> dict[int, services.Choice]:
    out = {}
    for key, action in request.form.items():
        if key.startswith("unknown-") and key[8:].isdigit() and len(key) < 14:
            number = int(key[8:])
            out[number] = services.Choice(action, request.form.get(f"name-{number}", "")[:200])
    return out


@bp.route("/consultations/drafts/<id:draft_id>", methods=["GET", "POST"])
@writers
def draft(draft_id: int):
    proposal = drafts.propose(current_user, drafts.get_draft(current_user, draft_id))
    form = ProposalForm(
        data=None if request.method == "POST" else {"title": proposal.title[:250], "summary": proposal.message.body}
    )
    outcome = submit(
        form,
        lambda: services.confirm(
            current_actor(), proposal, form.title.data, form.confidentiality.data, form.summary.data, _choices()
        ),
    )
    if outcome.ok:
        flash(f"“{outcome.value.title}” is logged, with its documents.", "success")
        return redirect(url_for("consultations.detail", consultation_id=outcome.value.id))
    errors = getattr(getattr(form, "service_error", None), "errors", {}) or {}
    return render_template(
        "inbox/proposal.html", form=form, p=proposal, row_errors=errors, posted=request.form
    ), outcome.status


@bp.route("/consultations/drafts/<id:draft_id>/discard", methods=["POST"])
@writers
def discard(draft_id: int):
    services.discard(current_actor(), drafts.get_draft(current_user, draft_id))
    flash("The draft is discarded.", "success")
    return redirect(url_for("inbox.drafts_list"))


@bp.route("/people/<id:person_id>/log-call", methods=["POST"])
def log_call(person_id: int):
    person = db.session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise NotFoundError()
    form = CallForm()
    outcome = submit(form, lambda: services.log_call(current_actor(), person, form.summary.data, form.held_on.data))
    if outcome.ok:
        flash("The call is logged.", "success")
        return redirect(url_for("consultations.detail", consultation_id=outcome.value.id))
    return render_template("inbox/call.html", form=form, person=person, today=date.today()), outcome.status
