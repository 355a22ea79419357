"""Duplicates and data-subject rights: the likely-duplicate pairs, the merge screen, and the
privacy page of a person (subject export and erasure, admins only)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.auth.permissions import WRITE, access, admin_only, can_see_lived_experience
from engage.people import merge, privacy, queries, subject_export
from engage.people.forms import EraseForm, MergeForm
from engage.people.models import CONSENT_SCOPES
from engage.queries import Page
from engage.web import current_actor, page_number, submit

bp = Blueprint("people_privacy", __name__, url_prefix="/people")
PAIRS_PER_PAGE = 50


@bp.route("/duplicates")
@access(WRITE)
def duplicates():
    number = page_number()
    pairs, total = merge.duplicate_pairs(number, PAIRS_PER_PAGE)
    return render_template("people/duplicates.html", page=Page(pairs, number, PAIRS_PER_PAGE, total))


def _person(person_id: int):
    return queries.get_person(person_id) or abort(404)


@bp.route("/<id:person_id>/merge/<id:other_id>", methods=["GET", "POST"])
@access(WRITE)
def merge_people(person_id: int, other_id: int):
    keep, other = _person(person_id), _person(other_id)
    if keep.id == other.id or keep.erased_at or other.erased_at:
        abort(404)
    may_see = can_see_lived_experience(current_user, keep) and can_see_lived_experience(current_user, other)
    form = MergeForm(data={"version_keep": keep.version, "version_other": other.version})
    if not may_see:
        del form.lived_experience
    picks = {key: form[key].data for key in merge.FIELDS if key in form}
    versions = (form.version_keep.data, form.version_other.data)
    outcome = submit(form, lambda: merge.merge_people(current_actor(), keep, other, versions, picks, may_see))
    if outcome.ok:
        flash(f"The two records are merged into {outcome.value.name}.", "success")
        return redirect(url_for("people.detail", person_id=outcome.value.id))
    return (
        render_template(
            "people/merge.html", form=form, keep=keep, other=other, fields=merge.FIELDS, consent_scopes=CONSENT_SCOPES
        ),
        outcome.status,
    )


@bp.route("/<id:person_id>/privacy")
@admin_only
def page(person_id: int):
    person = _person(person_id)
    return render_template(
        "people/privacy.html", person=person, form=EraseForm(formdata=None), held=subject_export.held_counts(person)
    )


@bp.route("/<id:person_id>/privacy/export.zip")
@admin_only
def export(person_id: int):
    filename, content = subject_export.subject_export(current_actor(), _person(person_id))
    return Response(
        content,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.route("/<id:person_id>/privacy/erase", methods=["POST"])
@admin_only
def erase(person_id: int):
    person = _person(person_id)
    form = EraseForm()
    outcome = submit(form, lambda: privacy.erase_person(current_actor(), person, form.reason.data))
    if outcome.ok:
        flash(f"The person is erased; their records now show “{person.name}”.", "success")
        return redirect(url_for("people.detail", person_id=person.id))
    held = subject_export.held_counts(person)
    return render_template("people/privacy.html", person=person, form=form, held=held), outcome.status
