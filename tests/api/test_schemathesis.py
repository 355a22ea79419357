"""Schemathesis against the WSGI app: the OpenAPI document is valid, and generated requests to
every operation get no 5xx and only responses that conform to the document (status code, content
type, body schema). Each generated case is sent as generated and again on a record that exists
(with its ETag as If-Match), so details and writes are reached, not only their 404s. Bounded: a
few examples per operation, no shrinking, no example database."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import OpenAPIV31SpecValidator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engage.extensions import db
from tests.api.conftest import bearer, make_token
from tests.factories import make_consultation, make_input, make_organisation, make_person

EXAMPLES = 5
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)


@pytest.fixture
def api_schema(app, users):
    with app.app_context():
        make_person(name="Schema Person")
        make_organisation(name="Schema Org")
        person = make_person(name="Schema Raiser")
        make_input(make_consultation(title="Schema consultation", people=[person]), person=person)  # point 1
        db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_openapi_document_is_valid_31(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    operations = list(schemathesis.openapi.from_dict(document).get_all_operations())
    assert len(operations) >= 29 and all(o.ok() for o in operations)  # every operation parses


def test_openapi_document_validates_against_the_31_schema(client):
    """The served document against the OpenAPI 3.1 schema (and its JSON Schema 2020-12 dialect)."""
    document = client.get("/api/v1/openapi.json").get_json()
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in OpenAPIV31SpecValidator(document).iter_errors()
    ]
    assert not errors, "\n".join(errors[:20])
    document["paths"]["/api/v1/people"]["get"]["responses"]["200"] = {"content": "none"}  # the check bites
    assert not OpenAPIV31SpecValidator(document).is_valid()


def test_generated_requests_get_no_5xx_and_conform(app, client, users, api_schema):
    write = make_token(app, users["editor"], "write", "schemathesis")
    failures = []
    for result in api_schema.get_all_operations():
        check_operation(client, result.ok(), write, failures)
    assert not failures, "\n".join(sorted(set(failures))[:20])


def _existing(client, path: str, token: str) -> dict:
    """The ETag of record 1 of the path's resource, as If-Match (the seeded records are id 1)."""
    detail = path.split("{")[0] + "1"
    response = client.get(detail, headers=bearer(token))
    return {"If-Match": response.headers["ETag"]} if response.status_code == 200 else {}


def check_operation(client, operation, write: str, failures: list) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy())
    def run(case):
        calls = [(case.path_parameters, bearer(write))]
        if case.path_parameters and "record_id" in case.path_parameters:
            existing = (
                case.path_parameters
                | {"record_id": 1}
                | ({"input_id": 1} if "input_id" in case.path_parameters else {})
            )
            calls.append((existing, bearer(write) | _existing(client, operation.path, write)))
        for path_parameters, headers in calls:
            case.path_parameters = path_parameters
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as error:
                failures.append(f"{operation.label} {response.status_code}: {str(error)[:400]}")

    run()
