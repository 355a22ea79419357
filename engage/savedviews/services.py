"""Saved views: the ones a list page offers its reader, saving one, deleting one.

A foundation module: the filter bar of every list shows the views (through the context processor
in engage/templating.py), in one statement whatever the number of views.
"""

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import can_delete_view, can_edit_view, can_read, can_share_view, saved_views_visible
from engage.errors import ForbiddenError, NotFoundError, ValidationError
from engage.extensions import db
from engage.queries import check_version
from engage.savedviews.lists import SavableList, normalise, normalise_text, savable
from engage.savedviews.models import NAME_MAX, SavedView


@dataclass
class Sidebar:
    """What a list page shows of its saved views."""

    entry: SavableList
    current: str | None  # this page's filters, normalised; None when they are too long to save
    mine: list[SavedView] = field(default_factory=list)
    team: list[SavedView] = field(default_factory=list)  # shared by someone else
    can_share: bool = False
    deletable: set[int] = field(default_factory=set)  # the views this reader may delete
    editable: set[int] = field(default_factory=set)  # … and rename

    def is_current(self, view: SavedView) -> bool:
        return self.current is not None and view.query == self.current


def href(view: SavedView) -> str:
    """The list the view was saved for, with its filters."""
    return list_href(view.list_key, view.query)


def list_href(list_key: str, query: str | None) -> str:
    base = url_for(list_key)
    return f"{base}?{query}" if query else base


def back_to(entry: SavableList, query: str | None) -> str:
    """The list with the filters a refused "save this view" came from (without them if they are junk)."""
    try:
        return list_href(entry.key, normalise_text(entry, query))
    except ValidationError:
        return list_href(entry.key, "")


def sidebar(user: User | None, endpoint: str | None, args) -> Sidebar | None:
    """The saved views of the list at `endpoint` that `user` may see (their own, and the team's
    shared ones), with the page's filters (`args`) normalised; None on a page that is no such list."""
    entry = savable(endpoint)
    if entry is None or not can_read(user):
        return None
    try:
        current = normalise(entry, args)
    except ValidationError:
        current = None
    views = db.session.execute(
        select(SavedView)
        .options(joinedload(SavedView.owner))
        .where(SavedView.list_key == entry.key, saved_views_visible(SavedView, user))
        .order_by(func.lower(SavedView.name), SavedView.id)
    ).scalars()
    result = Sidebar(entry, current, can_share=can_share_view(user))
    for view in views:
        (result.mine if view.owner_id == user.id else result.team).append(view)
        if can_delete_view(user, view):
            result.deletable.add(view.id)
        if can_edit_view(user, view):
            result.editable.add(view.id)
    return result


def get_view(user: User, view_id: int) -> SavedView:
    """A view `user` may see; someone else's private one is as missing as one that never was."""
    view = db.session.execute(
        select(SavedView).where(SavedView.id == view_id, saved_views_visible(SavedView, user))
    ).scalar_one_or_none()
    if view is None:
        raise NotFoundError("There is no such saved view.")
    return view


def _check_name(user: User, entry: SavableList, name: str, renaming: SavedView | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the view a name."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Keep the name to {NAME_MAX} characters (this one has {len(name)})."})
    same = select(SavedView.id).where(
        SavedView.owner_id == user.id, SavedView.list_key == entry.key, func.lower(SavedView.name) == name.lower()
    )
    if renaming is not None:  # keeping its own name is no clash
        same = same.where(SavedView.id != renaming.id)
    clash = db.session.execute(same).first()
    if clash:
        message = f"You already have a view of {entry.label} called “{name}”. Choose another name."
        raise ValidationError({"name": message})
    return name


def save(actor: Actor, list_key: str, query: str, name: str, shared: bool = False) -> SavedView:
    """Save the filters `query` of the list `list_key` under `name`, for the actor alone or, when
    `shared` (editors and admins), for the team. An unknown list is a NotFoundError."""
    entry = savable(list_key)
    if entry is None:
        raise NotFoundError("There is no such list.")
    if shared and not can_share_view(actor.user):
        raise ForbiddenError("Only editors and admins can share a view with the team.")
    normalised = normalise_text(entry, query)
    if not normalised:
        raise ValidationError({"query": "Filter the list first: a view without filters is the whole list."})
    view = SavedView(owner_id=actor.user.id, list_key=entry.key, name=_check_name(actor.user, entry, name))
    view.query, view.shared = normalised, bool(shared)
    who = "the team" if view.shared else "themselves"
    audit.record_create(actor, view, f"Saved view “{view.name}” of {entry.label} for {who}")
    return view


def editable_view(user: User, view_id: int) -> SavedView:
    """A view `user` may rename: someone else's private view is a NotFoundError, their shared one a
    ForbiddenError."""
    view = get_view(user, view_id)
    if not can_edit_view(user, view):
        raise ForbiddenError("Only the person who saved this view can rename it or change who sees it.")
    return view


def update(actor: Actor, view: SavedView, version: int | None, name: str, shared: bool) -> SavedView:
    """Rename `view` or share or unshare it, edited from `version` (a stale one is refused). Sharing
    is for editors and admins; a viewer's views stay their own."""
    check_version(view, version, "saved view")
    if shared and not view.shared and not can_share_view(actor.user):
        raise ForbiddenError("Only editors and admins can share a view with the team.")
    entry = savable(view.list_key)
    if entry is None:
        raise NotFoundError("There is no such list.")
    view.name = _check_name(actor.user, entry, name, renaming=view)
    view.shared = bool(shared) if can_share_view(actor.user) else view.shared
    audit.record_change(actor, "update", view, f"Saved view “{view.name}” of {entry.label}")
    return view


def delete(actor: Actor, view_id: int) -> SavedView:
    """Delete a view: its owner may, and an admin may delete a shared one. Someone else's private
    view is a NotFoundError, a shared one the actor may not delete a ForbiddenError."""
    view = get_view(actor.user, view_id)
    if not can_delete_view(actor.user, view):
        raise ForbiddenError("Only the person who saved this view, or an admin, can delete it.")
    entry = savable(view.list_key)
    label = entry.label if entry else view.list_key
    audit.record(
        actor,
        "delete",
        SavedView,
        view.id,
        f"Saved view “{view.name}” of {label}",
        details={"list": view.list_key, "query": view.query, "shared": view.shared, "owner_id": view.owner_id},
    )
    db.session.delete(view)
    db.session.flush()
    return view
