"""The JSON API's writes: the web form's own class and the same service call, fed from JSON, so a
refused write gets the messages the page would show, as problem details. Updates need If-Match
with the record's ETag (its version): a stale or missing one is 412 and the first write stands."""

from datetime import date

from flask import request, url_for
from pydantic import ConfigDict, create_model
from spectree import Response as Responses
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from engage import transaction
from engage.api import resources, schemas
from engage.api.auth import actor, api_blueprint
from engage.api.problems import ApiProblem
from engage.api.spec import spec
from engage.api.views import etag, represent, send
from engage.auth.permissions import api_access, can_see_lived_experience
from engage.errors import ConflictError
from engage.extensions import db
from engage.organizations import queries as organisation_queries
from engage.organizations import services as organisation_services
from engage.organizations.forms import OrganisationForm, organisation_data
from engage.people import queries as people_queries
from engage.people import services as people_services
from engage.people.forms import PersonForm, person_data

bp = api_blueprint("api_writes")
WRITE_ERRORS = {**{f"HTTP_{c}": schemas.Problem for c in (400, 401, 403, 404, 409, 412, 429)}}


def _formdata(values: dict) -> MultiDict:
    """JSON values as a posted form would carry them: lists as repeated keys, booleans ticked or not."""
    data = MultiDict()
    for key, value in values.items():
        if value is None or value is False:
            continue
        for item in value if isinstance(value, list) else [value]:
            data.add(key, "y" if item is True else item.isoformat() if isinstance(item, date) else str(item))
    return data


def _body(body_model) -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(400, "Send a JSON object (Content-Type: application/json).", {"_body": ["Not a JSON object."]})
    return {k: v for k, v in body.items() if k in body_model.model_fields}


def _if_match(record) -> int:
    """The version If-Match names; missing or stale: 412 (nothing is written)."""
    text = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise ApiProblem(412, "Send If-Match with the ETag of the record as you read it.")
    if int(text) != record.version:
        raise ApiProblem(412, "Someone changed this record after you read it: their change stands. Read it again.")
    return int(text)


def _run(form, action):
    """Validate `form` (as the page does), then `action()`; refusals as problem details."""
    if not form.validate():
        raise ApiProblem(400, "Some fields are not valid.", {k: v for k, v in form.errors.items()})
    try:
        value = action()
        db.session.flush()
    except (ConflictError, StaleDataError):
        transaction.abandon()
        raise ApiProblem(412, "Someone changed this record while you were writing: their change stands.")
    return value


def _saved(name: str, record, status: int):
    resource = resources.RESOURCES[name]
    record = resource.fetch(actor().user, record.id)
    headers = {"ETag": etag(record)}
    if status == 201:
        headers["Location"] = url_for(f"api.{name}_detail", record_id=record.id)
    return send(represent(resource, [record], True, None)[0], status, headers)


# --- organisations ------------------------------------------------------------------------------

ORGANISATION_FIELDS = ("name", "kind", "country", "website", "parent", "topics", "description")
OrganisationWrite = create_model(
    "OrganisationWrite",
    __config__=ConfigDict(extra="forbid"),
    **{k: (list[str | int] | None, None) if k == "topics" else (str | None, None) for k in ORGANISATION_FIELDS},
)
PERSON_FIELDS = (
    "name", "pronouns", "title", "organisation", "new_organisation", "email", "other_emails", "phones", "country",
    "languages", "time_zone", "topics", "links", "bio", "owner", "nda_status", "consent_basis", "consent_on",
    "consent_contact", "consent_internal", "consent_public", "consent_regulator", "do_not_contact",
    "lived_experience", "create_anyway",
)  # fmt: skip
BOOLEAN = {"new_organisation", "consent_contact", "consent_internal", "consent_public", "consent_regulator"}
BOOLEAN |= {"do_not_contact", "create_anyway"}


def _person_type(key: str):
    if key in BOOLEAN:
        return (bool | None, None)
    if key == "topics":
        return (list[str | int] | None, None)
    if key == "consent_on":
        return (date | None, None)
    return (str | None, None)


PersonWrite = create_model(
    "PersonWrite", __config__=ConfigDict(extra="forbid"), **{k: _person_type(k) for k in PERSON_FIELDS}
)


def _organisation_form(values: dict, version: int | None = None) -> OrganisationForm:
    form = OrganisationForm(formdata=_formdata(values), meta={"csrf": False})
    form.version.data = version
    form.fill_choices()
    return form


@bp.post("/organisations")
@spec.validate(
    json=OrganisationWrite,
    resp=Responses(HTTP_201=schemas.DETAIL["organisations"], **WRITE_ERRORS),
    tags=["organisations"],
)
@api_access
def create_organisation():
    """Add an organisation (the fields of the organisation form)."""
    form = _organisation_form(_body(OrganisationWrite))
    record = _run(form, lambda: organisation_services.create_organisation(actor(), organisation_data(form)))
    return _saved("organisations", record, 201)


@bp.patch("/organisations/<id:record_id>")
@spec.validate(
    json=OrganisationWrite,
    resp=Responses(HTTP_200=schemas.DETAIL["organisations"], **WRITE_ERRORS),
    tags=["organisations"],
)
@api_access
def update_organisation(record_id: int):
    """Change an organisation: send only what changes, with If-Match."""
    record = resources.RESOURCES["organisations"].fetch(actor().user, record_id)
    if record is None:
        raise ApiProblem(404)
    version = _if_match(record)
    values = {k: v for k, v in organisation_queries.form_values(record).items() if k != "version"}
    form = _organisation_form(values | _body(OrganisationWrite), version)
    _run(form, lambda: organisation_services.update_organisation(actor(), record, version, organisation_data(form)))
    return _saved("organisations", record, 200)


# --- people -------------------------------------------------------------------------------------


def _person_form(values: dict, owner_id: int | None, with_lived: bool, version: int | None = None) -> PersonForm:
    form = PersonForm(formdata=_formdata(values), meta={"csrf": False})
    form.version.data = version
    if not with_lived:
        del form.lived_experience
    form.fill_choices(owner_id)
    return form


@bp.post("/people")
@spec.validate(json=PersonWrite, resp=Responses(HTTP_201=schemas.DETAIL["people"], **WRITE_ERRORS), tags=["people"])
@api_access
def create_person():
    """Add a person (the fields of the person form; likely duplicates are refused unless create_anyway)."""
    user = actor().user
    values = {"owner": str(user.id)} | _body(PersonWrite)
    form = _person_form(values, None, True)
    record = _run(form, lambda: people_services.create_person(actor(), person_data(form, True)))
    return _saved("people", record, 201)


@bp.patch("/people/<id:record_id>")
@spec.validate(json=PersonWrite, resp=Responses(HTTP_200=schemas.DETAIL["people"], **WRITE_ERRORS), tags=["people"])
@api_access
def update_person(record_id: int):
    """Change a person: send only what changes, with If-Match. Lived experience only if you may see it."""
    user = actor().user
    person = resources.RESOURCES["people"].fetch(user, record_id)
    if person is None:
        raise ApiProblem(404)
    version = _if_match(person)
    may_see = can_see_lived_experience(user, person)
    values = {k: v for k, v in people_queries.form_values(person, may_see).items() if k != "version"}
    body = _body(PersonWrite)
    if not may_see:
        body.pop("lived_experience", None)
    form = _person_form(values | body, person.owner_id, may_see, version)
    del form.create_anyway
    _run(form, lambda: people_services.update_person(actor(), person, version, person_data(form, may_see, person)))
    return _saved("people", person, 200)
