"""Forums: list, detail, create/edit/archive, members with their terms, our representatives."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import choices
from engage.forums import services
from engage.forums.forms import ForumForm, MemberForm
from engage.forums.models import FORUM_KINDS, Forum, ForumMember
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.text import render_markdown
from engage.web import current_actor, paginate, saved_or_form, submit, switch_routes

bp = Blueprint("forums", __name__, url_prefix="/forums")
LOOKUP_LIMIT = 30
LOOKUPS = ("person_q", "organisation_q")


@bp.route("")
def index():
    filters = services.ForumFilters.from_args(request.args)
    page = paginate(services.list_query(filters))
    counts = services.member_counts([f.id for f in page.items], filters.today)
    return render_template("forums/index.html", page=page, filters=filters, counts=counts, kinds=FORUM_KINDS)


@bp.route("/<id:forum_id>")
def detail(forum_id: int):
    forum = services.get_forum(forum_id)
    today = date.today()
    current, past = services.split_members(forum, today)
    consultations, consultation_total = services.forum_consultations(forum, current_user)
    engagements, engagement_total = services.forum_engagements(forum)
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


def _record_form(form_class, record, values):
    """The posted form on POST; on GET a blank one for a new record, or `values(record)` and its version.

    On POST only the request counts, so a field it leaves out (no representative ticked) is empty
    rather than the record's value."""
    if request.method == "POST" or record is None:
        return form_class()
    return form_class(data={"version": record.version, **values(record)})


def _forum_values(forum: Forum) -> dict:
    same_name = {name: getattr(forum, name) for name in ("name", "kind", "description", "website")}
    return {**same_name, "representatives": [u.id for u in forum.representatives]}


def _save_forum(forum: Forum | None):
    form = _record_form(ForumForm, forum, _forum_values)
    form.representatives.choices = choices.users()
    data = services.ForumData(
        name=form.name.data,
        kind=form.kind.data,
        description=form.description.data,
        website=form.website.data,
        representative_ids=form.representatives.data or [],
    )

    def save() -> Forum:
        if forum is None:
            return services.create_forum(current_actor(), data)
        return services.update_forum(current_actor(), forum, form.version.data, data)

    outcome = submit(form, save)
    return saved_or_form(outcome, "forums.detail", "forum_id", "forums/form.html", form=form, forum=forum)


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _save_forum(None)


@bp.route("/<id:forum_id>/edit", methods=["GET", "POST"])
def edit(forum_id: int):
    return _save_forum(services.get_forum(forum_id))


ARCHIVED = {
    True: "“{}” is archived. Its history stays; it no longer shows in the list.",
    False: "“{}” is back in the list.",
}


def _set_archived(forum_id: int, archived: bool):
    forum = services.set_archived(current_actor(), services.get_forum(forum_id), archived)
    flash(ARCHIVED[archived].format(forum.name), "success")
    return redirect(url_for("forums.detail", forum_id=forum.id))


switch_routes(bp, "/<id:forum_id>", {"archive": True, "restore": False}, _set_archived)


# --- Members ----------------------------------------------------------------------------------


def _member_form(member: ForumMember | None) -> MemberForm:
    """The posted form; on GET what was typed before "Find" (no JavaScript), or the membership."""
    if request.method != "POST" and any(key in request.args for key in LOOKUPS):
        return MemberForm(formdata=request.args)
    return _record_form(MemberForm, member, _member_values)


def _member_values(member: ForumMember) -> dict:
    same_name = {name: getattr(member, name) for name in ("role", "term_start", "term_end")}
    return {**same_name, "person": member.person_id, "organisation": member.organisation_id}


def _save_member(forum: Forum, member: ForumMember | None):
    form = _member_form(member)
    # The two pickers: the search results plus whatever is already chosen.
    for picker, model, key in ((form.person, Person, "person_q"), (form.organisation, Organisation, "organisation_q")):
        found = choices.matching(model, request.args.get(key, ""), LOOKUP_LIMIT, picker.data)
        picker.choices = [("", "— none —"), *found]
    data = services.MemberData(
        person_id=form.person.data,
        organisation_id=form.organisation.data,
        role=form.role.data,
        term_start=form.term_start.data,
        term_end=form.term_end.data,
    )

    def save() -> ForumMember:
        if member is None:
            return services.add_member(current_actor(), forum, data)
        return services.update_member(current_actor(), member, form.version.data, data)

    outcome = submit(form, save)
    if outcome.ok:
        flash("The membership is saved.", "success")
        return redirect(url_for("forums.detail", forum_id=forum.id) + "#members")
    return render_template("forums/member_form.html", form=form, forum=forum, member=member), outcome.status


@bp.route("/<id:forum_id>/members/new", methods=["GET", "POST"])
def new_member(forum_id: int):
    return _save_member(services.get_forum(forum_id), None)


@bp.route("/<id:forum_id>/members/<id:member_id>/edit", methods=["GET", "POST"])
def edit_member(forum_id: int, member_id: int):
    forum = services.get_forum(forum_id)
    return _save_member(forum, services.get_member(forum, member_id))


@bp.route("/<id:forum_id>/members/<id:member_id>/remove", methods=["POST"])
def remove_member(forum_id: int, member_id: int):
    forum = services.get_forum(forum_id)
    services.remove_member(current_actor(), services.get_member(forum, member_id))
    flash("The member is taken off the forum.", "success")
    return redirect(url_for("forums.detail", forum_id=forum.id) + "#members")


# --- Pickers (htmx fragments: <option>s for a select) -----------------------------------------


def _options(model, key: str):
    query = request.args.get(key, request.args.get("q", "")).strip()
    options = choices.matching(model, query, LOOKUP_LIMIT)
    return render_template("_lookup_options.html", options=options, query=query, limit=LOOKUP_LIMIT)


@bp.route("/lookup/people")
def lookup_people():
    return _options(Person, "person_q")


@bp.route("/lookup/organisations")
def lookup_organisations():
    return _options(Organisation, "organisation_q")
