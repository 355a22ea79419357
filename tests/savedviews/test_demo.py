"""The demo's saved views: each one's filters match rows of the demo data, for the user who saved it."""

import re

from sqlalchemy import select

from engage.demo.seed import seed
from engage.demo.views import DEMO_VIEWS
from engage.extensions import db
from engage.savedviews.models import SavedView
from engage.savedviews.services import href
from tests.conftest import PASSWORD, login


def test_every_demo_view_shows_rows(app):
    with app.app_context():
        seed(people=200, password=PASSWORD)
        db.session.commit()
        with app.test_request_context():
            views = [
                (v.owner.email, v.name, href(v), v.shared) for v in db.session.execute(select(SavedView)).scalars()
            ]
    assert len(views) == len(DEMO_VIEWS) and {v[3] for v in views} == {True, False}
    clients = {}
    for email, name, path, _ in views:
        if email not in clients:
            clients[email] = app.test_client()
            login(clients[email], email)
        html = clients[email].get(path).get_data(as_text=True)
        shown = re.search(r"Showing [\d,]+–[\d,]+ of ([\d,]+)", html)
        assert shown and int(shown.group(1).replace(",", "")) > 0, (name, path)
        assert 'aria-current="page"' in html, (name, path)
    # The viewer sees the editor's shared people view beside their own.
    people = clients["viewer@example.org"].get("/people").get_data(as_text=True)
    assert "UK critics on self-harm" in people and "Self-harm experts in Europe" in people
    assert "Cooling for 6 months" not in people  # the editor's private one
