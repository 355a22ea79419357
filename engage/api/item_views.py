"""The JSON API's writes inside a consultation — a point raised and the decision on it — and the
commitments made from a person, an organisation or an engagement, through the web app's forms and
services (see engage/api/writing.py). A consultation the token's user may not see is 404."""

from flask import request
from spectree import Response as Responses

from engage.api import schemas
from engage.api.auth import actor, api_blueprint
from engage.api.points import decision_body, point_body
from engage.api.problems import ApiProblem
from engage.api.spec import spec
from engage.api.views import etag, send
from engage.api.writing import WRITE_ERRORS, body, body_model, bound, docs, if_match, run, saved, visible
from engage.auth.permissions import api_access
from engage.consultations import inputs as input_services
from engage.consultations import queries as consultation_queries
from engage.consultations import register
from engage.consultations.forms import DECISION_FIELDS, INPUT_FIELDS, DecisionForm, InputForm, NewCommitmentForm
from engage.errors import NotFoundError

bp = api_blueprint("api_items")
ID = str | int

InputWrite = body_model("InputWrite", {"raised_by": str, "topic_id": ID, "text": str, "clause_id": ID})
DecisionWrite = body_model(
    "DecisionWrite",
    {"outcome": str, "rationale": str, "decided_by_id": ID, "decided_on": str, "policy_version_id": ID}
    | {"clause_id": ID, "no_change": bool},
)
NewCommitmentWrite = body_model("NewCommitmentWrite", {"description": str, "assignee_id": ID, "due_on": str})


def _docs(model, *statuses: int) -> dict:
    return {"resp": Responses(**{f"HTTP_{s}": model for s in statuses}, **WRITE_ERRORS), "tags": ["consultations"]}


def _data(form, fields) -> dict:
    return {name: form[name].data for name in fields}


def _point(consultation_id: int, input_id: int):
    """The point raised, in a consultation the token's user may see; 404 otherwise."""
    visible("consultations", consultation_id)
    try:
        return consultation_queries.get_input(actor().user, consultation_id, input_id)
    except NotFoundError:
        raise ApiProblem(404) from None


def _sent_point(item, status: int):
    item = _point(item.consultation_id, item.id)  # as stored, with its decision
    return send(point_body(item), status, {"ETag": etag(item)})


# --- points raised ------------------------------------------------------------------------------


@bp.post("/consultations/<id:record_id>/inputs")
@spec.validate(json=InputWrite, **_docs(schemas.PointOut, 201))
@api_access
def create_input(record_id: int):
    """Record a point raised in a consultation you may see: `raised_by` is "person:ID" or
    "organisation:ID", one of its participants (the fields of the page's add-point form)."""
    consultation = visible("consultations", record_id)
    form = bound(InputForm, body(InputWrite))
    item = run(form, lambda: input_services.add_input(actor(), consultation, _data(form, INPUT_FIELDS)))
    return _sent_point(item, 201)


@bp.patch("/consultations/<id:record_id>/inputs/<id:input_id>")
@spec.validate(json=InputWrite, **_docs(schemas.PointOut, 200))
@api_access
def update_input(record_id: int, input_id: int):
    """Change a point raised: send only what changes, with If-Match (the point's version)."""
    item = _point(record_id, input_id)
    version = if_match(item)
    raised_by = f"person:{item.person_id}" if item.person_id else f"organisation:{item.organisation_id}"
    values = {"raised_by": raised_by, "topic_id": item.topic_id, "text": item.text, "clause_id": item.clause_id}
    form = bound(InputForm, values | body(InputWrite), version)
    run(form, lambda: input_services.update_input(actor(), item, version, _data(form, INPUT_FIELDS)))
    return _sent_point(item, 200)


@bp.put("/consultations/<id:record_id>/inputs/<id:input_id>/decision")
@spec.validate(json=DecisionWrite, **_docs(schemas.DecisionOut, 200, 201))
@api_access
def decide(record_id: int, input_id: int):
    """Record the decision on a point (201; no If-Match), or replace it (200; If-Match with the
    decision's version). The checks of the page's decision form: an adopted or adapted point names
    the clause or version it changed (or no_change), a declined or parked one says why."""
    item = _point(record_id, input_id)
    current = item.decision
    version = if_match(current) if current is not None else _no_decision_yet()
    form = bound(DecisionForm, body(DecisionWrite), version)
    decision = run(form, lambda: input_services.decide(actor(), item, version, _data(form, DECISION_FIELDS)))
    return send(decision_body(decision), 201 if current is None else 200, {"ETag": etag(decision)})


def _no_decision_yet() -> None:
    if request.headers.get("If-Match"):
        raise ApiProblem(412, "There is no decision on this point yet (someone may have removed it): send no If-Match.")
    return None


# --- commitments made from a person, an organisation or an engagement ------------------------------

SUBJECTS = {"person": "people", "organisation": "organisations", "engagement": "engagements"}


def _commitment_for(kind: str):
    def view(record_id: int):
        subject = visible(SUBJECTS[kind], record_id)
        form = bound(NewCommitmentForm, body(NewCommitmentWrite))
        record = run(form, lambda: register.create_for(actor(), kind, subject, form.data))
        return saved("commitments", record, 201)

    view.__name__ = f"create_{kind}_commitment"
    view.__doc__ = (
        f"Record a commitment owed to or made at this {kind} (not in a consultation); unassigned: yours.\n\n"
        "The fields of the new-commitment page: description, assignee_id, due_on (YYYY-MM-DD)."
    )
    return view


for _kind, _name in SUBJECTS.items():
    _view = spec.validate(json=NewCommitmentWrite, **docs("commitments", 201))(api_access(_commitment_for(_kind)))
    bp.add_url_rule(f"/{_name}/<id:record_id>/commitments", view_func=_view, methods=["POST"])
