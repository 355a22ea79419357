"""Organisations: the list, the organisation page, its form; and the affiliation routes of the
organisation page (add a person, end or remove an affiliation)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import choices
from engage.affiliations import services as affiliations
from engage.affiliations.forms import AffiliationForm, EndAffiliationForm
from engage.documents import pages as written
from engage.extensions import db
from engage.organizations import queries, services
from engage.organizations.forms import OrganisationForm, organisation_data
from engage.organizations.models import ORGANISATION_KINDS, Organisation
from engage.validation import countries
from engage.web import current_actor, paginate, safe_next, submit, switch_routes

bp = Blueprint("organizations", __name__)


@bp.route("/organizations")
def index():
    args = request.args.to_dict()
    page = paginate(queries.list_query(args))
    return render_template(
        "organizations/list.html",
        page=page,
        args=args,
        filtered=any(args.get(k) for k in queries.FILTER_KEYS),
        **queries.list_rows(current_user, page.items),
        topics=choices.topics(include_inactive=True),
        kinds=ORGANISATION_KINDS,
        countries=countries(),
        parent=queries.parent_filter(args),
    )


def _render_detail(organisation_id: int, status: int = 200, affiliation_form=None, end_form=None):
    detail = queries.organisation_detail(current_user, organisation_id)
    if detail is None:
        abort(404)
    return (
        render_template(
            "organizations/detail.html",
            d=detail,
            organisation=detail.organisation,
            affiliation_form=affiliation_form or AffiliationForm(formdata=None),
            end_form=end_form or EndAffiliationForm(formdata=None),
            **written.panel("organisations", organisation_id),
        ),
        status,
    )


@bp.route("/organizations/<id:organisation_id>")
def detail(organisation_id: int):
    return _render_detail(organisation_id)


_data = organisation_data  # the form's values as the service takes them (the JSON API's too)


def _render_form(form: OrganisationForm, organisation: Organisation | None, status: int):
    form.fill_choices()
    return render_template("organizations/form.html", form=form, organisation=organisation), status


def _saved(organisation_id: int, message: str, anchor: str | None = None):
    flash(message, "success")
    return redirect(url_for("organizations.detail", organisation_id=organisation_id, _anchor=anchor))


@bp.route("/organizations/new", methods=["GET", "POST"])
def new():
    form = OrganisationForm()
    outcome = submit(form, lambda: services.create_organisation(current_actor(), _data(form)))
    if outcome.ok:
        return _saved(outcome.value.id, f"{outcome.value.name} is added.")
    return _render_form(form, None, outcome.status)


@bp.route("/organizations/<id:organisation_id>/edit", methods=["GET", "POST"])
def edit(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(data=queries.form_values(organisation))
    outcome = submit(
        form, lambda: services.update_organisation(current_actor(), organisation, form.version.data, _data(form))
    )
    if outcome.ok:
        return _saved(organisation.id, f"{organisation.name} is saved.")
    return _render_form(form, organisation, outcome.status)


def _archive(organisation_id: int, archived: bool):
    organisation = db.get_or_404(Organisation, organisation_id)
    services.set_archived(current_actor(), organisation, archived)
    return _saved(organisation.id, f"{organisation.name} is {'archived' if archived else 'back in the directory'}.")


switch_routes(bp, "/organizations/<id:organisation_id>", {"archive": True, "unarchive": False}, _archive)


@bp.route("/organizations/<id:organisation_id>/affiliations", methods=["POST"])
def add_affiliation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = AffiliationForm()
    outcome = submit(
        form,
        lambda: affiliations.add_affiliation(
            current_actor(),
            None,
            organisation,
            form.role.data,
            form.start_on.data,
            form.end_on.data,
            person_name=form.person.data,
        ),
    )
    if outcome.ok:
        return _saved(organisation_id, "The affiliation is added.", "people")
    return _render_detail(organisation_id, outcome.status, affiliation_form=form)


def _back(affiliation) -> str:
    default = url_for("organizations.detail", organisation_id=affiliation.organisation_id, _anchor="people")
    return safe_next(request.form.get("next"), default)


@bp.route("/affiliations/<id:affiliation_id>/end", methods=["POST"])
def end_affiliation(affiliation_id: int):
    """End an affiliation from the organisation page (the person page has its own route, which
    shows the person page again when the date is refused)."""
    affiliation = affiliations.get_affiliation(affiliation_id)
    form = EndAffiliationForm()
    outcome = submit(
        form, lambda: affiliations.end_affiliation(current_actor(), affiliation, form.version.data, form.end_on.data)
    )
    if outcome.ok:
        flash("The affiliation is ended.", "success")
        return redirect(_back(affiliation))
    return _render_detail(affiliation.organisation_id, outcome.status, end_form=form)


@bp.route("/affiliations/<id:affiliation_id>/remove", methods=["POST"])
def remove_affiliation(affiliation_id: int):
    """Remove an affiliation entered by mistake, from either page; back to the page it came from."""
    affiliation = affiliations.get_affiliation(affiliation_id)
    back = _back(affiliation)
    affiliations.remove_affiliation(current_actor(), affiliation)
    flash("The affiliation is removed.", "success")
    return redirect(back)
