"""The commitments register (/commitments): mine or the team's, filtered; a commitment made from a
person, an organisation or an engagement; bulk mark done and bulk reassign."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import choices
from engage.consultations import commitments as commitment_services
from engage.consultations import register
from engage.consultations.forms import BulkCommitmentsForm, NewCommitmentForm
from engage.formtools import choices as select_choices
from engage.web import current_actor, paginate, safe_next, submit

bp = Blueprint("commitments", __name__, url_prefix="/commitments")

SUBJECT_PAGES = {"person": "people.detail", "organisation": "organizations.detail", "engagement": "engagements.detail"}


def _assignees(form) -> None:
    form.assignee_id.choices = select_choices(choices.as_strings(choices.users(writers_only=True), blank="— Choose —"))


def _render_list(bulk_form=None, status: int = 200):
    filters = register.Filters.parse(request.args)
    page = paginate(register.register_query(current_user, filters))
    bulk_form = bulk_form or BulkCommitmentsForm(formdata=None)
    _assignees(bulk_form)
    show_done = filters.scope == "mine" and filters.due == "open"
    return (
        render_template(
            "consultations/commitments.html",
            page=page,
            filters=filters,
            subjects=register.subjects(filters),
            scopes=register.SCOPES,
            due_choices=register.DUE,
            users=choices.users(include_inactive=True),
            bulk_form=bulk_form,
            done=commitment_services.recent_done(current_user, filters.today) if show_done else None,
            today=filters.today,
        ),
        status,
    )


@bp.route("")
def index():
    return _render_list()


@bp.route("/bulk", methods=["POST"])
def bulk():
    """One POST for the ticked rows: all changed (each audited) or none (400 / 404)."""
    form = BulkCommitmentsForm()
    _assignees(form)
    outcome = submit(
        form, lambda: register.bulk(current_actor(), form.ids.data or [], form.action.data, form.assignee_id.data)
    )
    if outcome.ok:
        changed = len(outcome.value)
        verb = "marked done" if form.action.data == "done" else "reassigned"
        flash(f"{changed} commitment{'s' if changed != 1 else ''} {verb}.", "success")
        return redirect(safe_next(request.args.get("next"), url_for("commitments.index")))
    return _render_list(form, outcome.status)


@bp.route("/new/person/<id:person_id>", methods=["GET", "POST"])
@bp.route("/new/organisation/<id:organisation_id>", methods=["GET", "POST"])
@bp.route("/new/engagement/<id:engagement_id>", methods=["GET", "POST"])
def new(**subject_id):
    """A commitment owed to a person or an organisation, or made at an engagement."""
    kind, record = register.subject_of(subject_id)
    form = NewCommitmentForm()
    _assignees(form)
    if request.method == "GET":
        form.assignee_id.data = current_user.id
    outcome = submit(form, lambda: register.create_for(current_actor(), kind, record, form.data))
    back = url_for(SUBJECT_PAGES[kind], **{f"{kind}_id": record.id})
    if outcome.ok:
        flash("The commitment is added to the register.", "success")
        return redirect(back)
    return render_template(
        "consultations/new_commitment.html", form=form, kind=kind, subject=record, back=back
    ), outcome.status
