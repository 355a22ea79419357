"""The directory pages keep to the strict CSP: no inline script or style, nothing from elsewhere."""

import re

from engage.extensions import db
from engage.forums.models import ForumMember
from tests.factories import make_forum, make_helpline, make_person


def test_directory_pages_have_no_inline_script_or_style(app, client, as_role):
    with app.app_context():
        forum = make_forum()
        person = make_person()
        db.session.add(ForumMember(forum_id=forum.id, person_id=person.id))
        helpline = make_helpline(escalation_name="Duty manager")
        make_helpline(country=None, channel="web", contact="https://findahelpline.com")
        db.session.commit()
        fid, hid = forum.id, helpline.id
    as_role("admin")
    pages = [
        "/forums",
        f"/forums/{fid}",
        "/forums/new",
        f"/forums/{fid}/edit",
        f"/forums/{fid}/members/new",
        "/helplines",
        f"/helplines/{hid}",
        "/helplines/new",
        f"/helplines/{hid}/edit",
        "/helplines/crisis?country=GB",
        "/admin/topics",
        "/admin/topics/new",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "onclick" not in html, path
        for url in re.findall(r'(?:src)="([^"]+)"', html):
            assert not re.match(r"^(https?:)?//", url), (path, url)
