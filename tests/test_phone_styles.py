"""At phone width (390 px) the stylesheet still applies: badges keep their colours, stale rows
their highlight, the month calendar its grid. A block left open in app.css once dropped every
rule after it below 768 px; this reads the computed styles in a real browser so it cannot again."""

from datetime import date, timedelta

import pytest

from engage.extensions import db
from tests.browser import ARGS, live_server, sign_in
from tests.conftest import PASSWORD
from tests.factories import make_engagement, make_helpline, make_user

pytestmark = pytest.mark.browser


def _computed(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_stylesheet_holds_at_phone_and_desktop_width(app, chromium, width):
    from playwright.sync_api import sync_playwright

    with app.app_context():
        make_user(role="editor", email="phone@test.example", name="Phone Editor")
        make_helpline(name="Unverified line", last_verified_on=date.today() - timedelta(days=400))
        make_engagement(title="Confirmed panel", status="confirmed")
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
