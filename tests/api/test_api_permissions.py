"""Exactly the web app's permissions through the API: every read endpoint, walked with a token of
each reader on the planted world (tests/security/world.py), never shows a hidden record's marker
words or lived experience, answers a hidden record's detail with 404, and does not count it."""

import pytest

from tests.api.conftest import bearer, make_token
from tests.security.world import HIDDEN_FROM, LEVELS, LIVED, MARK, planted_world

planted = planted_world  # the module's world (a fixture)
READERS = ("viewer", "editor", "admin", "owner", "staffer")
HIDDEN = HIDDEN_FROM | {"owner": ("restricted",), "staffer": (), "admin": ()}
SEES_LIVED = {"admin", "owner"}
LISTS = ("people", "organisations", "affiliations", "forums", "helplines", "policies", "consultations")
LISTS += ("commitments", "engagements")


def _walk(app, world, reader):
    token = make_token(app, world.emails[reader], "read", f"{reader} walk")
    client = app.test_client()
    texts = {}
    for name in LISTS:
        texts[name] = client.get(f"/api/v1/{name}?limit=200", headers=bearer(token)).get_data(as_text=True)
    texts["person"] = client.get(f"/api/v1/people/{world.ids['person_id']}", headers=bearer(token)).get_data(
        as_text=True
    )
    for level in LEVELS:
        for word in ("consultation", "summary", "point", "commitment"):
            texts[f"search {level} {word}"] = client.get(
                f"/api/v1/search?q={MARK[level]}", headers=bearer(token)
            ).get_data(as_text=True)
        ids = world.level[level]
        texts[f"consultation {level}"] = client.get(
            f"/api/v1/consultations/{ids['consultation_id']}", headers=bearer(token)
        )
        texts[f"commitment {level}"] = client.get(f"/api/v1/commitments/{ids['commitment_id']}", headers=bearer(token))
    return client, token, texts


@pytest.mark.parametrize("reader", READERS)
def test_hidden_records_never_show_and_are_404(planted, reader):
    app, world = planted
    client, token, texts = _walk(app, world, reader)
    leaks = []
    details = {key: texts.pop(key) for key in list(texts) if key.split()[0] in ("consultation", "commitment")}
    for level in LEVELS:
        hidden = level in HIDDEN[reader]
        for kind in ("consultation", "commitment"):
            response = details[f"{kind} {level}"]
            if response.status_code != (404 if hidden else 200):
                leaks.append(f"{kind} {level}: {response.status_code}")
            if hidden and MARK[level] in response.get_data(as_text=True):
                leaks.append(f"{kind} {level} detail shows its marker")
        for where, text in texts.items():
            if hidden and MARK[level] in text:
                leaks.append(f"{where} shows {MARK[level]}")
            if not hidden and where == "consultations" and MARK[level] not in text:
                leaks.append(f"{where} misses the visible {MARK[level]}")
    for where, text in texts.items():
        if LIVED in text and reader not in SEES_LIVED:
            leaks.append(f"{where} shows lived experience")
    if reader in SEES_LIVED and LIVED not in texts["person"]:
        leaks.append("the person's owner or an admin does not see lived experience")
    search = client.get(f"/api/v1/search?q={MARK['restricted']}", headers=bearer(token)).get_json()
    if "restricted" in HIDDEN[reader] and search["counts"]:
        leaks.append(f"search counts a hidden record: {search['counts']}")
    assert not leaks, f"{reader}: " + "; ".join(leaks)
