"""At phone width (390 px) the stylesheet still applies: badges keep their colours, stale rows
their highlight, the month calendar its grid. A block left open in app.css once dropped every
rule after it below 768 px; this reads the computed styles in a real browser so it cannot again."""

from datetime import date, timedelta

import pytest

from engage.extensions import db
from tests.browser import ARGS, live_server, sign_in
from tests.conftest import PASSWORD
from tests.factories import make_engagement, make_helpline, make_user, upcoming

pytestmark = pytest.mark.browser


def _computed(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_stylesheet_holds_at_phone_and_desktop_width(app, chromium, width):
    from playwright.sync_api import sync_playwright

    with app.app_context():
        make_user(role="editor", email="phone@test.example", name="Phone Editor")
        make_helpline(name="Unverified line", last_verified_on=date.today() - timedelta(days=400))
        make_engagement(title="Confirmed panel", status="confirmed", **upcoming())  # the list shows what is to come
        db.session.commit()
    with live_server(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 844})
            sign_in(page, base, "phone@test.example", PASSWORD)
            page.goto(f"{base}/helplines")
            assert _computed(page, "tr.stale-row > td", "background-color") == "rgb(255, 244, 244)"
            page.goto(f"{base}/engagements")
            assert _computed(page, ".badge.status-confirmed", "background-color") == "rgb(209, 231, 221)"
            page.goto(f"{base}/engagements/calendar?view=month&day={date.today().isoformat()}")
            assert _computed(page, ".cal-month", "border-top-style") == "solid"
            assert _computed(page, ".cal-head .cal-cell", "font-weight") == "600"
        finally:
            browser.close()


# The main list and detail pages: at 390 px the page body never scrolls sideways; wide tables
# scroll inside their own .table-responsive box (or reflow).
PHONE_PAGES = [
    "/",
    "/people",
    "/people/{person}",
    "/organizations",
    "/organizations/{organisation}",
    "/forums",
    "/forums/{forum}",
    "/helplines",
    "/helplines/{helpline}",
    "/helplines/crisis?country=GB",
    "/policies",
    "/policies/{policy}",
    "/clauses/{clause}",
    "/consultations",
    "/consultations/{consultation}",
    "/commitments",
    "/engagements",
    "/engagements/{engagement}",
    "/engagements/calendar",
    "/search?q=Okafor",
    "/admin/audit",
    "/admin/users",
    "/admin/topics",
]


TABLES_WIDER_THAN_THEIR_BOX = """[...document.querySelectorAll('.table-responsive')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => box.scrollWidth)"""


def test_no_page_scrolls_sideways_at_phone_width(app, chromium):
    from datetime import date as _date

    from playwright.sync_api import sync_playwright

    from tests.factories import (
        make_affiliation,
        make_consultation,
        make_forum,
        make_input,
        make_organisation,
        make_person,
        make_policy,
        make_version,
    )

    with app.app_context():
        admin = make_user(role="admin", email="phone-admin@test.example", name="Phone Admin")
        organisation = make_organisation(name="The International Association of Very Long Organisation Names")
        person = make_person(
            name="Aisha Okafor-Wellington-Smythe",
            email="aisha.okafor-wellington-smythe@a-long-domain.example",
            owner_id=admin.id,
        )
        make_affiliation(person, organisation, role="Director of Research and Policy Engagement")
        forum = make_forum(name="Youth Advisory Council on Online Safety and Wellbeing")
        stale = _date.today() - timedelta(days=400)
        helpline = make_helpline(
            name="A helpline with a long name",
            last_verified_on=stale,
            escalation_name="Duty manager, A helpline with a long name",
            escalation_contact="duty-manager-on-call@a-long-helpline-domain.example",
        )
        policy = make_policy(code="MH-PHONE", title="Suicide, self-harm and eating disorders policy", owner_id=admin.id)
        version = make_version(policy, "v1", {"MH-PHONE 1.1": "Clause text " * 40}, effective_on=_date(2025, 1, 1))
        consultation = make_consultation(
            title="Roundtable on recovery narratives and safe messaging guidance", people=[person], staff=[admin]
        )
        make_input(
            consultation,
            "A long point raised " * 10,
            person=person,
            clause=version.clauses[0],
            decision={"outcome": "adopted", "decided_by_id": admin.id, "decided_on": _date(2026, 10, 2)},
        )
        engagement = make_engagement(title="Confirmed panel with a long title", participants=[person], speakers=[admin])
        ids = {
            "person": person.id,
            "organisation": organisation.id,
            "forum": forum.id,
            "helpline": helpline.id,
            "policy": policy.id,
            "clause": version.clauses[0].id,
            "consultation": consultation.id,
            "engagement": engagement.id,
        }
        db.session.commit()
    with live_server(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            sign_in(page, base, "phone-admin@test.example", PASSWORD)
            wide = {}
            for path in PHONE_PAGES:
                url = base + path.format(**ids)
                assert page.goto(url).status == 200, url
                # measured once the web fonts are in (a fallback icon glyph is wider on a busy machine)
                width = page.evaluate("document.fonts.ready.then(() => document.documentElement.scrollWidth)")
                if width > 390:
                    wide[path] = width
                # nor does a table hide columns to the side of its scrolling box
                hidden = page.evaluate(TABLES_WIDER_THAN_THEIR_BOX)
                if hidden:
                    wide[path + " (tables)"] = hidden
            assert wide == {}, f"pages wider than the 390 px screen: {wide}"
        finally:
            browser.close()
