"""axe-core in the system Chromium on every page of the app, at desktop and phone width.

One seeded database (the demo data `engage seed-demo` makes, with the ids tests/test_routes.py
walks), one live server and one browser serve the whole module; each signed-in reader keeps one
tab. Every GET route that answers a page is visited (a route added later is visited too, or fails
`test_every_page_is_scanned`), as the admin, and the pages a viewer sees differently once more as
the viewer; so are the error states: a form refused with messages (400), a missing record (404)
and an edit someone else saved first (409). On each, axe-core runs at 1366×900 and at 390×844 and
must find no serious or critical violation; the page must have one `h1` and no skipped heading
level.
"""

import itertools
import json
import logging
import os
import time
from pathlib import Path

import pytest

from engage.auth.permissions import PUBLIC
from engage.demo.seed import seed
from engage.extensions import db
from tests.browser import ARGS, chromium_path, live_server, sign_in
from tests.conftest import PASSWORD, emptied, fresh_app
from tests.test_routes import EMAIL, GETS, _may_read, _path, _world_ids

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WIDTHS = ((1366, 900), (390, 844))
BAD = ("serious", "critical")

# GET routes that are not pages: files, htmx fragments and look-ups, redirects to a page walked anyway.
NOT_PAGES = {
    "static",
    "health.healthz",
    "auth.login",  # signed out; scanned by test_sign_in_page
    "engagement_calendar.feed",
    "engagements.ics",
    "briefings.briefing_pdf",
    "briefings.download",
    "people_privacy.export",
    "transfer.people_csv",
    "transfer.people_vcf",
    "transfer.organizations_csv",
    *(f"reports.{name}_csv" for name in ("consultations_by_topic", "decision_outcomes", "coverage", "cooling")),
    "search.jump",
    "consultations.suggest_people",
    "consultations.suggest_organisations",
    "forums.lookup_people",
    "forums.lookup_organisations",
    "helplines.lookup_organisations",
    "consultation_items.input_row",
    "consultation_items.commitment_row",
    "policies.clause_by_key",  # redirects to policies.clause
    "api.openapi",  # JSON
    "documents.download",  # a file, sent as an attachment
    # Swagger UI's own page (vendored, for developers reading the API): its stylesheet fails contrast
    # in ~90 places; we do not restyle a third-party reference page, and say so in docs/API.md.
    "api.docs",
}
# Pages whose content depends on who reads them: scanned again as the viewer.
VIEWER_PAGES = {
    "dashboard.home",
    "people.index",
    "people.detail",
    "consultations.index",
    "consultations.detail",
    "engagements.detail",
    "commitments.index",
    "search.index",
    *(f"reports.{name}" for name in ("consultations_by_topic", "decision_outcomes", "coverage", "cooling")),
    "reports.stakeholder_grid",
    "reports.network",
}
PAGES = [(endpoint, rule) for endpoint, _, rule, level in GETS if endpoint not in NOT_PAGES]
WALK = [("admin", endpoint, rule) for endpoint, rule in PAGES] + [
    ("viewer", endpoint, rule) for endpoint, rule in PAGES if endpoint in VIEWER_PAGES
]

# axe-core's findings, reduced to what a failure message needs.
RUN_AXE = """() => axe.run(document, {resultTypes: ["violations"]}).then((r) => r.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help,
  targets: v.nodes.slice(0, 6).map((n) => n.target.join(" ")), count: v.nodes.length})))"""
# The heading levels of the page, in document order (visible or not: a screen reader reads both).
OUTLINE = "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => Number(h.tagName[1]))"
SUMMARY: dict = {}


@pytest.fixture(scope="module")
def site(database, tmp_path_factory):
    """The seeded app served on a local port, the world's ids, and one browser for the module."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    app = fresh_app(database, tmp_path_factory.mktemp("axe"))
    with app.app_context():
        seed(people=30, password=PASSWORD)
        ids = _world_ids()
        db.session.commit()
    tabs = {}
    with live_server(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)

        def tab(role: str):
            """The role's signed-in tab: axe-core is added to every page it loads (the page's CSP
            lets no injected script run: the browser lets the test's own in)."""
            if role not in tabs:
                context = browser.new_context(viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]}, bypass_csp=True)
                context.add_init_script(path=str(AXE))
                page = context.new_page()
                page.set_default_timeout(20_000)
                if role != "anonymous":
                    sign_in(page, base, EMAIL[role], PASSWORD)
                tabs[role] = page
            return tabs[role]

        try:
            yield {"app": app, "base": base, "ids": ids, "tab": tab}
        finally:
            browser.close()
    emptied(app, database)


def scan(page, name: str) -> None:
    """axe-core at each width, then the heading outline; fails with every violation found."""
    found = []
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        violations = page.evaluate(RUN_AXE)
        SUMMARY[f"{name} @{width}"] = {v["id"]: v["count"] for v in violations if v["impact"] in BAD}
        found += [(width, v) for v in violations if v["impact"] in BAD]
    page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
    ARTIFACTS.mkdir(exist_ok=True)  # violations per page and width, for the record (ignored by git)
    (ARTIFACTS / "axe-summary.json").write_text(json.dumps(SUMMARY, indent=1, sort_keys=True))
    lines = [
        f"  @{width}px {v['impact']} {v['id']} ({v['count']}×): {v['help']}\n      " + "\n      ".join(v["targets"])
        for width, v in found
    ]
    assert not lines, f"{name}: {len(found)} serious or critical axe-core violations\n" + "\n".join(lines)
    levels = page.evaluate(OUTLINE)
    assert levels.count(1) == 1, f"{name}: {levels.count(1)} h1 elements (outline {levels})"
    skipped = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert not skipped, f"{name}: heading levels skipped {skipped} (outline {levels})"


def visit(page, url: str, status: int = 200):
    response = page.goto(url)
    assert response.status == status, (url, response.status)
    assert page.evaluate("typeof axe") == "object", "axe-core was not injected"


def _id(item) -> str:
    role, _, rule = item
    return f"{role} {rule.rule}"


@pytest.mark.parametrize("item", WALK, ids=[_id(i) for i in WALK])
def test_page_has_no_serious_violations(site, item):
    role, endpoint, rule = item
    level = next(lv for e, _, r, lv in GETS if r is rule)
    if level != PUBLIC and not _may_read(role, endpoint, level):
        pytest.skip(f"{role} may not read {rule.rule}")
    path = _path(rule, site["ids"])
    if endpoint == "search.index":
        path += "?q=" + site["ids"]["person_name"].split()[0]  # a page of results
    page = site["tab"](role)
    visit(page, site["base"] + path)
    scan(page, f"{role} {path}")


def test_every_page_is_scanned():
    """Every GET route is either a page this module visits or named in NOT_PAGES (a route added
    later must say which)."""
    endpoints = {endpoint for endpoint, _, _, _ in GETS}
    assert endpoints - NOT_PAGES == {endpoint for _, endpoint, _ in WALK}
    assert not NOT_PAGES - endpoints - {"static"}


def test_sign_in_page(site):
    page = site["tab"]("anonymous")
    visit(page, site["base"] + "/login")
    scan(page, "anonymous /login")


def test_refused_form_with_field_errors(site):
    """A person saved with no name: the form comes back (400) with its messages."""
    page = site["tab"]("admin")
    visit(page, site["base"] + "/people/new")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("main form[method=post] button[type=submit]").last.click()
    assert answer.value.status == 400
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 1
    scan(page, "admin POST /people/new (400)")


def test_saved_views_open_and_refused(site):
    """A filtered list with its saved views and, opened from the keyboard, its "Save this view" form;
    then a name the admin already uses on that list (400, the message next to the field)."""
    page = site["tab"]("admin")
    visit(page, site["base"] + "/people?country=GB")
    page.focus(".saved-view-save > summary")
    page.keyboard.press("Enter")
    assert page.locator(".saved-view-save").get_attribute("open") is not None
    page.wait_for_function("document.activeElement.id === 'saved-view-name'")  # static/js/app.js
    scan(page, "admin /people?country=GB (saved views, save form open)")
    page.keyboard.type("Walked view")  # the admin's view of the walk (tests/test_routes.py)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 400
    page.wait_for_url("**/views")
    page.wait_for_load_state()
    assert page.locator("#name-error").count() == 1
    scan(page, "admin POST /views (400)")


def test_missing_record(site):
    page = site["tab"]("admin")
    visit(page, site["base"] + "/people/987654321", status=404)
    scan(page, "admin /people/987654321 (404)")


def test_edit_saved_by_someone_else_first(site):
    """Two tabs edit one organisation; the second to save is told someone saved first (409)."""
    page = site["tab"]("admin")
    url = site["base"] + f"/organizations/{site['ids']['organisation_id']}/edit"
    other = page.context.new_page()
    try:
        for tab in (page, other):
            visit(tab, url)
        other.fill("#description", "Changed in another tab.")
        with other.expect_response(lambda r: r.request.method == "POST") as first:
            other.locator("main form[method=post] button[type=submit]").last.click()
        assert first.value.status in (302, 303)
    finally:
        other.close()
    with page.expect_response(lambda r: r.request.method == "POST") as second:
        page.locator("main form[method=post] button[type=submit]").last.click()
    assert second.value.status == 409
    page.wait_for_load_state()
    scan(page, "admin POST organisation edit (409)")


@pytest.fixture(scope="module", autouse=True)
def _timed():
    started = time.perf_counter()
    yield
    if os.environ.get("AXE_TIMING"):
        print(f"\naxe module: {time.perf_counter() - started:.1f} s")
