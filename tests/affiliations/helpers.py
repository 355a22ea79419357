"""Helpers the directory's tests share (people, organisations, affiliations)."""

import re
from html import unescape

from sqlalchemy import func, select

from engage.extensions import db


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def form_version(client, url: str) -> str:
    """The `version` an edit form at `url` was opened with."""
    return re.search(r'name="version"[^>]*value="(\d+)"', client.get(url).get_data(as_text=True)).group(1)


def linked_names(client, path: str, **query) -> list[str]:
    """The names the list page at `path` links to its records (at `path`/<id>), in order."""
    html = text(client.get(path, query_string=query))
    return re.findall(rf'<a class="fw-semibold" href="{path}/\d+">([^<]+)</a>', html)


def field_error(response, field: str) -> str | None:
    """The message shown next to `field`, if any."""
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', text(response))
    return match.group(1) if match else None


def assert_not_found(client, token: str, gets=(), posts=()) -> None:
    """Each page in `gets`, and each form in `posts` (sent with `token`), answers 404."""
    for path in gets:
        assert client.get(path).status_code == 404, path
    for path in posts:
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path
