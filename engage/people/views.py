"""People: the list, the person page, the person form, and the small forms on the person page
(assessments, conflicts, honoraria, affiliations)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import choices
from engage.affiliations import services as affiliations
from engage.affiliations.forms import AffiliationForm, EndAffiliationForm
from engage.auth.permissions import can_change_owner, can_see_lived_experience, can_write
from engage.briefings import panels
from engage.documents import pages as written
from engage.ids import id_arg
from engage.people import consent, merge, queries, records, services
from engage.people.forms import AssessmentForm, ConflictForm, HonorariumForm, PersonForm, person_data
from engage.people.models import CONSENT_SCOPES, STANCES, Person
from engage.regions import REGIONS
from engage.validation import countries, time_zones
from engage.web import current_actor, paginate, submit, switch_routes

bp = Blueprint("people", __name__, url_prefix="/people")

# The small forms of the person page, by the name the template knows them by.
PAGE_FORMS = {
    "assessment_form": AssessmentForm,
    "conflict_form": ConflictForm,
    "honorarium_form": HonorariumForm,
    "affiliation_form": AffiliationForm,
    "end_form": EndAffiliationForm,
}


@bp.route("")
def index():
    args = request.args.to_dict()
    page = paginate(queries.list_query(queries.for_reader(args, current_user), current_user))
    return render_template(
        "people/list.html",
        page=page,
        args=args,
        filtered=any(args.get(k) for k in queries.FILTER_KEYS),
        **queries.list_rows(current_user, page.items, id_arg(args, "stance_topic")),
        topics=choices.topics(include_inactive=True),
        owners=[("me", "Me"), ("none", "No owner"), *choices.users(include_inactive=True)],
        cooling=[(str(m), f"{m} months" if m > 1 else "1 month") for m in choices.COOLING_MONTHS],
        forums=choices.forums(),
        organisation_filter=queries.organisation_filter(args),
        countries=countries(),
        stances=[(s, s.capitalize()) for s in STANCES],
        regions=[(r, r) for r in REGIONS],
    )


def render_detail(person_id: int, status: int = 200, **forms):
    """The person page; `forms` are the small forms to show as posted (with their messages)."""
    detail = queries.person_detail(current_user, person_id)
    if detail is None:
        if (survivor := merge.merged_into(person_id)) is not None:  # an old address of a merged person
            flash(f"Person #{person_id} was merged into this record.", "info")
            return redirect(url_for("people.detail", person_id=survivor), 301)
        abort(404)
    for key, form_class in PAGE_FORMS.items():
        forms.setdefault(key, form_class(formdata=None))
    return (
        render_template(
            "people/detail.html",
            d=detail,
            person=detail.person,
            consent_scopes=CONSENT_SCOPES,
            consent_history=consent.history(person_id),
            consent_sources=consent.SOURCES,
            **panels.person_letters(detail.person),
            **written.panel("people", person_id),
            **forms,
        ),
        status,
    )


@bp.route("/<id:person_id>")
def detail(person_id: int):
    return render_detail(person_id)


_person_data = person_data  # the form's values as the service takes them (the JSON API's too)


def _render_form(form: PersonForm, person: Person | None, status: int):
    form.fill_choices(person.owner_id if person else None)
    return render_template("people/form.html", form=form, person=person, time_zones=sorted(time_zones())), status


def _saved(person: Person, message: str, anchor: str | None = None):
    flash(message, "success")
    return redirect(url_for("people.detail", person_id=person.id, _anchor=anchor))


@bp.route("/new", methods=["GET", "POST"])
def new():
    # The creator is the default owner, so they may record lived experience; the service refuses it
    # when they hand the person to another owner (unless they are an admin).
    # Private by default (GDPR Art. 25): no consent scope is ticked until someone records one.
    form = PersonForm(data={"owner": str(current_user.id)})
    if not can_write(current_user):
        del form.lived_experience  # a viewer sees the form but can neither save nor be an owner
    outcome = submit(form, lambda: services.create_person(current_actor(), _person_data(form, True)))
    if outcome.ok:
        return _saved(outcome.value, f"{outcome.value.name} is added.")
    form.duplicates = getattr(getattr(form, "service_error", None), "matches", None)
    return _render_form(form, None, outcome.status)


@bp.route("/<id:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    person = queries.get_person(person_id) or abort(404)
    may_see = can_see_lived_experience(current_user, person)
    form = PersonForm(data=queries.form_values(person, may_see))
    if not may_see:
        del form.lived_experience  # neither shown nor read from the request
    if not can_change_owner(current_user, person):
        form.owner.render_kw = {"disabled": True}  # the service refuses a forged change all the same
    del form.create_anyway  # only a new person is checked for duplicates
    outcome = submit(
        form,
        lambda: services.update_person(current_actor(), person, form.version.data, _person_data(form, may_see, person)),
    )
    if outcome.ok:
        return _saved(person, f"{person.name} is saved.")
    return _render_form(form, person, outcome.status)


def _archive(person_id: int, archived: bool):
    person = queries.get_person(person_id) or abort(404)
    services.set_archived(current_actor(), person, archived)
    return _saved(person, f"{person.name} is {'archived' if archived else 'back in the directory'}.")


switch_routes(bp, "/<id:person_id>", {"archive": True, "unarchive": False}, _archive)


def _fields(form) -> dict:
    """The form's values by field name (the small forms name their fields as the services' arguments)."""
    return {name: f.data for name, f in form._fields.items() if name != "csrf_token"}


def _small_form(person_id: int, key: str, call, message: str, anchor: str | None = None):
    """One of the small forms on the person page: `call(actor, person, **fields)`, then back to it; or
    the page with the messages next to the fields (400, or 409 when someone saved first)."""
    person = queries.get_person(person_id) or abort(404)
    form = PAGE_FORMS[key]()
    outcome = submit(form, lambda: call(current_actor(), person, **_fields(form)))
    if outcome.ok:
        return _saved(person, message, anchor or key.removesuffix("_form"))
    return render_detail(person_id, outcome.status, **{key: form})


@bp.route("/<id:person_id>/assessments", methods=["POST"])
def add_assessment(person_id: int):
    return _small_form(person_id, "assessment_form", records.add_assessment, "The assessment is added.")


@bp.route("/<id:person_id>/conflicts", methods=["POST"])
def add_conflict(person_id: int):
    return _small_form(person_id, "conflict_form", records.add_conflict, "The declaration is recorded.")


@bp.route("/<id:person_id>/honoraria", methods=["POST"])
def add_honorarium(person_id: int):
    return _small_form(person_id, "honorarium_form", records.add_honorarium, "The honorarium is recorded.")


def _affiliate(actor, someone, organisation, role, start_on, end_on, new_organisation=False, **_):
    """The person page names the organisation (found, or created when new)."""
    return affiliations.add_affiliation(
        actor, someone, None, role, start_on, end_on, organisation_name=organisation, new_organisation=new_organisation
    )


@bp.route("/<id:person_id>/affiliations", methods=["POST"])
def add_affiliation(person_id: int):
    return _small_form(person_id, "affiliation_form", _affiliate, "The affiliation is added.")


@bp.route("/<id:person_id>/affiliations/<id:affiliation_id>/end", methods=["POST"])
def end_affiliation(person_id: int, affiliation_id: int):
    affiliation = affiliations.get_affiliation(affiliation_id)
    if affiliation.person_id != person_id:
        abort(404)
    return _small_form(
        person_id,
        "end_form",
        lambda actor, _person, version, end_on: affiliations.end_affiliation(actor, affiliation, version, end_on),
        "The affiliation is ended.",
        anchor="affiliations",
    )
