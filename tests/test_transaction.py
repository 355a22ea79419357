"""One transaction per request, at the edge: a request that ends in an error leaves nothing
written, whatever it wrote before the error; a request that succeeds is committed once."""

import pytest
from flask import Blueprint
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from engage import transaction
from engage.audit import services as audit
from engage.audit.models import AuditEvent
from engage.audit.services import Actor
from engage.auth.permissions import public
from engage.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from engage.extensions import csrf, db
from engage.people.models import Person
from engage.web import submit

ERRORS = {
    "validation": (ValidationError({"name": "Enter a name."}), 400),
    "conflict": (ConflictError(), 409),
    "stale": (StaleDataError("the row changed"), 409),
    "not-found": (NotFoundError(), 404),
    "forbidden": (ForbiddenError("Only the owner may do this."), 403),
    "bug": (RuntimeError("a bug half way"), 500),
}


def _write_a_person(name: str) -> Person:
    """A real write, as a service makes it: the row and its audit event, flushed."""
    person = Person(name=name)
    db.session.add(person)
    db.session.flush()
    audit.record(Actor(None, "127.0.0.1"), "create", Person, person.id, name)
    return person


class EmptyForm(FlaskForm):
    class Meta:
        csrf = False


@pytest.fixture
def edge(app):
    """Routes that write, then fail (or not) in each way a service can."""
    bp = Blueprint("edge_test", __name__)

    @bp.get("/_test/write/<kind>")
    @public
    def write_then(kind):
        _write_a_person(f"Written before {kind}")
        if kind in ERRORS:
            raise ERRORS[kind][0]
        return "written"

    @bp.get("/_test/error-page/<kind>")
    @public
    def error_status(kind):
        _write_a_person("Written before an error page")
        return "refused", int(kind)

    @bp.post("/_test/form/<kind>")
    @public
    def form_then(kind):
        def service():
            _write_a_person(f"Form before {kind}")
            raise ERRORS[kind][0]

        form = EmptyForm()
        outcome = submit(form, service)
        return (outcome.conflict or " ".join(form.form_errors)), outcome.status

    @bp.get("/_test/kept")
    @public
    def kept():
        _write_a_person("Recorded although refused")
        transaction.keep()
        return "refused", 401

    csrf.exempt(bp)  # the form carries no token; CSRF has its own tests
    app.register_blueprint(bp)
    return app


def _people(app) -> tuple[list[str], int]:
    with app.app_context():
        names = list(db.session.execute(select(Person.name)).scalars())
        events = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        db.session.remove()
        return names, events


@pytest.mark.parametrize("kind", list(ERRORS))
def test_an_error_after_a_write_leaves_nothing_written(edge, kind):
    response = edge.test_client().get(f"/_test/write/{kind}")
    assert response.status_code == ERRORS[kind][1]
    assert _people(edge) == ([], 0)


def test_a_successful_request_is_committed_at_the_edge(edge):
    assert edge.test_client().get("/_test/write/none").status_code == 200
    assert _people(edge) == (["Written before none"], 1)


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422])
def test_an_error_response_rolls_back_even_without_an_exception(edge, status):
    assert edge.test_client().get(f"/_test/error-page/{status}").status_code == status
    assert _people(edge) == ([], 0)


@pytest.mark.parametrize("kind", ["validation", "conflict", "stale"])
def test_a_form_whose_service_fails_is_shown_again_and_nothing_is_written(edge, kind):
    response = edge.test_client().post(f"/_test/form/{kind}")
    assert response.status_code == ERRORS[kind][1]
    message = "Enter a name." if kind == "validation" else "changed this record"
    assert message in response.get_data(as_text=True)
    assert _people(edge) == ([], 0)


def test_a_refusal_that_must_be_recorded_is_kept(edge):
    assert edge.test_client().get("/_test/kept").status_code == 401
    assert _people(edge) == (["Recorded although refused"], 1)


def test_an_htmx_request_gets_the_error_as_a_fragment(edge):
    response = edge.test_client().get("/_test/write/forbidden", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Only the owner may do this." in body and "<html" not in body
