"""Every route × every role × every confidentiality level, against a declared outcome.

MATRIX below says, for each (endpoint, method) of `app.url_map`, what each reader gets. Columns,
in order: anonymous, viewer, editor, admin, and, for a route that shows a planted record, the
reader the record is "theirs" for (the consultation's staff member, a viewer; the document's
maker, an editor). Codes: O allowed (a page for GET; for any other method, past the gate: done,
or refused for its data), L redirected to sign in, R redirected elsewhere, F 403, N 404.

A route without a row fails `test_every_route_has_a_row` (and `test_a_new_route_without_a_row_fails`
shows that it does). Every response, error pages included, is also read for the marker words of
records its reader may not see (tests/security/world.py): a hidden record must not show, not in a
page, a PDF or a feed.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from engage import create_app
from tests.security.world import HIDDEN_FROM, LEVELS, LIVED, MARK, body_text, planted_world, signed_in

planted = planted_world  # the module's world (a fixture)


@dataclass(frozen=True)
class By:
    """Outcomes by the case of the record the route shows; the fifth column is `fifth`."""

    fifth: str
    cases: dict


API_RESOURCES = (
    "people", "organisations", "affiliations", "forums", "helplines", "policies", "consultations", "commitments",
    "engagements",
)  # fmt: skip

# --- the table -------------------------------------------------------------------------------
READ, WRITE, ADMIN, ANYONE_SIGNED_IN, DOCUMENT = "LOOO", "LFOO", "LFFO", "LOOO", "LOOO"
CONSULTATION_GET = By("staffer", {"normal": "LOOOO", "confidential": "LNOOO", "restricted": "LNNOO"})
CONSULTATION_POST = By("staffer", {"normal": "LFOOF", "confidential": "LFOOF", "restricted": "LFNOF"})
FEED = By("owner", {"own token": "OOOOO", "wrong token": "NNNNN"})
# Written input (issue 12): a note is edited or deleted by its author (the planted notes are the
# admin's; admins may delete any); a document's place is a redirect to its record; drafts are their user's.
NOTE_WRITE = By("staffer", {"normal": "LFFOF", "confidential": "LFFOF", "restricted": "LFNOF"})
DOCUMENT_PLACE = By("staffer", {"normal": "LRRRR", "confidential": "LNRRR", "restricted": "LNNRR"})
OWN_DRAFT = By("owner", {"made by owner": "LFNNO"})

MATRIX = {
    ("static", "GET"): "OOOO",
    # The JSON API (issue 16): U = 401, the session cookie never opens it; with tokens: tests/api.
    ("api.openapi", "GET"): "OOOO",
    ("api.docs", "GET"): "OOOO",
    ("api.search", "GET"): "UUUU",
    **{(f"api.{name}_{kind}", "GET"): "UUUU" for name in API_RESOURCES for kind in ("list", "detail")},
    **{
        (f"api_writes.{verb}_{noun}", m): "UUUU"
        for verb, m in (("create", "POST"), ("update", "PATCH"))
        for noun in ("organisation", "person")
    },
    **{
        (f"api_work.{verb}_{noun}", m): "UUUU"
        for verb, m in (("create", "POST"), ("update", "PATCH"))
        for noun in ("consultation", "commitment", "engagement")
    },
    **{
        (f"api_items.{name}", m): "UUUU"
        for name, m in (
            ("create_input", "POST"),
            ("update_input", "PATCH"),
            ("decide", "PUT"),
            *((f"create_{kind}_commitment", "POST") for kind in ("person", "organisation", "engagement")),
        )
    },
    ("api_tokens.index", "GET"): ANYONE_SIGNED_IN,
    ("api_tokens.index", "POST"): ANYONE_SIGNED_IN,  # make, or revoke one of your own
    ("health.healthz", "GET"): "OOOO",
    ("auth.login", "GET"): "ORRR",
    ("auth.login", "POST"): "OOOO",  # signed in: sent on to the dashboard
    ("auth.logout", "POST"): ANYONE_SIGNED_IN,
    ("auth.account", "GET"): ANYONE_SIGNED_IN,
    ("auth.account", "POST"): ANYONE_SIGNED_IN,
    ("auth.account_zone", "POST"): ANYONE_SIGNED_IN,  # the reader's own time zone
    ("auth.users", "GET"): ADMIN,
    ("auth.new_user", "GET"): ADMIN,
    ("auth.new_user", "POST"): ADMIN,
    ("auth.edit_user", "GET"): ADMIN,
    ("auth.edit_user", "POST"): ADMIN,
    ("auth.unlock_user", "POST"): ADMIN,
    ("auth.reset_password", "POST"): ADMIN,  # on the viewer: their sessions end (rolled back by the walk)
    ("audit.index", "GET"): ADMIN,
    ("topics.index", "GET"): ADMIN,
    ("topics.new", "GET"): ADMIN,
    ("topics.new", "POST"): ADMIN,
    ("topics.edit", "GET"): ADMIN,
    ("topics.edit", "POST"): ADMIN,
    ("topics.activate", "POST"): ADMIN,
    ("topics.deactivate", "POST"): ADMIN,
    ("topics.delete", "POST"): ADMIN,
    ("webhooks.index", "GET"): ADMIN,
    ("webhooks.new", "GET"): ADMIN,
    ("webhooks.new", "POST"): ADMIN,
    ("webhooks.detail", "GET"): ADMIN,
    ("webhooks.edit", "GET"): ADMIN,
    ("webhooks.edit", "POST"): ADMIN,
    ("webhooks.secret", "POST"): ADMIN,
    ("webhooks.rotate", "POST"): ADMIN,
    ("webhooks.activate", "POST"): ADMIN,
    ("webhooks.deactivate", "POST"): ADMIN,
    ("webhooks.delete", "POST"): ADMIN,
    ("dashboard.home", "GET"): READ,
    ("search.index", "GET"): READ,
    ("search.jump", "GET"): READ,
    # the directory
    ("people.index", "GET"): READ,
    ("people.new", "GET"): READ,
    ("people.new", "POST"): WRITE,
    ("people.detail", "GET"): READ,
    ("people.edit", "GET"): READ,
    ("people.edit", "POST"): WRITE,
    ("people.archive", "POST"): WRITE,
    ("people.unarchive", "POST"): WRITE,
    ("people.add_affiliation", "POST"): WRITE,
    ("people.end_affiliation", "POST"): WRITE,
    ("people.add_assessment", "POST"): WRITE,
    ("people.add_conflict", "POST"): WRITE,
    ("people.add_honorarium", "POST"): WRITE,
    # likely duplicates and merging: editors and admins (permissions.can_merge_people); a GET too,
    # since the pages show two records side by side; data-subject rights: admins only
    ("people_privacy.duplicates", "GET"): WRITE,
    ("people_privacy.merge_people", "GET"): WRITE,
    ("people_privacy.merge_people", "POST"): WRITE,
    ("people_privacy.page", "GET"): ADMIN,
    ("people_privacy.export", "GET"): ADMIN,
    ("people_privacy.erase", "POST"): ADMIN,
    ("organizations.index", "GET"): READ,
    ("organizations.new", "GET"): READ,
    ("organizations.new", "POST"): WRITE,
    ("organizations.detail", "GET"): READ,
    ("organizations.edit", "GET"): READ,
    ("organizations.edit", "POST"): WRITE,
    ("organizations.archive", "POST"): WRITE,
    ("organizations.unarchive", "POST"): WRITE,
    ("organizations.add_affiliation", "POST"): WRITE,
    ("organizations.end_affiliation", "POST"): WRITE,
    ("organizations.remove_affiliation", "POST"): WRITE,
    ("helplines.index", "GET"): READ,
    ("helplines.crisis", "GET"): READ,
    ("helplines.lookup_organisations", "GET"): READ,
    ("helplines.new", "GET"): READ,
    ("helplines.new", "POST"): WRITE,
    ("helplines.detail", "GET"): READ,
    ("helplines.edit", "GET"): READ,
    ("helplines.edit", "POST"): WRITE,
    ("helplines.archive", "POST"): WRITE,
    ("helplines.restore", "POST"): WRITE,
    ("helplines.verify", "POST"): WRITE,
    ("forums.index", "GET"): READ,
    ("forums.lookup_people", "GET"): READ,
    ("forums.lookup_organisations", "GET"): READ,
    ("forums.new", "GET"): READ,
    ("forums.new", "POST"): WRITE,
    ("forums.detail", "GET"): READ,
    ("forums.edit", "GET"): READ,
    ("forums.edit", "POST"): WRITE,
    ("forums.archive", "POST"): WRITE,
    ("forums.restore", "POST"): WRITE,
    ("forums.new_member", "GET"): READ,
    ("forums.new_member", "POST"): WRITE,
    ("forums.edit_member", "GET"): READ,
    ("forums.edit_member", "POST"): WRITE,
    ("forums.remove_member", "POST"): WRITE,
    # policies
    ("policies.index", "GET"): READ,
    ("policies.new", "GET"): READ,
    ("policies.new", "POST"): WRITE,
    ("policies.detail", "GET"): READ,
    ("policies.edit", "GET"): READ,
    ("policies.edit", "POST"): WRITE,
    ("policies.version", "GET"): READ,
    ("policies.new_version", "GET"): READ,
    ("policies.new_version", "POST"): WRITE,
    ("policies.clause", "GET"): READ,
    ("policies.clause_by_key", "GET"): "LRRR",  # a permanent address: redirects to the clause's page
    # consultations: what they show depends on the consultation's confidentiality
    ("consultations.index", "GET"): READ,
    # the commitments register (issue 14): a bulk POST without ticked ids is refused for its data
    ("commitments.index", "GET"): READ,
    ("commitments.bulk", "POST"): WRITE,
    ("commitments.new", "GET"): READ,
    ("commitments.new", "POST"): WRITE,
    # reports (issue 14): every reader, with counts over what they may see; the CSV likewise
    ("reports.index", "GET"): READ,
    **{
        (f"reports.{name}{suffix}", "GET"): READ
        for name in ("consultations_by_topic", "decision_outcomes", "coverage", "cooling")
        for suffix in ("", "_csv")
    },
    # the maps (issue 14): every reader; co-participation edges only from consultations they may see
    ("reports.stakeholder_grid", "GET"): READ,
    ("reports.network", "GET"): READ,
    ("consultations.suggest_people", "GET"): READ,
    ("consultations.suggest_organisations", "GET"): READ,
    ("consultations.new", "GET"): READ,
    ("consultations.new", "POST"): WRITE,
    ("consultations.detail", "GET"): CONSULTATION_GET,
    ("consultations.edit", "GET"): CONSULTATION_GET,
    ("consultations.edit", "POST"): CONSULTATION_POST,
    ("consultation_items.add_input", "POST"): CONSULTATION_POST,
    ("consultation_items.input_row", "GET"): CONSULTATION_GET,
    ("consultation_items.edit_input", "GET"): CONSULTATION_GET,
    ("consultation_items.edit_input", "POST"): CONSULTATION_POST,
    ("consultation_items.decision", "GET"): CONSULTATION_GET,
    ("consultation_items.decision", "POST"): CONSULTATION_POST,
    ("consultation_items.add_commitment", "POST"): CONSULTATION_POST,
    ("consultation_items.commitment_row", "GET"): CONSULTATION_GET,
    ("consultation_items.edit_commitment", "GET"): CONSULTATION_GET,
    ("consultation_items.edit_commitment", "POST"): CONSULTATION_POST,
    ("consultation_items.complete_commitment", "POST"): CONSULTATION_POST,
    # engagements, calendars, feeds
    ("engagements.index", "GET"): READ,
    ("engagements.new", "GET"): READ,
    ("engagements.new", "POST"): WRITE,
    ("engagements.detail", "GET"): READ,
    ("engagements.ics", "GET"): READ,
    ("engagements.edit", "GET"): READ,
    ("engagements.edit", "POST"): WRITE,
    ("engagements.follow", "POST"): ANYONE_SIGNED_IN,
    ("engagements.unfollow", "POST"): ANYONE_SIGNED_IN,
    ("engagement_calendar.calendar", "GET"): READ,
    ("engagement_calendar.feed", "GET"): FEED,  # public: the token is the credential
    ("engagement_calendar.feed_settings", "POST"): ANYONE_SIGNED_IN,
    ("engagement_calendar.feed_reset", "POST"): ANYONE_SIGNED_IN,
    ("engagement_import.upload", "GET"): READ,
    ("engagement_import.upload", "POST"): WRITE,
    # imports: a GET shows the upload form (as people.new does), only writers upload; exports: every
    # reader, with the list's own rules (lived experience only for whom may see it)
    ("transfer.import_people", "GET"): READ,
    ("transfer.import_people", "POST"): WRITE,
    ("transfer.import_organizations", "GET"): READ,
    ("transfer.import_organizations", "POST"): WRITE,
    ("transfer.people_csv", "GET"): READ,
    ("transfer.people_vcf", "GET"): READ,
    ("transfer.organizations_csv", "GET"): READ,
    # documents: a stored document is its maker's and the admins'; packs are made by every reader
    # (permissions.can_make_documents: a pack holds only what its maker may see), letters by writers
    ("briefings.engagement", "GET"): READ,
    ("briefings.generate", "POST"): DOCUMENT,
    # a GET only hands the reader their own up-to-date pack (owner made one), else the briefing page
    ("briefings.briefing_pdf", "GET"): By("owner", {"made by owner": "LRRRO"}),
    ("briefings.letters", "GET"): READ,
    ("briefings.new_letter", "POST"): WRITE,
    ("briefings.evidence", "GET"): READ,
    ("briefings.evidence", "POST"): DOCUMENT,
    ("briefings.evidence_job", "GET"): By("owner", {"made by owner": "LNNOO"}),  # its requester and admins
    ("briefings.download", "GET"): By("owner", {"made by owner": "LNNOO"}),
    # Any editor may record a colleague's letter as sent: the team posts letters (the letters page
    # offers it); nothing of the letter is shown.
    ("briefings.sent", "POST"): By("owner", {"made by owner": "LFOOO"}),
    # written input (issue 12): documents and notes have their record's visibility
    ("documents.upload_people", "POST"): WRITE,
    ("documents.upload_organisations", "POST"): WRITE,
    ("documents.upload_engagements", "POST"): WRITE,
    ("documents.upload_consultations", "POST"): CONSULTATION_POST,
    ("documents.note_people", "POST"): WRITE,
    ("documents.note_organisations", "POST"): WRITE,
    ("documents.note_engagements", "POST"): WRITE,
    ("documents.note_consultations", "POST"): CONSULTATION_POST,
    ("documents.download", "GET"): CONSULTATION_GET,
    ("documents.show", "GET"): DOCUMENT_PLACE,
    ("documents.show_note", "GET"): DOCUMENT_PLACE,
    ("documents.delete", "POST"): CONSULTATION_POST,
    ("documents.edit_note", "GET"): NOTE_WRITE,
    ("documents.edit_note", "POST"): NOTE_WRITE,
    ("documents.delete_note", "POST"): NOTE_WRITE,
    ("inbox.new_from_email", "GET"): WRITE,
    ("inbox.new_from_email", "POST"): WRITE,
    ("inbox.drafts_list", "GET"): WRITE,
    ("inbox.draft", "GET"): OWN_DRAFT,
    ("inbox.draft", "POST"): OWN_DRAFT,
    ("inbox.discard", "POST"): OWN_DRAFT,
    ("inbox.log_call", "POST"): WRITE,
    # Saved views (issue 14): any reader saves their own (a post without a list is a 404, an unknown
    # list); the walked view is the admin's private one, missing for everyone else.
    ("savedviews.save", "POST"): "LNNN",
    ("savedviews.delete", "POST"): "LNNO",
    ("savedviews.edit", "GET"): "LNNO",  # only its owner renames a view: the walked one is the admin's
    ("savedviews.edit", "POST"): "LNNO",
}

ROLES = ("anonymous", "viewer", "editor", "admin")
SIGNS_OUT = {"auth.logout"}  # walked last, per reader
HIDDEN = HIDDEN_FROM | {"anonymous": LEVELS, "owner": ("restricted",)}
SEES_LIVED = {"admin", "owner"}


def routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def uncovered(app) -> set[tuple[str, str]]:
    return routes(app) - MATRIX.keys()


# --- the coverage check, and a test of it -----------------------------------------------------


def test_every_route_has_a_row(app):
    assert not uncovered(app), "routes without a row in MATRIX: " + ", ".join(map(str, sorted(uncovered(app))))
    assert not MATRIX.keys() - routes(app), "rows for routes that are gone"


def test_a_new_route_without_a_row_fails():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not uncovered(app)
    app.add_url_rule("/extra/<int:x>", "extra.page", lambda x: "x", methods=["GET", "POST"])
    assert uncovered(app) == {("extra.page", "GET"), ("extra.page", "POST")}


# --- the walk ---------------------------------------------------------------------------------


def _cases(world, endpoint, method, rule):
    """(readers' outcomes, column names, path) for each case of the route."""
    entry = MATRIX[(endpoint, method)]
    if isinstance(entry, str):
        yield entry, ROLES, _build(rule, world.ids)
        return
    columns = (*ROLES, entry.fifth)
    for case, codes in entry.cases.items():
        if case in LEVELS:
            yield codes, columns, _build(rule, world.at(case))
        elif case == "wrong token":
            yield codes, columns, _build(rule, world.ids | {"token": "not-a-feed-token"})
        else:
            yield codes, columns, _build(rule, world.ids)


def _build(rule, ids):
    own = ids.get(rule.endpoint, {})
    return rule.build({n: own.get(n, ids[n]) for n in rule.arguments}, append_unknown=False)[1]


def observed(response, method: str) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return "L" if urlsplit(response.headers["Location"]).path == "/login" else ("R" if method == "GET" else "O")
    if status == 401:
        return "U"  # the JSON API: the session never opens it (tests/api walks it with tokens)
    if status in (403, 404):
        return "F" if status == 403 else "N"
    if status >= 500:
        return f"5xx({status})"
    if method == "GET":
        return "O" if status in (200, 304) else str(status)
    return "O"  # past the gate: done, or refused for its data (400, 409 …)


def test_matrix(planted):
    app, world = planted
    readers = {"anonymous": (app.test_client(), "")}
    readers |= {role: signed_in(app, world.emails[role]) for role in ("viewer", "editor", "admin", "owner", "staffer")}
    abandon = app.config["SECURITY_SUITE_ABANDON"]
    abandon["on"] = True  # every request's writes are rolled back: the walk leaves the world as it was
    try:
        wrong, leaks = _walk(app, world, readers)
    finally:
        abandon["on"] = False  # even when the walk fails: later tests sign in for real
    assert not wrong, f"{len(wrong)} outcomes differ from MATRIX:\n" + "\n".join(wrong)
    assert not leaks, "hidden records shown:\n" + "\n".join(leaks)


def _walk(app, world, readers) -> tuple[list[str], list[str]]:
    wrong, leaks = [], []
    rows = sorted(
        ((e, m, rule) for rule in app.url_map.iter_rules() for e, m in [(rule.endpoint, x) for x in rule.methods]),
        key=lambda row: row[0] in SIGNS_OUT,
    )
    for endpoint, method, rule in rows:
        if method in ("HEAD", "OPTIONS"):
            continue
        for codes, columns, path in _cases(world, endpoint, method, rule):
            if endpoint == "static":
                path = "/static/css/app.css"
            for expected, reader in zip(codes, columns, strict=True):
                client, token = readers[reader]
                response = client.open(path, method=method, data={"csrf_token": token} if token else {})
                got = observed(response, method)
                if endpoint in SIGNS_OUT and reader != "anonymous" and got == "L":
                    got = "O" if client.get("/").status_code == 302 else "still signed in"
                if got != expected:
                    wrong.append(f"{reader:9} {method:4} {path}: {got}, expected {expected}")
                leaks += [f"{reader} {method} {path}: {word}" for word in _leaked(reader, response)]
                response.close()
    return wrong, leaks


def _leaked(reader: str, response) -> list[str]:
    words = [MARK[level] for level in HIDDEN.get(reader, ())]
    if reader not in SEES_LIVED:
        words.append(LIVED)
    if not words:
        return []
    text = body_text(response).lower()
    return [word for word in words if word in text]


@pytest.mark.parametrize("level", LEVELS)
def test_a_hidden_record_answers_as_a_missing_one(planted, level):
    """A 404 for a record the reader may not see is the 404 of a record that does not exist."""
    app, world = planted
    client, _ = signed_in(app, world.emails["viewer"])
    seen = client.get(f"/consultations/{world.at(level)['consultation_id']}")
    missing = client.get("/consultations/987654")
    if level == "normal":
        assert seen.status_code == 200
    else:
        assert (seen.status_code, _page(seen)) == (missing.status_code, _page(missing))


def _page(response) -> str:
    """The page without its CSRF token, which is signed with the second it was made in: two
    requests either side of a second's turn differ by the token alone."""
    page = response.get_data(as_text=True)
    for token in set(CSRF_TOKEN.findall(page)):
        page = page.replace(token, "")
    return page


CSRF_TOKEN = re.compile(r'(?:"X-CSRFToken": "|name="csrf_token" value=")([^"]+)"')
