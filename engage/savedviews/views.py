"""Saving a list's filters as a view, renaming one, deleting one (the lists show them: templates/_list.html)."""

from flask import Blueprint, abort, flash, redirect, render_template, request

from engage.auth.permissions import personal
from engage.savedviews import lists, services
from engage.savedviews.forms import EditViewForm, SaveViewForm
from engage.web import current_actor, safe_next, submit

bp = Blueprint("savedviews", __name__, url_prefix="/views")


# Personal: a viewer may keep views for themselves; the service refuses them sharing one.
@bp.route("", methods=["POST"])
@personal
def save():
    form = SaveViewForm()
    entry = lists.savable(form.list_key.data)
    if entry is None:
        abort(404)
    outcome = submit(
        form, lambda: services.save(current_actor(), entry.key, form.query.data, form.name.data, form.shared.data)
    )
    if outcome.ok:
        flash(f"The view “{outcome.value.name}” is saved.", "success")
        return redirect(services.href(outcome.value))
    back = services.back_to(entry, form.query.data)
    return render_template("savedviews/form.html", form=form, entry=entry, back=back), outcome.status


@bp.route("/<id:view_id>/edit", methods=["GET", "POST"])
@personal
def edit(view_id: int):
    view = services.editable_view(current_actor().user, view_id)
    entry = lists.savable(view.list_key)
    if entry is None:
        abort(404)
    form = EditViewForm(obj=view)
    outcome = submit(
        form, lambda: services.update(current_actor(), view, form.version.data, form.name.data, form.shared.data)
    )
    if outcome.ok:
        flash(f"The view “{outcome.value.name}” is saved.", "success")
        return redirect(services.href(outcome.value))
    return render_template("savedviews/edit.html", form=form, view=view, entry=entry), outcome.status


@bp.route("/<id:view_id>/delete", methods=["POST"])
@personal
def delete(view_id: int):
    view = services.delete(current_actor(), view_id)
    flash(f"The view “{view.name}” is deleted.", "success")
    return redirect(safe_next(request.form.get("next"), services.list_href(view.list_key, "")))
