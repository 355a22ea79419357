"""The consultation page's rows: inputs, decisions and commitments, added and edited in place (htmx).

Every form goes through `pages.save_row` / `pages.add_row`: an htmx request gets the re-rendered
fragment (400 with messages next to the fields, 409 with the first save shown), a plain form post a
redirect back to the page.
"""

from flask import Blueprint
from flask_login import current_user

from engage.consultations import commitments as commitment_services
from engage.consultations import inputs as input_services
from engage.consultations import queries
from engage.consultations.forms import DECISION_FIELDS, INPUT_FIELDS, CompleteForm
from engage.consultations.pages import (
    Row,
    add_row,
    commitment_choices,
    commitment_form,
    decision_choices,
    decision_form,
    input_choices,
    input_form,
    save_row,
)
from engage.web import current_actor

bp = Blueprint("consultation_items", __name__, url_prefix="/consultations/<id:consultation_id>")

COMMITMENT_FIELDS = ("description", "assignee_id", "due_on", "status", "person_id")


def _data(form, fields) -> dict:
    return {name: form[name].data for name in fields}


def _edit(row: Row, form, update, fields, prepare, mode: str = "edit"):
    """A row's edit form, shown (GET) or saved (POST) by `update(actor, record, version, data)`."""
    return save_row(
        row,
        form,
        lambda: update(current_actor(), row.record, form.version.data, _data(form, fields)),
        mode=mode,
        prepare=prepare,
    )


def _input_row(consultation_id: int, input_id: int) -> Row:
    return Row(
        "consultations/_input_row.html",
        "item",
        "input",
        lambda: queries.get_input(current_user, consultation_id, input_id),
    )


def _commitment_row(consultation_id: int, commitment_id: int) -> Row:
    return Row(
        "consultations/_commitment_row.html",
        "commitment",
        "commitment",
        lambda: queries.get_commitment(current_user, consultation_id, commitment_id),
    )


# --- Points raised and their decisions -----------------------------------------------------------------


@bp.route("/inputs", methods=["POST"])
def add_input(consultation_id: int):
    consultation = queries.get_consultation(current_user, consultation_id)
    form = input_form()

    def fresh(posted):
        form = input_form(blank=True)
        form.raised_by.data = posted.raised_by.data  # the next point is often from the same person
        form.topic_id.data = posted.topic_id.data
        return input_choices(form, consultation)

    return add_row(
        consultation,
        "input",
        form,
        lambda: input_services.add_input(current_actor(), consultation, _data(form, INPUT_FIELDS)),
        prepare=lambda form: input_choices(form, consultation),
        fresh=fresh,
        row=lambda input_id: _input_row(consultation_id, input_id),
    )


@bp.route("/inputs/<id:input_id>")
def input_row(consultation_id: int, input_id: int):
    return _input_row(consultation_id, input_id).render(mode="view")


@bp.route("/inputs/<id:input_id>/edit", methods=["GET", "POST"])
def edit_input(consultation_id: int, input_id: int):
    row = _input_row(consultation_id, input_id)
    return _edit(
        row,
        input_form(row.record),
        input_services.update_input,
        INPUT_FIELDS,
        lambda form: input_choices(form, row.consultation, row.record),
    )


@bp.route("/inputs/<id:input_id>/decision", methods=["GET", "POST"])
def decision(consultation_id: int, input_id: int):
    row = _input_row(consultation_id, input_id)
    return _edit(
        row,
        decision_form(row.record),
        input_services.decide,
        DECISION_FIELDS,
        lambda form: decision_choices(form, row.record),
        mode="decide",
    )


# --- Commitments -----------------------------------------------------------------------------------------


@bp.route("/commitments", methods=["POST"])
def add_commitment(consultation_id: int):
    consultation = queries.get_consultation(current_user, consultation_id)
    form = commitment_form()

    return add_row(
        consultation,
        "commitment",
        form,
        lambda: commitment_services.create_commitment(current_actor(), consultation, _data(form, COMMITMENT_FIELDS)),
        prepare=lambda form: commitment_choices(form, consultation),
        fresh=lambda posted: commitment_choices(commitment_form(blank=True), consultation),
        row=lambda commitment_id: _commitment_row(consultation_id, commitment_id),
    )


@bp.route("/commitments/<id:commitment_id>")
def commitment_row(consultation_id: int, commitment_id: int):
    return _commitment_row(consultation_id, commitment_id).render(mode="view")


@bp.route("/commitments/<id:commitment_id>/edit", methods=["GET", "POST"])
def edit_commitment(consultation_id: int, commitment_id: int):
    row = _commitment_row(consultation_id, commitment_id)
    return _edit(
        row,
        commitment_form(row.record),
        commitment_services.update_commitment,
        COMMITMENT_FIELDS,
        lambda form: commitment_choices(form, row.consultation, row.record),
    )


@bp.route("/commitments/<id:commitment_id>/complete", methods=["POST"])
def complete_commitment(consultation_id: int, commitment_id: int):
    row = _commitment_row(consultation_id, commitment_id)
    form = CompleteForm()
    return save_row(
        row,
        form,
        lambda: commitment_services.complete_commitment(current_actor(), row.record, form.version.data),
        mode="view",
    )
