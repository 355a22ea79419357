"""Schemathesis against the WSGI app: the OpenAPI document is valid, and generated requests to
every operation (reads with a read token, writes with a write token) get no 5xx and only
responses that conform to the document. Bounded: a few examples per operation, no shrinking."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.api.conftest import bearer, make_token
from tests.factories import make_organisation, make_person

EXAMPLES = 6


@pytest.fixture
def api_schema(app, users):
    with app.app_context():
        make_person(name="Schema Person")
        make_organisation(name="Schema Org")
        from engage.extensions import db

        db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_openapi_document_is_valid_31(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    operations = list(schemathesis.openapi.from_dict(document).get_all_operations())
    assert operations and all(o.ok() for o in operations)  # every operation parses


def test_generated_requests_get_no_5xx_and_conform(app, users, api_schema):
    write = make_token(app, users["editor"], "write", "schemathesis")
    failures = []
    for result in api_schema.get_all_operations():
        check_operation(result.ok(), write, failures)
    assert not failures, "\n".join(sorted(set(failures))[:20])


def check_operation(operation, write: str, failures: list) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=bearer(write))
        for check in (not_a_server_error, status_code_conformance, response_schema_conformance):
            try:
                case.validate_response(response, checks=(check,))
            except Exception as error:
                failures.append(f"{operation.label}: {str(error)[:300]}")
                return

    run()
