"""The helpline directory, its forms, the "verified today" action and the crisis lookup."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engage import choices
from engage.helplines import services
from engage.helplines.forms import HelplineForm
from engage.helplines.models import CHANNELS, Helpline
from engage.organizations.models import Organisation
from engage.validation import countries
from engage.web import current_actor, paginate, safe_next, saved_or_form, submit, switch_routes

bp = Blueprint("helplines", __name__, url_prefix="/helplines")
LOOKUP_LIMIT = 30


@bp.route("")
def index():
    filters = services.HelplineFilters.from_args(request.args)
    return render_template(
        "helplines/index.html",
        page=paginate(services.list_query(filters)),
        filters=filters,
        today=filters.today,
        channels=CHANNELS,
        topics=choices.topics(),
        countries=services.country_options(filters.country),
    )


@bp.route("/crisis")
def crisis():
    code = request.args.get("country", "").strip().upper()
    unknown = bool(code) and code not in countries()
    sheet = services.crisis_sheet(None if unknown or not code else code)
    return render_template(
        "helplines/crisis.html",
        code=None if unknown else code or None,
        unknown=request.args.get("country", "") if unknown else None,
        sheet=sheet,
        today=date.today(),
        used_countries=services.countries_in_use(),
        all_countries=countries(),
    ), (400 if unknown else 200)


@bp.route("/<id:helpline_id>")
def detail(helpline_id: int):
    return render_template("helplines/detail.html", h=services.get_helpline(helpline_id), today=date.today())


def _data(form: HelplineForm) -> services.HelplineData:
    return services.HelplineData(
        name=form.name.data,
        country=form.country.data,
        channel=form.channel.data,
        contact=form.contact.data,
        hours=form.hours.data,
        languages=form.languages.data,
        ages=form.ages.data,
        organisation_id=form.organisation.data,
        escalation_name=form.escalation_name.data,
        escalation_contact=form.escalation_contact.data,
        notes=form.notes.data,
        topic_ids=form.topics.data or [],
    )


def _form(helpline: Helpline | None = None) -> HelplineForm:
    """The posted form; on GET the record's values, or what was typed before "Find" (no JavaScript)."""
    if request.method == "POST":
        return HelplineForm()
    if "organisation_q" in request.args:
        return HelplineForm(formdata=request.args)
    if helpline is None:
        return HelplineForm(data={"country": request.args.get("country", "").upper()})
    return HelplineForm(
        data={
            "version": helpline.version,
            "name": helpline.name,
            "country": helpline.country or "",
            "channel": helpline.channel,
            "contact": helpline.contact,
            "hours": helpline.hours,
            "languages": ", ".join(helpline.languages or []),
            "ages": helpline.ages,
            "organisation": helpline.organisation_id,
            "escalation_name": helpline.escalation_name,
            "escalation_contact": helpline.escalation_contact,
            "topics": [t.id for t in helpline.topics],
            "notes": helpline.notes,
        }
    )


def _save(helpline: Helpline | None):
    form = _form(helpline)
    form.topics.choices = choices.as_strings(choices.topics_keeping(form.topics.data))
    query = request.args.get("organisation_q", "") if request.method == "GET" else ""
    found = choices.matching(Organisation, query, LOOKUP_LIMIT, form.organisation.data)
    form.organisation.choices = [("", "— none —"), *found]

    def save() -> Helpline:
        if helpline is None:
            return services.create_helpline(current_actor(), _data(form))
        return services.update_helpline(current_actor(), helpline, form.version.data, _data(form))

    outcome = submit(form, save)
    return saved_or_form(outcome, "helplines.detail", "helpline_id", "helplines/form.html", form=form, h=helpline)


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _save(None)


@bp.route("/<id:helpline_id>/edit", methods=["GET", "POST"])
def edit(helpline_id: int):
    return _save(services.get_helpline(helpline_id))


@bp.route("/lookup/organisations")
def lookup_organisations():
    """The operating-organisation picker's <option>s (an htmx fragment)."""
    query = request.args.get("organisation_q", request.args.get("q", "")).strip()
    options = choices.matching(Organisation, query, LOOKUP_LIMIT)
    return render_template("_lookup_options.html", options=options, query=query, limit=LOOKUP_LIMIT)


@bp.route("/<id:helpline_id>/verify", methods=["POST"])
def verify(helpline_id: int):
    helpline = services.verify_helpline(current_actor(), services.get_helpline(helpline_id))
    flash(f"“{helpline.name}” is marked as verified today.", "success")
    default = url_for("helplines.detail", helpline_id=helpline.id)
    return redirect(safe_next(request.form.get("next"), default))


ARCHIVED = {
    True: "“{}” is archived: it no longer appears in lookups or briefings.",
    False: "“{}” is back in the directory.",
}


def _set_archived(helpline_id: int, archived: bool):
    helpline = services.set_archived(current_actor(), services.get_helpline(helpline_id), archived)
    flash(ARCHIVED[archived].format(helpline.name), "success")
    return redirect(url_for("helplines.detail", helpline_id=helpline.id))


switch_routes(bp, "/<id:helpline_id>", {"archive": True, "restore": False}, _set_archived)
