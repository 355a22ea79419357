"""People: the list, the person page, the person form, and the small forms on the person page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import choices
from engage.auth.permissions import can_see_lived_experience, can_write
from engage.briefings import panels
from engage.errors import ValidationError
from engage.extensions import db
from engage.organizations import services as organisation_services
from engage.organizations.forms import AffiliationForm, EndAffiliationForm
from engage.organizations.models import Organisation
from engage.people import services
from engage.people.forms import AssessmentForm, ConflictForm, HonorariumForm, PersonForm
from engage.people.models import CONSENT_SCOPES, STANCES, Person
from engage.validation import countries, time_zones
from engage.web import apply_form_errors, current_actor, paginate, submit

bp = Blueprint("people", __name__, url_prefix="/people")

FILTER_KEYS = (
    "q",
    "country",
    "topic",
    "organisation",
    "owner",
    "stance",
    "forum",
    "not_contacted_since",
    "dnc",
)


@bp.route("")
def index():
    args = request.args.to_dict()
    page = paginate(services.list_query(args))
    ids = [p.id for p in page.items]
    organisation_filter = None
    if args.get("organisation", "").isdigit():
        organisation_filter = db.session.get(Organisation, int(args["organisation"]))
    return render_template(
        "people/list.html",
        page=page,
        args=args,
        filtered=any(args.get(k) for k in FILTER_KEYS),
        assessments=services.current_assessments(ids),
        affiliations=services.current_affiliations(ids),
        last_interactions=services.visible_last_interactions(current_user, ids),
        topics=choices.topics(include_inactive=True),
        owners=[("none", "No owner"), *choices.users(include_inactive=True)],
        forums=choices.forums(),
        organisation_filter=organisation_filter,
        countries=countries(),
        stances=[(s, s.capitalize()) for s in STANCES],
    )


def render_detail(person_id: int, status: int = 200, **forms):
    detail = services.person_detail(current_user, person_id)
    if detail is None:
        abort(404)
    forms.setdefault("assessment_form", AssessmentForm(formdata=None))
    forms.setdefault("conflict_form", ConflictForm(formdata=None))
    forms.setdefault("honorarium_form", HonorariumForm(formdata=None))
    forms.setdefault("affiliation_form", AffiliationForm(formdata=None))
    forms.setdefault("end_form", EndAffiliationForm(formdata=None))
    return (
        render_template(
            "people/detail.html",
            d=detail,
            person=detail.person,
            consent_scopes=CONSENT_SCOPES,
            **panels.person_letters(detail.person),
            **forms,
        ),
        status,
    )


@bp.route("/<int:person_id>")
def detail(person_id: int):
    return render_detail(person_id)


def _person_data(form: PersonForm, with_lived_experience: bool) -> services.PersonData:
    return services.PersonData(
        name=form.name.data or "",
        email=form.email.data or "",
        other_emails=form.other_emails.data or "",
        phones=form.phones.data or "",
        pronouns=form.pronouns.data or "",
        title=form.title.data or "",
        country=form.country.data or "",
        languages=form.languages.data or "",
        time_zone=form.time_zone.data or "",
        topic_ids=form.topics.data or [],
        links=form.links.data or "",
        bio=form.bio.data or "",
        owner_id=form.owner.data or None,
        organisation=form.organisation.data or "",
        nda_status=form.nda_status.data or "none",
        consent_basis=form.consent_basis.data or "",
        consent_on=form.consent_on.data,
        consent_contact=form.consent_contact.data,
        consent_internal=form.consent_internal.data,
        consent_public=form.consent_public.data,
        consent_regulator=form.consent_regulator.data,
        do_not_contact=form.do_not_contact.data,
        lived_experience=(form.lived_experience.data or "") if with_lived_experience else None,
    )


def _render_form(form: PersonForm, person: Person | None, status: int):
    form.fill_choices(person.owner_id if person else None)
    return render_template("people/form.html", form=form, person=person, time_zones=sorted(time_zones())), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    # The creator is the default owner, so they may record lived experience; the service refuses it
    # when they hand the person to another owner (unless they are an admin).
    form = PersonForm(data={"owner": str(current_user.id), "consent_internal": True})
    if not can_write(current_user):
        del form.lived_experience  # a viewer sees the form but can neither save nor be an owner
    outcome = submit(form, lambda: services.create_person(current_actor(), _person_data(form, True)))
    status = outcome.status
    if outcome.ok:
        person = outcome.value
        flash(f"{person.name} is added.", "success")
        return redirect(url_for("people.detail", person_id=person.id))
    return _render_form(form, None, status)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    person = services.get_person(person_id) or abort(404)
    may_see = can_see_lived_experience(current_user, person)
    form = PersonForm(data=services.form_values(person, may_see))
    if not may_see:
        del form.lived_experience  # neither shown nor read from the request
    outcome = submit(
        form, lambda: services.update_person(current_actor(), person, form.version.data, _person_data(form, may_see))
    )
    status = outcome.status
    if outcome.ok:
        flash(f"{person.name} is saved.", "success")
        return redirect(url_for("people.detail", person_id=person.id))
    if status != 200:
        person = services.get_person(person_id) or abort(404)
    return _render_form(form, person, status)


def _archive(person_id: int, archived: bool):
    person = services.get_person(person_id) or abort(404)
    services.set_archived(current_actor(), person, archived)
    db.session.commit()
    flash(f"{person.name} is {'archived' if archived else 'back in the directory'}.", "success")
    return redirect(url_for("people.detail", person_id=person.id))


@bp.route("/<int:person_id>/archive", methods=["POST"])
def archive(person_id: int):
    return _archive(person_id, True)


@bp.route("/<int:person_id>/unarchive", methods=["POST"])
def unarchive(person_id: int):
    return _archive(person_id, False)


def _small_form(person_id: int, form_class, form_key: str, call, message: str):
    """Handle one of the small forms on the person page: save and go back, or show the page with
    the errors next to the fields (400)."""
    person = services.get_person(person_id) or abort(404)
    form = form_class()
    if form.validate_on_submit():
        try:
            call(person, form)
        except ValidationError as error:
            db.session.rollback()
            apply_form_errors(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("people.detail", person_id=person.id, _anchor=form_key))
    return render_detail(person_id, 400, **{f"{form_key}_form": form})


@bp.route("/<int:person_id>/assessments", methods=["POST"])
def add_assessment(person_id: int):
    return _small_form(
        person_id,
        AssessmentForm,
        "assessment",
        lambda person, f: services.add_assessment(
            current_actor(), person, f.influence.data, f.stance.data, f.assessed_on.data, f.note.data
        ),
        "The assessment is added.",
    )


@bp.route("/<int:person_id>/conflicts", methods=["POST"])
def add_conflict(person_id: int):
    return _small_form(
        person_id,
        ConflictForm,
        "conflict",
        lambda person, f: services.add_conflict(current_actor(), person, f.declared_on.data, f.description.data),
        "The declaration is recorded.",
    )


@bp.route("/<int:person_id>/honoraria", methods=["POST"])
def add_honorarium(person_id: int):
    return _small_form(
        person_id,
        HonorariumForm,
        "honorarium",
        lambda person, f: services.add_honorarium(
            current_actor(), person, f.paid_on.data, f.amount.data, f.currency.data, f.purpose.data
        ),
        "The honorarium is recorded.",
    )


@bp.route("/<int:person_id>/affiliations", methods=["POST"])
def add_affiliation(person_id: int):
    return _small_form(
        person_id,
        AffiliationForm,
        "affiliation",
        lambda person, f: organisation_services.add_affiliation(
            current_actor(),
            person,
            None,
            f.role.data,
            f.start_on.data,
            f.end_on.data,
            organisation_name=f.organisation.data,
        ),
        "The affiliation is added.",
    )
