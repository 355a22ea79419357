"""Forums: list, detail, create/edit/archive, members with their terms, our representatives."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.forums import services
from engage.forums.forms import ForumForm, MemberForm
from engage.forums.models import FORUM_KINDS, Forum, ForumMember
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.text import render_markdown
from engage.web import apply_form_errors, current_actor, paginate, submit

bp = Blueprint("forums", __name__, url_prefix="/forums")
LOOKUP_LIMIT = 30


def _filters() -> services.ForumFilters:
    args = request.args
    return services.ForumFilters(
        q=args.get("q", "").strip(),
        kind=args.get("kind", "") if args.get("kind") in FORUM_KINDS else "",
        ending=args.get("ending") == "1",
        archived=args.get("archived") == "1",
        sort=args.get("sort") if args.get("sort") in services.SORTS else "name",
    )


@bp.route("")
def index():
    filters = _filters()
    page = paginate(services.list_query(filters))
    counts = services.member_counts([f.id for f in page.items], filters.today)
    return render_template("forums/index.html", page=page, filters=filters, counts=counts, kinds=FORUM_KINDS)


def _get(forum_id: int) -> Forum:
    forum = services.load_forum(forum_id)
    if forum is None:
        abort(404)
    return forum


@bp.route("/<int:forum_id>")
def detail(forum_id: int):
    forum = _get(forum_id)
    today = date.today()
    consultations, consultation_total = services.forum_consultations(forum, current_user)
    engagements, engagement_total = services.forum_engagements(forum)
    current = [m for m in forum.members if not services.has_ended(m, today)]
    past = [m for m in forum.members if services.has_ended(m, today)]
    past.sort(key=lambda m: m.term_end, reverse=True)
    return render_template(
        "forums/detail.html",
        forum=forum,
        today=today,
        current=current,
        past=past,
        ending_soon=services.ending_soon,
        description=render_markdown(forum.description),
        consultations=consultations,
        consultation_total=consultation_total,
        engagements=engagements,
        engagement_total=engagement_total,
    )


# --- Create, edit, archive --------------------------------------------------------------------


def _forum_data(form: ForumForm) -> services.ForumData:
    return services.ForumData(
        name=form.name.data,
        kind=form.kind.data,
        description=form.description.data,
        website=form.website.data,
        representative_ids=form.representatives.data or [],
    )


def _save_forum(form: ForumForm, forum: Forum | None):
    form.representatives.choices = services.representative_choices()

    def save() -> Forum:
        if forum is None:
            return services.create_forum(current_actor(), _forum_data(form))
        services.update_forum(current_actor(), forum, form.version.data, _forum_data(form))
        return forum

    outcome = submit(form, save)
    if outcome.ok:
        flash(f"“{outcome.value.name}” is saved.", "success")
        return redirect(url_for("forums.detail", forum_id=outcome.value.id))
    return render_template("forums/form.html", form=form, forum=forum), outcome.status


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _save_forum(ForumForm(), None)


@bp.route("/<int:forum_id>/edit", methods=["GET", "POST"])
def edit(forum_id: int):
    forum = _get(forum_id)
    if request.method == "POST":
        form = ForumForm()
    else:
        form = ForumForm(
            data={
                "version": forum.version,
                "name": forum.name,
                "kind": forum.kind,
                "description": forum.description,
                "website": forum.website,
                "representatives": [u.id for u in forum.representatives],
            }
        )
    return _save_forum(form, forum)


@bp.route("/<int:forum_id>/archive", methods=["POST"])
def archive(forum_id: int):
    forum = _get(forum_id)
    services.set_archived(current_actor(), forum, True)
    db.session.commit()
    flash(f"“{forum.name}” is archived. Its history stays; it no longer shows in the list.", "success")
    return redirect(url_for("forums.detail", forum_id=forum.id))


@bp.route("/<int:forum_id>/restore", methods=["POST"])
def restore(forum_id: int):
    forum = _get(forum_id)
    services.set_archived(current_actor(), forum, False)
    db.session.commit()
    flash(f"“{forum.name}” is back in the list.", "success")
    return redirect(url_for("forums.detail", forum_id=forum.id))


# --- Members ----------------------------------------------------------------------------------


def _member_choices(form: MemberForm) -> None:
    """Options for the two pickers: the search results plus whatever is already chosen."""
    people = services.search_people(request.args.get("person_q", ""), LOOKUP_LIMIT)
    orgs = services.search_organisations(request.args.get("organisation_q", ""), LOOKUP_LIMIT)
    if form.person.data and form.person.data > 0 and all(i != form.person.data for i, _ in people):
        person = db.session.get(Person, form.person.data)
        if person is not None:
            people.insert(0, (person.id, person.name))
    if form.organisation.data and form.organisation.data > 0 and all(i != form.organisation.data for i, _ in orgs):
        org = db.session.get(Organisation, form.organisation.data)
        if org is not None:
            orgs.insert(0, (org.id, org.name))
    form.person.choices = [("", "— none —"), *people]
    form.organisation.choices = [("", "— none —"), *orgs]


def _member_data(form: MemberForm) -> services.MemberData:
    return services.MemberData(
        person_id=form.person.data,
        organisation_id=form.organisation.data,
        role=form.role.data,
        term_start=form.term_start.data,
        term_end=form.term_end.data,
    )


def _save_member(form: MemberForm, forum: Forum, member: ForumMember | None):
    status = 200
    if request.method == "POST":
        _member_choices(form)
        if form.validate_on_submit():
            try:
                if member is None:
                    member = services.add_member(current_actor(), forum, _member_data(form))
                else:
                    services.update_member(current_actor(), member, form.version.data, _member_data(form))
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
                flash("The membership is saved.", "success")
                return redirect(url_for("forums.detail", forum_id=forum.id) + "#members")
        else:
            status = 400
    else:
        _member_choices(form)
    return render_template("forums/member_form.html", form=form, forum=forum, member=member), status


def _get_member(forum: Forum, member_id: int) -> ForumMember:
    member = next((m for m in forum.members if m.id == member_id), None)
    if member is None:
        abort(404)
    return member


@bp.route("/<int:forum_id>/members/new", methods=["GET", "POST"])
def new_member(forum_id: int):
    forum = _get(forum_id)
    lookup = request.method == "GET" and ("person_q" in request.args or "organisation_q" in request.args)
    form = MemberForm(formdata=request.args) if lookup else MemberForm()
    return _save_member(form, forum, None)


@bp.route("/<int:forum_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
def edit_member(forum_id: int, member_id: int):
    forum = _get(forum_id)
    member = _get_member(forum, member_id)
    if request.method == "POST":
        form = MemberForm()
    elif "person_q" in request.args or "organisation_q" in request.args:
        form = MemberForm(formdata=request.args)
    else:
        form = MemberForm(
            data={
                "version": member.version,
                "person": member.person_id,
                "organisation": member.organisation_id,
                "role": member.role,
                "term_start": member.term_start,
                "term_end": member.term_end,
            }
        )
    return _save_member(form, forum, member)


@bp.route("/<int:forum_id>/members/<int:member_id>/remove", methods=["POST"])
def remove_member(forum_id: int, member_id: int):
    forum = _get(forum_id)
    member = _get_member(forum, member_id)
    services.remove_member(current_actor(), member)
    db.session.commit()
    flash("The member is taken off the forum.", "success")
    return redirect(url_for("forums.detail", forum_id=forum.id) + "#members")


# --- Pickers (htmx fragments: <option>s for a select) -----------------------------------------


@bp.route("/lookup/people")
def lookup_people():
    query = request.args.get("person_q", request.args.get("q", "")).strip()
    options = services.search_people(query, LOOKUP_LIMIT)
    return render_template("forums/_options.html", options=options, query=query, limit=LOOKUP_LIMIT)


@bp.route("/lookup/organisations")
def lookup_organisations():
    query = request.args.get("organisation_q", request.args.get("q", "")).strip()
    options = services.search_organisations(query, LOOKUP_LIMIT)
    return render_template("forums/_options.html", options=options, query=query, limit=LOOKUP_LIMIT)
