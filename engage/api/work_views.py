"""The JSON API's writes to the team's work: consultations, their commitments, and engagements,
through the web forms and services (see engage/api/writing.py)."""

from datetime import datetime

from engage.api.auth import actor, api_blueprint
from engage.api.problems import ApiProblem
from engage.api.spec import spec
from engage.api.writing import body, body_model, bound, docs, formdata, if_match, run, saved, visible
from engage.auth.permissions import api_access
from engage.consultations import commitments as commitment_services
from engage.consultations import queries as consultation_queries
from engage.consultations import register
from engage.consultations import services as consultation_services
from engage.consultations.forms import CommitmentForm, ConsultationForm, consultation_data
from engage.engagements import services as engagement_services
from engage.engagements.forms import EngagementForm, initial
from engage.ids import as_id

bp = api_blueprint("api_work")
IDS = list[str | int]


# --- consultations ------------------------------------------------------------------------------

ConsultationWrite = body_model(
    "ConsultationWrite",
    {"title": str, "date": str, "kind": str, "confidentiality": str, "summary": str, "forum_id": str | int}
    | dict.fromkeys(("topic_ids", "staff_ids", "person_ids", "organisation_ids"), IDS),
)


def _consultation(values: dict, version: int | None = None):
    return bound(ConsultationForm, values, version), formdata(values)


@bp.post("/consultations")
@spec.validate(json=ConsultationWrite, **docs("consultations", 201))
@api_access
def create_consultation():
    """Log a consultation (the fields of the consultation form; you are among its staff by default)."""
    form, posted = _consultation({"staff_ids": [actor().user.id]} | body(ConsultationWrite))
    record = run(form, lambda: consultation_services.create_consultation(actor(), consultation_data(form, posted)))
    return saved("consultations", record, 201)


@bp.patch("/consultations/<id:record_id>")
@spec.validate(json=ConsultationWrite, **docs("consultations", 200))
@api_access
def update_consultation(record_id: int):
    """Change a consultation you may see: send only what changes, with If-Match."""
    record = visible("consultations", record_id)
    version = if_match(record)
    form, posted = _consultation(consultation_queries.form_values(record) | body(ConsultationWrite), version)
    update = consultation_services.update_consultation
    run(form, lambda: update(actor(), record, version, consultation_data(form, posted)))
    return saved("consultations", record, 200)


# --- commitments (made in a consultation) ----------------------------------------------------------

CommitmentWrite = body_model(
    "CommitmentWrite",
    {"consultation_id": int, "description": str, "assignee_id": str | int, "due_on": str, "status": str}
    | {"person_id": str | int},
)
COMMITMENT_FIELDS = ("description", "assignee_id", "due_on", "status", "person_id")


def _commitment(values: dict, version: int | None = None) -> tuple[CommitmentForm, dict]:
    form = bound(CommitmentForm, values, version)
    return form, {name: form[name].data for name in COMMITMENT_FIELDS}


@bp.post("/commitments")
@spec.validate(json=CommitmentWrite, **docs("commitments", 201))
@api_access
def create_commitment():
    """Record a commitment in a consultation you may see (consultation_id); unassigned: yours."""
    sent = body(CommitmentWrite)
    consultation_id = sent.pop("consultation_id", None)
    if as_id(consultation_id) is None or isinstance(consultation_id, str):
        raise ApiProblem(400, "Say which consultation.", {"consultation_id": ["Give the consultation's id."]})
    consultation = visible("consultations", consultation_id)
    form, data = _commitment(sent)  # unassigned: the service gives it to whoever records it
    record = run(form, lambda: commitment_services.create_commitment(actor(), consultation, data))
    return saved("commitments", record, 201)


@bp.patch("/commitments/<id:record_id>")
@spec.validate(json=CommitmentWrite, **docs("commitments", 200))
@api_access
def update_commitment(record_id: int):
    """Change a commitment you may see, with If-Match (its consultation, person, organisation or
    engagement stays; person_id is a consultation participant's, for a consultation's commitment)."""
    record = visible("commitments", record_id)
    version = if_match(record)
    values = {name: getattr(record, name) for name in COMMITMENT_FIELDS}
    sent = body(CommitmentWrite)
    sent.pop("consultation_id", None)
    if record.consultation_id is None:  # made from a person, an organisation or an engagement
        sent.pop("person_id", None)
    form, data = _commitment(values | sent, version)
    if record.consultation_id is None:
        data.pop("person_id")
        run(form, lambda: register.update_for(actor(), record, version, data))
    else:
        run(form, lambda: commitment_services.update_commitment(actor(), record, version, data))
    return saved("commitments", record, 200)


# --- engagements --------------------------------------------------------------------------------

EngagementWrite = body_model(
    "EngagementWrite",
    {"title": str, "kind": str, "status": str, "starts_at": str, "ends_at": str, "timezone": str, "fold": str}
    | {"end_fold": str, "country": str, "venue": str, "virtual_link": str, "forum_id": str | int}
    | {"topic_ids": IDS, "speaker_ids": IDS, "objectives": str, "key_messages": str, "sensitivities": str}
    | {"logistics": str, "agenda": str, "participants": list[dict[str, str]]},
)


def _engagement(values: dict, version: int | None = None) -> EngagementForm:
    form = bound(EngagementForm, values, version)
    form.set_choices()
    return form


@bp.post("/engagements")
@spec.validate(json=EngagementWrite, **docs("engagements", 201))
@api_access
def create_engagement():
    """Add an engagement: local times (YYYY-MM-DDTHH:MM) in its IANA `timezone`; participants as
    rows of {person: "#id" or an email, role, rsvp}."""
    form = _engagement(body(EngagementWrite))
    record = run(form, lambda: engagement_services.create(actor(), form.to_data()))
    return saved("engagements", record, 201)


@bp.patch("/engagements/<id:record_id>")
@spec.validate(json=EngagementWrite, **docs("engagements", 200))
@api_access
def update_engagement(record_id: int):
    """Change an engagement: send only what changes, with If-Match."""
    record = visible("engagements", record_id)
    version = if_match(record)
    values = {k: v for k, v in initial(record).items() if k != "version"}
    values = {k: v.strftime("%Y-%m-%dT%H:%M") if isinstance(v, datetime) else v for k, v in values.items()}
    form = _engagement(values | body(EngagementWrite), version)
    run(form, lambda: engagement_services.update(actor(), record, version, form.to_data()))
    return saved("engagements", record, 200)
