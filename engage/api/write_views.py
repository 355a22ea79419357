"""The JSON API's writes to the directory: people and organisations (see engage/api/writing.py)."""

from datetime import date

from engage.api.auth import actor, api_blueprint
from engage.api.spec import spec
from engage.api.writing import body, body_model, bound, docs, if_match, run, saved, visible
from engage.auth.permissions import api_access, can_see_lived_experience
from engage.organizations import queries as organisation_queries
from engage.organizations import services as organisation_services
from engage.organizations.forms import OrganisationForm, organisation_data
from engage.people import queries as people_queries
from engage.people import services as people_services
from engage.people.forms import PersonForm, person_data

bp = api_blueprint("api_writes")


# --- organisations ------------------------------------------------------------------------------

OrganisationWrite = body_model(
    "OrganisationWrite",
    {"name": str, "kind": str, "country": str, "website": str, "parent": str, "topics": list[str | int]}
    | {"description": str},
)
TEXT = ("name", "pronouns", "title", "organisation", "email", "other_emails", "phones", "country", "languages")
TEXT += ("time_zone", "links", "bio", "owner", "nda_status", "consent_basis", "lived_experience")
TICKS = ("new_organisation", "consent_contact", "consent_internal", "consent_public", "consent_regulator")
TICKS += ("do_not_contact", "create_anyway")
PersonWrite = body_model(
    "PersonWrite",
    dict.fromkeys(TEXT, str) | dict.fromkeys(TICKS, bool) | {"topics": list[str | int], "consent_on": date},
)


def _organisation_form(values: dict, version: int | None = None) -> OrganisationForm:
    form = bound(OrganisationForm, values, version)
    form.fill_choices()
    return form


@bp.post("/organisations")
@spec.validate(json=OrganisationWrite, **docs("organisations", 201))
@api_access
def create_organisation():
    """Add an organisation (the fields of the organisation form)."""
    form = _organisation_form(body(OrganisationWrite))
    record = run(form, lambda: organisation_services.create_organisation(actor(), organisation_data(form)))
    return saved("organisations", record, 201)


@bp.patch("/organisations/<id:record_id>")
@spec.validate(json=OrganisationWrite, **docs("organisations", 200))
@api_access
def update_organisation(record_id: int):
    """Change an organisation: send only what changes, with If-Match."""
    record = visible("organisations", record_id)
    version = if_match(record)
    values = {k: v for k, v in organisation_queries.form_values(record).items() if k != "version"}
    form = _organisation_form(values | body(OrganisationWrite), version)
    run(form, lambda: organisation_services.update_organisation(actor(), record, version, organisation_data(form)))
    return saved("organisations", record, 200)


# --- people -------------------------------------------------------------------------------------


def _person_form(values: dict, owner_id: int | None, with_lived: bool, version: int | None = None) -> PersonForm:
    form = bound(PersonForm, values, version)
    if not with_lived:
        del form.lived_experience
    form.fill_choices(owner_id)
    return form


@bp.post("/people")
@spec.validate(json=PersonWrite, **docs("people", 201))
@api_access
def create_person():
    """Add a person (the fields of the person form; likely duplicates are refused unless create_anyway)."""
    user = actor().user
    values = {"owner": str(user.id)} | body(PersonWrite)
    form = _person_form(values, None, True)
    record = run(form, lambda: people_services.create_person(actor(), person_data(form, True)))
    return saved("people", record, 201)


@bp.patch("/people/<id:record_id>")
@spec.validate(json=PersonWrite, **docs("people", 200))
@api_access
def update_person(record_id: int):
    """Change a person: send only what changes, with If-Match. Lived experience only if you may see it."""
    user = actor().user
    person = visible("people", record_id)
    version = if_match(person)
    may_see = can_see_lived_experience(user, person)
    values = {k: v for k, v in people_queries.form_values(person, may_see).items() if k != "version"}
    sent = body(PersonWrite)
    if not may_see:
        sent.pop("lived_experience", None)
    form = _person_form(values | sent, person.owner_id, may_see, version)
    del form.create_anyway
    run(form, lambda: people_services.update_person(actor(), person, version, person_data(form, may_see, person)))
    return saved("people", person, 200)
