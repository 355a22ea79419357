"""Consultations: the list, the log form, the consultation page, participant suggestions."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import choices
from engage.consultations import queries, services
from engage.consultations.forms import ConsultationForm, consultation_data
from engage.consultations.models import CONFIDENTIALITY, CONSULTATION_KINDS
from engage.consultations.pages import render_detail
from engage.formtools import choices as select_choices
from engage.ids import id_arg
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.web import current_actor, paginate, submit

bp = Blueprint("consultations", __name__)


def _int_arg(name: str) -> int | None:
    return id_arg(request.args, name)


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


def _choice_arg(name: str, allowed) -> str:
    value = request.args.get(name, "")
    return value if value in allowed else ""


@bp.route("/consultations")
def index():
    filters = {
        "q": request.args.get("q", "").strip(),
        "kind": _choice_arg("kind", CONSULTATION_KINDS),
        "topic_id": _int_arg("topic"),
        "forum_id": _int_arg("forum"),
        "confidentiality": _choice_arg("confidentiality", CONFIDENTIALITY),
        "person_id": _int_arg("person"),
        "organisation_id": _int_arg("organisation"),
        "date_from": _date_arg("from"),
        "date_to": _date_arg("to"),
        "sort": request.args.get("sort", "-date"),
        # ?staff=me: the reader's own; ?awaiting=1: with points awaiting a decision (the home page's links)
        "staff_id": current_user.id if request.args.get("staff") == "me" else None,
        "awaiting": request.args.get("awaiting") == "1",
    }
    page = paginate(queries.consultation_query(current_user, **filters))
    person, organisation = queries.filter_subjects(filters["person_id"], filters["organisation_id"])
    return render_template(
        "consultations/list.html",
        page=page,
        counts=queries.input_counts([c.id for c in page.items]),
        filters=filters,
        filtered=any(v for k, v in filters.items() if k != "sort"),
        topics=choices.topics(include_inactive=True),
        forums=choices.forums(),
        person=person,
        organisation=organisation,
        kinds=CONSULTATION_KINDS,
        levels=CONFIDENTIALITY,
    )


def _consultation_form(consultation=None) -> ConsultationForm:
    form = ConsultationForm(obj=consultation)
    topics, staff = choices.topics(), choices.users(writers_only=True)
    if consultation is not None:
        for topic in consultation.topics:
            topics = choices.including(topics, topic)
        for user in consultation.staff:
            staff = choices.including(staff, user)
    form.forum_id.choices = select_choices(
        choices.as_strings(choices.including(choices.forums(), consultation and consultation.forum), "— none —")
    )
    form.topic_ids.choices = select_choices(choices.as_strings(topics))
    form.staff_ids.choices = select_choices(choices.as_strings(staff))
    if request.method == "GET":
        form.date.data = consultation.held_on if consultation else date.today()
        form.topic_ids.data = [t.id for t in consultation.topics] if consultation else []
        form.staff_ids.data = [u.id for u in consultation.staff] if consultation else [current_user.id]
    return form


def _form_data(form: ConsultationForm) -> dict:
    return consultation_data(form, request.form)


def _form_page(form: ConsultationForm, outcome, consultation=None):
    """Saved: on to the consultation's page. Otherwise the form, its participant chips as picked."""
    if outcome.ok:
        flash(
            "The consultation is saved."
            if consultation
            else "The consultation is logged. Add the points raised below.",
            "success",
        )
        return redirect(url_for("consultations.detail", consultation_id=outcome.value.id))
    if request.method == "POST":
        people = queries.named(Person, request.form.getlist("person_ids"))
        organisations = queries.named(Organisation, request.form.getlist("organisation_ids"))
    else:
        people = consultation.people if consultation else []
        organisations = consultation.organisations if consultation else []
    return render_template(
        "consultations/form.html", form=form, consultation=consultation, people=people, organisations=organisations
    ), outcome.status


@bp.route("/consultations/new", methods=["GET", "POST"])
def new():
    form = _consultation_form()
    outcome = submit(form, lambda: services.create_consultation(current_actor(), _form_data(form)))
    return _form_page(form, outcome)


@bp.route("/consultations/<id:consultation_id>/edit", methods=["GET", "POST"])
def edit(consultation_id: int):
    consultation = queries.get_consultation(current_user, consultation_id)
    form = _consultation_form(consultation)
    outcome = submit(
        form,
        lambda: services.update_consultation(current_actor(), consultation, form.version.data, _form_data(form)),
    )
    return _form_page(form, outcome, consultation)


@bp.route("/consultations/<id:consultation_id>")
def detail(consultation_id: int):
    consultation = queries.get_consultation(current_user, consultation_id)
    return render_detail(consultation)  # a restricted one is audited by engage.audit.restricted


def _suggestions(kind: str, items, q: str):
    hints = choices.person_hints([i.id for i in items]) if kind == "person" else {}
    return render_template(
        "consultations/_suggestions.html", kind=kind, field=f"{kind}_ids", items=items, q=q, hints=hints
    )


@bp.route("/consultations/suggest/people")
def suggest_people():
    q = request.args.get("q") or request.args.get("person_q", "")
    return _suggestions("person", services.suggest_people(q), q)


@bp.route("/consultations/suggest/organisations")
def suggest_organisations():
    q = request.args.get("q") or request.args.get("organisation_q", "")
    return _suggestions("organisation", services.suggest_organisations(q), q)
