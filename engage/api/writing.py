"""What the API's write views share: JSON as a posted form, If-Match, problem details, the saved record.

The web form's own class and the same service call, fed from JSON, so a refused write gets the
messages the page would show, as problem details. Updates need If-Match with the record's ETag (its
version): a stale or missing one is 412 and the first write stands.
"""

from datetime import date, datetime

from flask import request, url_for
from pydantic import ConfigDict, create_model
from spectree import Response as Responses
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from engage import transaction
from engage.api import resources, schemas
from engage.api.auth import actor
from engage.api.problems import ApiProblem
from engage.api.views import etag, represent, send
from engage.errors import ConflictError
from engage.extensions import db
from engage.ids import as_id

WRITE_ERRORS = {f"HTTP_{c}": schemas.Problem for c in (400, 401, 403, 404, 409, 412, 429)}


def docs(name: str, status: int) -> dict:
    """spectree's `resp` and `tags` for a write of resource `name` answering `status` (201 or 200)."""
    return {"resp": Responses(**{f"HTTP_{status}": schemas.DETAIL[name]}, **WRITE_ERRORS), "tags": [name]}


def bound(form_class, values: dict, version: int | None = None):
    """The web form `form_class` filled from JSON `values` (no CSRF: no cookie authenticates the API)."""
    form = form_class(formdata=formdata(values), meta={"csrf": False})
    if "version" in form:
        form.version.data = version
    return form


def body_model(name: str, fields: dict) -> type:
    """The pydantic model of a write's body: `fields` maps a form field's name to its JSON type."""
    return create_model(name, __config__=ConfigDict(extra="forbid"), **{k: (t | None, None) for k, t in fields.items()})


def formdata(values: dict) -> MultiDict:
    """JSON values as a posted form would carry them: lists as repeated keys, booleans ticked or not."""
    data = MultiDict()
    for key, value in values.items():
        if value is None or value is False:
            continue
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, dict):  # a row of a FieldList (an engagement's participants)
                data.update(formdata({f"{key}-{index}-{k}": v for k, v in item.items()}))
            else:
                data.add(key, _text(item))
    return data


def _text(item) -> str:
    if item is True:
        return "y"
    if isinstance(item, datetime):
        return item.strftime("%Y-%m-%dT%H:%M")
    return item.isoformat() if isinstance(item, date) else str(item)


def body(model) -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(400, "Send a JSON object (Content-Type: application/json).", {"_body": ["Not a JSON object."]})
    return {k: v for k, v in body.items() if k in model.model_fields}


def if_match(record) -> int:
    """The version If-Match names; missing or stale: 412 (nothing is written)."""
    text = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise ApiProblem(412, "Send If-Match with the ETag of the record as you read it.")
    if int(text) != record.version:
        raise ApiProblem(412, "Someone changed this record after you read it: their change stands. Read it again.")
    return int(text)


def run(form, action):
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


def saved(name: str, record, status: int):
    resource = resources.RESOURCES[name]
    record = resource.fetch(actor().user, record.id)
    headers = {"ETag": etag(record)}
    if status == 201:
        headers["Location"] = url_for(f"api.{name}_detail", record_id=record.id)
    return send(represent(resource, [record], True, None)[0], status, headers)


def visible(name: str, record_id: int):
    """The record the token's user may see, to change; 404 as for a missing one otherwise (and for
    an id no record can have: negative, zero, past 2^31-1, or not a whole number)."""
    record_id = as_id(record_id)
    record = None if record_id is None else resources.RESOURCES[name].fetch(actor().user, record_id)
    if record is None:
        raise ApiProblem(404)
    return record
