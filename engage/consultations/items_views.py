"""The consultation page's rows: inputs, decisions and commitments, added and edited in place (htmx).

Every route answers an htmx request with the re-rendered fragment (400 with messages next to the
fields, 409 with the first save shown) and a plain form post with a redirect back to the page.
"""

from datetime import date

from flask import Blueprint, abort, make_response, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.consultations import commitments as commitment_services
from engage.consultations import inputs as input_services
from engage.consultations.models import COMMITMENT_STATUSES, OUTCOMES, Commitment
from engage.consultations.pages import (
    Options,
    commitment_form,
    decision_form,
    input_form,
    is_htmx,
    load_consultation,
    load_input,
    render_detail,
    row_response,
)
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.web import apply_form_errors, current_actor

bp = Blueprint("consultation_items", __name__, url_prefix="/consultations/<int:consultation_id>")

ROW = "consultations/_input_row.html"
COMMITMENT_ROW = "consultations/_commitment_row.html"


def _input_data(form) -> dict:
    return {
        "raised_by": form.raised_by.data,
        "topic_id": form.topic_id.data,
        "text": form.text.data,
        "clause_id": form.clause_id.data,
    }


@bp.route("/inputs", methods=["POST"])
def add_input(consultation_id: int):
    consultation = load_consultation(consultation_id)
    opts = Options(consultation)
    form = input_form(opts)
    status = 400
    if form.validate_on_submit():
        try:
            item = input_services.add_input(current_actor(), consultation, _input_data(form))
        except ValidationError as error:
            db.session.rollback()
            apply_form_errors(form, error)
        else:
            db.session.commit()
            item = load_input(consultation, item.id)
            if not is_htmx():
                return row_response(consultation, ROW, f"input-{item.id}", item=item, mode="view")
            fresh = input_form(opts, blank=True)
            fresh.raised_by.data = form.raised_by.data  # the next point is often from the same person
            fresh.topic_id.data = form.topic_id.data
            return render_template(
                "consultations/_input_added.html",
                consultation=consultation,
                item=item,
                mode="view",
                input_form=fresh,
                outcomes=OUTCOMES,
            )
    if is_htmx():
        response = make_response(
            render_template("consultations/_input_form.html", consultation=consultation, input_form=form),
            status,
        )
        response.headers["HX-Retarget"] = "#add-input"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return render_detail(consultation, opts, status, new_input=form)


@bp.route("/inputs/<int:input_id>")
def input_row(consultation_id: int, input_id: int):
    consultation = load_consultation(consultation_id)
    item = load_input(consultation, input_id)
    return row_response(consultation, ROW, f"input-{item.id}", item=item, mode="view")


@bp.route("/inputs/<int:input_id>/edit", methods=["GET", "POST"])
def edit_input(consultation_id: int, input_id: int):
    consultation = load_consultation(consultation_id)
    item = load_input(consultation, input_id)
    opts = Options(consultation)
    form = input_form(opts, item)
    status, message = 200, None
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                input_services.update_input(current_actor(), item, form.version.data, _input_data(form))
            except ValidationError as error:
                db.session.rollback()
                apply_form_errors(form, error)
            except ConflictError as error:
                db.session.rollback()
                status, message = 409, error.message
            else:
                db.session.commit()
                item = load_input(consultation, item.id)
                return row_response(consultation, ROW, f"input-{item.id}", item=item, mode="view")
        if status == 409:
            item = load_input(consultation, item.id)
            return row_response(consultation, ROW, f"input-{item.id}", 409, item=item, mode="view", message=message)
    return row_response(consultation, ROW, f"input-{item.id}", status, item=item, mode="edit", form=form)


def _decision_data(form) -> dict:
    return {
        "outcome": form.outcome.data,
        "rationale": form.rationale.data,
        "decided_by_id": form.decided_by_id.data,
        "decided_on": form.decided_on.data,
        "policy_version_id": form.policy_version_id.data,
        "clause_id": form.clause_id.data,
        "no_change": form.no_change.data,
    }


@bp.route("/inputs/<int:input_id>/decision", methods=["GET", "POST"])
def decision(consultation_id: int, input_id: int):
    consultation = load_consultation(consultation_id)
    item = load_input(consultation, input_id)
    opts = Options(consultation)
    form = decision_form(opts, item)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                input_services.decide(current_actor(), item, form.version.data, _decision_data(form))
            except ValidationError as error:
                db.session.rollback()
                apply_form_errors(form, error)
            except ConflictError as error:
                db.session.rollback()
                item = load_input(consultation, item.id)
                return row_response(
                    consultation, ROW, f"input-{item.id}", 409, item=item, mode="view", message=error.message
                )
            else:
                db.session.commit()
                item = load_input(consultation, item.id)
                return row_response(consultation, ROW, f"input-{item.id}", item=item, mode="view")
    return row_response(consultation, ROW, f"input-{item.id}", status, item=item, mode="decide", form=form)


# --- Commitments -------------------------------------------------------------------------------------


def _load_commitment(consultation, commitment_id: int) -> Commitment:
    commitment = db.session.execute(
        select(Commitment)
        .where(Commitment.id == commitment_id, Commitment.consultation_id == consultation.id)
        .options(selectinload(Commitment.assignee), selectinload(Commitment.person))
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if commitment is None:
        abort(404)
    return commitment


def _commitment_data(form) -> dict:
    return {
        "description": form.description.data,
        "assignee_id": form.assignee_id.data,
        "due_on": form.due_on.data,
        "status": form.status.data,
        "person_id": form.person_id.data,
    }


@bp.route("/commitments", methods=["POST"])
def add_commitment(consultation_id: int):
    consultation = load_consultation(consultation_id)
    opts = Options(consultation)
    form = commitment_form(opts)
    if form.validate_on_submit():
        try:
            commitment = commitment_services.create_commitment(current_actor(), consultation, _commitment_data(form))
        except ValidationError as error:
            db.session.rollback()
            apply_form_errors(form, error)
        else:
            db.session.commit()
            commitment = _load_commitment(consultation, commitment.id)
            if not is_htmx():
                return row_response(consultation, COMMITMENT_ROW, f"commitment-{commitment.id}", commitment=commitment)
            return render_template(
                "consultations/_commitment_added.html",
                consultation=consultation,
                commitment=commitment,
                mode="view",
                commitment_form=commitment_form(opts),
                commitment_statuses=COMMITMENT_STATUSES,
                today=date.today(),
            )
    if is_htmx():
        response = make_response(
            render_template("consultations/_commitment_form.html", consultation=consultation, commitment_form=form),
            400,
        )
        response.headers["HX-Retarget"] = "#add-commitment"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return render_detail(consultation, opts, 400, new_commitment=form)


@bp.route("/commitments/<int:commitment_id>")
def commitment_row(consultation_id: int, commitment_id: int):
    consultation = load_consultation(consultation_id)
    commitment = _load_commitment(consultation, commitment_id)
    return row_response(consultation, COMMITMENT_ROW, f"commitment-{commitment.id}", commitment=commitment, mode="view")


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
def edit_commitment(consultation_id: int, commitment_id: int):
    consultation = load_consultation(consultation_id)
    commitment = _load_commitment(consultation, commitment_id)
    opts = Options(consultation)
    form = commitment_form(opts, commitment)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                commitment_services.update_commitment(
                    current_actor(), commitment, form.version.data, _commitment_data(form)
                )
            except ValidationError as error:
                db.session.rollback()
                apply_form_errors(form, error)
            except ConflictError as error:
                db.session.rollback()
                commitment = _load_commitment(consultation, commitment_id)
                return row_response(
                    consultation,
                    COMMITMENT_ROW,
                    f"commitment-{commitment.id}",
                    409,
                    commitment=commitment,
                    mode="view",
                    message=error.message,
                )
            else:
                db.session.commit()
                commitment = _load_commitment(consultation, commitment_id)
                return row_response(
                    consultation,
                    COMMITMENT_ROW,
                    f"commitment-{commitment.id}",
                    commitment=commitment,
                    mode="view",
                )
    return row_response(
        consultation,
        COMMITMENT_ROW,
        f"commitment-{commitment.id}",
        status,
        commitment=commitment,
        mode="edit",
        form=form,
    )


@bp.route("/commitments/<int:commitment_id>/complete", methods=["POST"])
def complete_commitment(consultation_id: int, commitment_id: int):
    consultation = load_consultation(consultation_id)
    commitment = _load_commitment(consultation, commitment_id)
    version = request.form.get("version", "")
    try:
        commitment_services.complete_commitment(
            current_actor(), commitment, int(version) if version.isdigit() else None
        )
    except ConflictError as error:
        db.session.rollback()
        commitment = _load_commitment(consultation, commitment_id)
        return row_response(
            consultation,
            COMMITMENT_ROW,
            f"commitment-{commitment.id}",
            409,
            commitment=commitment,
            mode="view",
            message=error.message,
        )
    db.session.commit()
    commitment = _load_commitment(consultation, commitment_id)
    return row_response(consultation, COMMITMENT_ROW, f"commitment-{commitment.id}", commitment=commitment, mode="view")
