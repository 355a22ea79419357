"""Restricted records never leak, not even as a count.

Every page a reader may open (lists, details, search, dashboard, calendars, feeds, exports, the
briefing PDF) is read before and after consultations they may not see are added on the very
records those pages show (the walked person, organisation, forum, clause, topic, engagement, and
a commitment assigned to the reader). Apart from the anti-forgery token and the clock, every
page must read the same: no title, no name, no count, no "1 more".
"""

import re

import pytest

from engage.auth.permissions import ADMIN, PUBLIC
from engage.extensions import db
from tests.security.world import HIDDEN_FROM, MARK, body_text, build_baseline, plant, signed_in
from tests.test_routes import GETS, _path

baseline = build_baseline  # the module's world, before anything is planted (a fixture)

# Query pages: every mark searched for where a reader can search.
SEARCHES = [
    "/search?q={}",
    "/search?q={}&kind=consultations",
    "/search/jump?q={}",
    "/consultations?q={}",
    "/people?q={}",
    "/organizations?q={}",
    "/policies?q={}",
]
NOISE = [
    (re.compile(r'(name="csrf_token"[^>]*value=|"X-CSRFToken": )"[^"]+"'), r"\1TOKEN"),
    (re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\b"), "HH:MM"),  # generated at …
    (re.compile(r"briefing-\d+-\d{8}-\d{6}"), "briefing-STAMP"),
]


def _pages(world_ids) -> list[str]:
    paths = [_path(rule, world_ids) for endpoint, _, rule, level in GETS if level not in (PUBLIC, ADMIN)]
    paths += ["/calendar/{token}.ics"]
    paths += [s.format(mark) for s in SEARCHES for mark in MARK.values()]
    return paths


def _read(app, client, paths, token) -> dict[str, tuple[int, str]]:
    """Each page as read; what reading writes (a stored PDF, an audit event) is rolled back."""
    app.config["SECURITY_SUITE_ABANDON"]["on"] = True
    pages = {}
    for path in paths:
        response = client.get(path.replace("{token}", token))
        text = body_text(response) if response.status_code == 200 else ""
        for pattern, replacement in NOISE:
            text = pattern.sub(replacement, text)
        pages[path] = (response.status_code, text)
        response.close()
    app.config["SECURITY_SUITE_ABANDON"]["on"] = False
    return pages


def _differences(before, after) -> list[str]:
    out = []
    for path, (status, text) in before.items():
        if after[path] != (status, text):
            changed = [line for line in after[path][1].splitlines() if line not in set(text.splitlines())]
            out.append(f"{path}: {status} → {after[path][0]}; new lines: {changed[:4]}")
    return out


@pytest.mark.parametrize(("reader", "hidden"), HIDDEN_FROM.items())
def test_hidden_consultations_change_nothing_a_reader_sees(baseline, reader, hidden):
    app, ids = baseline
    paths = _pages(ids)
    client, _ = signed_in(app, f"{reader}@example.org")
    with app.app_context():
        token = _feed_token(reader)
    before = _read(app, client, paths, token)
    with app.app_context():
        planted = plant(ids, levels=hidden)
        db.session.commit()
    try:
        after = _read(app, client, paths, token)
    finally:
        with app.app_context():
            _unplant(planted)
    assert not _differences(before, after), f"{reader} sees hidden consultations:\n" + "\n".join(
        _differences(before, after)
    )


def _feed_token(reader):
    from engage.auth.models import User

    return db.session.execute(db.select(User.feed_token).where(User.email == f"{reader}@example.org")).scalar_one()


def _unplant(planted):
    from engage.consultations.models import Commitment, Consultation

    for ids in planted.values():
        db.session.delete(db.session.get(Commitment, ids["commitment_id"]))
        db.session.delete(db.session.get(Consultation, ids["consultation_id"]))
    db.session.commit()
