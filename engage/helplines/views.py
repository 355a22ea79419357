"""The helpline directory, its forms, the "verified today" action and the crisis lookup."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.helplines import services
from engage.helplines.forms import HelplineForm
from engage.helplines.models import CHANNELS, Helpline
from engage.organizations.models import Organisation
from engage.queries import like_pattern
from engage.topics.services import active_topics, topic_choices
from engage.validation import countries
from engage.web import apply_form_errors, current_actor, paginate, safe_next

bp = Blueprint("helplines", __name__, url_prefix="/helplines")


@bp.app_template_filter("helpline_contact")
def _contact_text(helpline):
    return services.contact_text(helpline)


@bp.app_template_filter("helpline_href")
def _contact_href(helpline):
    return services.contact_href(helpline)


def _filters() -> services.HelplineFilters:
    args = request.args
    country = args.get("country", "").strip().upper()
    if country not in countries() and country != services.INTERNATIONAL:
        country = ""
    topic = args.get("topic", "")
    return services.HelplineFilters(
        q=args.get("q", "").strip(),
        country=country,
        channel=args.get("channel", ""),
        topic=int(topic) if topic.isdigit() else None,
        stale=args.get("stale") == "1",
        archived=args.get("archived") == "1",
        sort=args.get("sort", "country") if args.get("sort") in services.SORTS else "country",
    )


@bp.route("")
def index():
    filters = _filters()
    page = paginate(services.list_query(filters))
    return render_template(
        "helplines/index.html",
        page=page,
        filters=filters,
        today=filters.today,
        channels=CHANNELS,
        topics=active_topics(),
        used_countries=services.countries_in_use(),
        international=services.INTERNATIONAL,
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


def _get(helpline_id: int) -> Helpline:
    helpline = services.load_helpline(helpline_id)
    if helpline is None:
        abort(404)
    return helpline


@bp.route("/<int:helpline_id>")
def detail(helpline_id: int):
    helpline = _get(helpline_id)
    return render_template("helplines/detail.html", h=helpline, today=date.today())


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


def _prepare(form: HelplineForm, org_query: str = "") -> None:
    """Fill the choices that depend on the database: topics, and operating organisations."""
    form.topics.choices = topic_choices(form.topics.data or [])
    orgs = []
    if org_query:
        orgs = (
            db.session.execute(
                select(Organisation)
                .where(Organisation.name.ilike(like_pattern(org_query), escape="\\"))
                .where(Organisation.archived.is_(False))
                .order_by(Organisation.name)
                .limit(30)
            )
            .scalars()
            .all()
        )
    current = form.organisation.data
    if current and current > 0 and all(o.id != current for o in orgs):
        org = db.session.get(Organisation, current)
        if org is not None:
            orgs.insert(0, org)
    form.organisation.choices = [("", "— none —")] + [(o.id, f"{o.name} ({o.country or 'Intl'})") for o in orgs]


def _save(form: HelplineForm, helpline: Helpline | None):
    status = 200
    if request.method == "POST":
        _prepare(form)
        if form.validate_on_submit():
            try:
                if helpline is None:
                    helpline = services.create_helpline(current_actor(), _data(form))
                else:
                    services.update_helpline(current_actor(), helpline, form.version.data, _data(form))
            except ValidationError as error:
                db.session.rollback()
                apply_form_errors(form, error)
                status = 400
            except ConflictError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
                status = 409
            else:
                db.session.commit()
                flash(f"“{helpline.name}” is saved.", "success")
                return redirect(url_for("helplines.detail", helpline_id=helpline.id))
        else:
            status = 400
    else:
        _prepare(form, request.args.get("organisation_q", "").strip())
    return render_template("helplines/form.html", form=form, h=helpline), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    if request.method == "GET" and "organisation_q" in request.args:
        form = HelplineForm(formdata=request.args)  # "Find" without JavaScript: keep what was typed
    else:
        form = HelplineForm()
        if request.method == "GET":
            form.country.data = request.args.get("country", "").upper()
    return _save(form, None)


@bp.route("/<int:helpline_id>/edit", methods=["GET", "POST"])
def edit(helpline_id: int):
    helpline = _get(helpline_id)
    if request.method == "POST":
        form = HelplineForm()
    elif "organisation_q" in request.args:
        form = HelplineForm(formdata=request.args)
    else:
        form = HelplineForm(
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
    return _save(form, helpline)


@bp.route("/<int:helpline_id>/verify", methods=["POST"])
def verify(helpline_id: int):
    helpline = _get(helpline_id)
    services.verify_helpline(current_actor(), helpline)
    db.session.commit()
    flash(f"“{helpline.name}” is marked as verified today.", "success")
    return redirect(_back(url_for("helplines.detail", helpline_id=helpline.id)))


@bp.route("/<int:helpline_id>/archive", methods=["POST"])
def archive(helpline_id: int):
    helpline = _get(helpline_id)
    services.set_archived(current_actor(), helpline, True)
    db.session.commit()
    flash(f"“{helpline.name}” is archived: it no longer appears in lookups or briefings.", "success")
    return redirect(url_for("helplines.detail", helpline_id=helpline.id))


@bp.route("/<int:helpline_id>/restore", methods=["POST"])
def restore(helpline_id: int):
    helpline = _get(helpline_id)
    services.set_archived(current_actor(), helpline, False)
    db.session.commit()
    flash(f"“{helpline.name}” is back in the directory.", "success")
    return redirect(url_for("helplines.detail", helpline_id=helpline.id))


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)
