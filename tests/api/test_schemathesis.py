"""Schemathesis against the WSGI app: the OpenAPI document is valid, and generated requests to
every operation get no 5xx and only responses that conform to the document (status code, content
type, body schema). Each generated case is sent as generated and again on a record that exists
(with its ETag as If-Match), so details and writes are reached, not only their 404s. Bounded: a
few examples per operation, no shrinking, no example database."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engage.extensions import db
from tests.api.conftest import bearer, make_token
from tests.factories import make_consultation, make_organisation, make_person

EXAMPLES = 5
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)


@pytest.fixture
def api_schema(app, users):
    with app.app_context():
        make_person(name="Schema Person")
        make_organisation(name="Schema Org")
        make_consultation(title="Schema consultation")
        db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_openapi_document_is_valid_31(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    operations = list(schemathesis.openapi.from_dict(document).get_all_operations())
    assert len(operations) >= 29 and all(o.ok() for o in operations)  # every operation parses


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
            calls.append(({"record_id": 1}, bearer(write) | _existing(client, operation.path, write)))
        for path_parameters, headers in calls:
            case.path_parameters = path_parameters
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as error:
                failures.append(f"{operation.label} {response.status_code}: {str(error)[:400]}")

    run()
