"""Consultations: the list, the log form, the consultation page, participant suggestions, my commitments."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from engage.auth.models import User
from engage.consultations import commitments as commitment_services
from engage.consultations import services
from engage.consultations.forms import ConsultationForm
from engage.consultations.models import CONFIDENTIALITY, CONSULTATION_KINDS
from engage.consultations.pages import Options, load_consultation, render_detail
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.formtools import choices
from engage.forums.models import Forum
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.topics.models import Topic
from engage.web import apply_form_errors, current_actor, paginate

bp = Blueprint("consultations", __name__)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


@bp.route("/consultations")
def index():
    filters = {
        "q": request.args.get("q", "").strip(),
        "kind": request.args.get("kind", "") if request.args.get("kind") in CONSULTATION_KINDS else "",
        "topic_id": _int_arg("topic"),
        "forum_id": _int_arg("forum"),
        "confidentiality": request.args.get("confidentiality", "")
        if request.args.get("confidentiality") in CONFIDENTIALITY
        else "",
        "person_id": _int_arg("person"),
        "organisation_id": _int_arg("organisation"),
        "date_from": _date_arg("from"),
        "date_to": _date_arg("to"),
        "sort": request.args.get("sort", "-date"),
    }
    page = paginate(services.consultation_query(current_user, **filters))
    counts = services.input_counts([c.id for c in page.items])
    topics = db.session.execute(select(Topic).order_by(Topic.name)).scalars().all()
    forums = db.session.execute(select(Forum).where(Forum.archived.is_(False)).order_by(Forum.name)).scalars().all()
    person = db.session.get(Person, filters["person_id"]) if filters["person_id"] else None
    organisation = db.session.get(Organisation, filters["organisation_id"]) if filters["organisation_id"] else None
    return render_template(
        "consultations/list.html",
        page=page,
        counts=counts,
        filters=filters,
        topics=topics,
        forums=forums,
        person=person,
        organisation=organisation,
        kinds=CONSULTATION_KINDS,
        levels=CONFIDENTIALITY,
    )


def _fill_choices(form: ConsultationForm) -> None:
    forums = db.session.execute(select(Forum).where(Forum.archived.is_(False)).order_by(Forum.name)).scalars().all()
    topics = db.session.execute(select(Topic).where(Topic.active).order_by(Topic.name)).scalars().all()
    staff = (
        db.session.execute(select(User).where(User.active, User.role.in_(["admin", "editor"])).order_by(User.name))
        .scalars()
        .all()
    )
    form.forum_id.choices = choices([("", "— none —")] + [(str(f.id), f.name) for f in forums])
    form.topic_ids.choices = choices([(str(t.id), t.name) for t in topics])
    form.staff_ids.choices = choices([(str(u.id), u.name) for u in staff])


def _picked(model, field: str) -> list:
    """The participants picked with the type-ahead (hidden inputs), loaded to redisplay the chips."""
    ids = sorted({int(v) for v in request.form.getlist(field) if v.isdigit()})
    if not ids:
        return []
    return list(db.session.execute(select(model).where(model.id.in_(ids)).order_by(model.name)).scalars())


def _form_data(form: ConsultationForm) -> dict:
    return {
        "title": form.title.data,
        "held_on": form.date.data,
        "kind": form.kind.data,
        "confidentiality": form.confidentiality.data,
        "summary": form.summary.data,
        "forum_id": form.forum_id.data,
        "topic_ids": form.topic_ids.data or [],
        "staff_ids": form.staff_ids.data or [],
        "person_ids": request.form.getlist("person_ids"),
        "organisation_ids": request.form.getlist("organisation_ids"),
    }


def _save(form: ConsultationForm, consultation=None):
    """Validate and save; returns (consultation, status)."""
    if not form.validate_on_submit():
        return None, (400 if request.method == "POST" else 200)
    try:
        if consultation is None:
            consultation = services.create_consultation(current_actor(), _form_data(form))
        else:
            services.update_consultation(current_actor(), consultation, form.version.data, _form_data(form))
    except ValidationError as error:
        db.session.rollback()
        errors = dict(error.errors)
        if "date" in errors:  # the service speaks of the model's field, the form of the pinned name
            form.date.errors = [*form.date.errors, errors.pop("date")]
        for name in ("person_ids", "organisation_ids"):
            if name in errors:
                form.form_errors.append(errors.pop(name))
        apply_form_errors(form, ValidationError(errors) if errors else ValidationError({}))
        return None, 400
    except ConflictError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return None, 409
    db.session.commit()
    return consultation, 302


@bp.route("/consultations/new", methods=["GET", "POST"])
def new():
    form = ConsultationForm()
    _fill_choices(form)
    if request.method == "GET":
        form.date.data = date.today()
        form.staff_ids.data = [current_user.id]
    consultation, status = _save(form)
    if consultation is not None:
        flash("The consultation is logged. Add the points raised below.", "success")
        return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    people, organisations = (_picked(Person, "person_ids"), _picked(Organisation, "organisation_ids"))
    return render_template(
        "consultations/form.html", form=form, consultation=None, people=people, organisations=organisations
    ), status


@bp.route("/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
def edit(consultation_id: int):
    consultation = load_consultation(consultation_id)
    form = ConsultationForm(obj=consultation)
    _fill_choices(form)
    if request.method == "GET":
        form.date.data = consultation.held_on
        form.topic_ids.data = [t.id for t in consultation.topics]
        form.staff_ids.data = [u.id for u in consultation.staff]
    saved, status = _save(form, consultation)
    if saved is not None:
        flash("The consultation is saved.", "success")
        return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    if request.method == "POST":
        people, organisations = (_picked(Person, "person_ids"), _picked(Organisation, "organisation_ids"))
    else:
        people, organisations = consultation.people, consultation.organisations
    return render_template(
        "consultations/form.html",
        form=form,
        consultation=consultation,
        people=people,
        organisations=organisations,
    ), status


@bp.route("/consultations/<int:consultation_id>")
def detail(consultation_id: int):
    consultation = load_consultation(consultation_id)
    if consultation.confidentiality == "restricted":
        services.record_restricted_view(current_actor(), consultation)
        db.session.commit()
    return render_detail(consultation, Options(consultation))


@bp.route("/consultations/suggest/people")
def suggest_people():
    q = request.args.get("q") or request.args.get("person_q", "")
    return render_template(
        "consultations/_suggestions.html",
        kind="person",
        field="person_ids",
        items=services.suggest_people(q),
        q=q,
    )


@bp.route("/consultations/suggest/organisations")
def suggest_organisations():
    q = request.args.get("q") or request.args.get("organisation_q", "")
    return render_template(
        "consultations/_suggestions.html",
        kind="organisation",
        field="organisation_ids",
        items=services.suggest_organisations(q),
        q=q,
    )


@bp.route("/commitments")
def my_commitments():
    today = date.today()
    open_page = paginate(commitment_services.my_commitments_query(current_user, "open", today))
    done = (
        db.session.execute(commitment_services.my_commitments_query(current_user, "done", today).limit(50))
        .scalars()
        .all()
    )
    return render_template("consultations/commitments.html", page=open_page, done=done, today=today)
