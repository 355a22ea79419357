"""Organisations: the list, the organisation page, its form; and affiliations (add, end, remove)
from either the person's or the organisation's page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engage.errors import ValidationError
from engage.extensions import db
from engage.organizations import services
from engage.organizations.forms import AffiliationForm, EndAffiliationForm, OrganisationForm
from engage.organizations.models import ORGANISATION_KINDS, Affiliation, Organisation
from engage.people.views import render_detail as render_person_detail
from engage.topics.models import Topic
from engage.validation import countries
from engage.web import apply_form_errors, current_actor, paginate, safe_next, submit

bp = Blueprint("organizations", __name__)

FILTER_KEYS = ("q", "kind", "country", "topic", "parent")


@bp.route("/organizations")
def index():
    args = request.args.to_dict()
    page = paginate(services.list_query(args))
    parent = None
    if args.get("parent", "").isdigit():
        parent = db.session.get(Organisation, int(args["parent"]))
    return render_template(
        "organizations/list.html",
        page=page,
        args=args,
        filtered=any(args.get(k) for k in FILTER_KEYS),
        people_counts=services.people_counts([o.id for o in page.items]),
        last_interactions=services.visible_last_interactions(current_user, [o.id for o in page.items]),
        topics=db.session.execute(select(Topic).order_by(Topic.name)).scalars().all(),
        kinds=ORGANISATION_KINDS,
        countries=countries(),
        parent=parent,
    )


def _render_detail(organisation_id: int, status: int = 200, affiliation_form=None, end_form=None):
    detail = services.organisation_detail(current_user, organisation_id)
    if detail is None:
        abort(404)
    return (
        render_template(
            "organizations/detail.html",
            d=detail,
            organisation=detail.organisation,
            affiliation_form=affiliation_form or AffiliationForm(formdata=None),
            end_form=end_form or EndAffiliationForm(formdata=None),
        ),
        status,
    )


@bp.route("/organizations/<int:organisation_id>")
def detail(organisation_id: int):
    return _render_detail(organisation_id)


def _data(form: OrganisationForm) -> services.OrganisationData:
    return services.OrganisationData(
        name=form.name.data or "",
        kind=form.kind.data or "",
        country=form.country.data or "",
        website=form.website.data or "",
        parent=form.parent.data or "",
        topic_ids=form.topics.data or [],
        description=form.description.data or "",
    )


def _render_form(form: OrganisationForm, organisation: Organisation | None, status: int):
    form.fill_choices()
    return render_template("organizations/form.html", form=form, organisation=organisation), status


@bp.route("/organizations/new", methods=["GET", "POST"])
def new():
    form = OrganisationForm()
    outcome = submit(form, lambda: services.create_organisation(current_actor(), _data(form)))
    status = outcome.status
    if outcome.ok:
        organisation = outcome.value
        flash(f"{organisation.name} is added.", "success")
        return redirect(url_for("organizations.detail", organisation_id=organisation.id))
    return _render_form(form, None, status)


@bp.route("/organizations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(data=services.form_values(organisation))
    outcome = submit(
        form, lambda: services.update_organisation(current_actor(), organisation, form.version.data, _data(form))
    )
    status = outcome.status
    if outcome.ok:
        flash(f"{organisation.name} is saved.", "success")
        return redirect(url_for("organizations.detail", organisation_id=organisation.id))
    return _render_form(form, organisation, status)


def _archive(organisation_id: int, archived: bool):
    organisation = db.get_or_404(Organisation, organisation_id)
    services.set_archived(current_actor(), organisation, archived)
    db.session.commit()
    flash(f"{organisation.name} is {'archived' if archived else 'back in the directory'}.", "success")
    return redirect(url_for("organizations.detail", organisation_id=organisation.id))


@bp.route("/organizations/<int:organisation_id>/archive", methods=["POST"])
def archive(organisation_id: int):
    return _archive(organisation_id, True)


@bp.route("/organizations/<int:organisation_id>/unarchive", methods=["POST"])
def unarchive(organisation_id: int):
    return _archive(organisation_id, False)


@bp.route("/organizations/<int:organisation_id>/affiliations", methods=["POST"])
def add_affiliation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = AffiliationForm()
    if form.validate_on_submit():
        try:
            services.add_affiliation(
                current_actor(),
                None,
                organisation,
                form.role.data,
                form.start_on.data,
                form.end_on.data,
                person_name=form.person.data,
            )
        except ValidationError as error:
            db.session.rollback()
            apply_form_errors(form, error)
        else:
            db.session.commit()
            flash("The affiliation is added.", "success")
            return redirect(url_for("organizations.detail", organisation_id=organisation_id, _anchor="people"))
    return _render_detail(organisation_id, 400, affiliation_form=form)


def _affiliation(affiliation_id: int) -> Affiliation:
    affiliation = db.session.execute(
        select(Affiliation)
        .where(Affiliation.id == affiliation_id)
        .options(joinedload(Affiliation.person), joinedload(Affiliation.organisation))
    ).scalar_one_or_none()
    return affiliation or abort(404)


def _back(affiliation: Affiliation) -> str:
    default = url_for("people.detail", person_id=affiliation.person_id, _anchor="affiliations")
    return safe_next(request.form.get("next"), default)


@bp.route("/affiliations/<int:affiliation_id>/end", methods=["POST"])
def end_affiliation(affiliation_id: int):
    affiliation = _affiliation(affiliation_id)
    form = EndAffiliationForm()
    if form.validate_on_submit():
        try:
            services.end_affiliation(current_actor(), affiliation, form.version.data, form.end_on.data)
        except ValidationError as error:
            db.session.rollback()
            # The end date sits on a row of the list, so the message goes above the list.
            form.form_errors.extend(error.errors.values())
        else:
            db.session.commit()
            flash("The affiliation is ended.", "success")
            return redirect(_back(affiliation))
    else:
        form.form_errors.append("Enter the end date as YYYY-MM-DD.")
    # Show the page the form came from, with the message at the affiliations.
    if request.form.get("from") == "organisation":
        return _render_detail(affiliation.organisation_id, 400, end_form=form)
    return render_person_detail(affiliation.person_id, 400, end_form=form)


@bp.route("/affiliations/<int:affiliation_id>/remove", methods=["POST"])
def remove_affiliation(affiliation_id: int):
    affiliation = _affiliation(affiliation_id)
    back = _back(affiliation)
    services.remove_affiliation(current_actor(), affiliation)
    db.session.commit()
    flash("The affiliation is removed.", "success")
    return redirect(back)
