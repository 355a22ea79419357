"""Saving views through the app's own form post, and reading what a list page shows of them."""

import re

from sqlalchemy import select

from engage.extensions import db
from engage.savedviews.models import SavedView


def save_view(client, token, list_key="people.index", query="country=GB", name="UK", shared=False):
    data = {"csrf_token": token, "list_key": list_key, "query": query, "name": name}
    if shared:
        data["shared"] = "y"
    return client.post("/views", data=data)


def block(html: str) -> str:
    """The saved-views block of a list page ('' when the page has none)."""
    match = re.search(r'<section class="saved-views.*?</section>', html, re.S)
    return match.group(0) if match else ""


def all_views(app) -> list[SavedView]:
    with app.app_context():
        views = list(db.session.execute(select(SavedView).order_by(SavedView.id)).scalars())
        db.session.expunge_all()
        return views


def private_and_shared(app, client, as_role):
    """An editor's private view and shared one, and a second editor signed in on a client of their own:
    (private, shared, other client, other client's CSRF token)."""
    from tests.conftest import login
    from tests.factories import make_user

    token = as_role("editor")
    save_view(client, token, name="Private")
    save_view(client, token, query="country=FR", name="Shared", shared=True)
    private, shared = all_views(app)
    with app.app_context():
        other_editor = make_user(role="editor").email
        db.session.commit()
    other = app.test_client()
    return private, shared, other, login(other, other_editor)
