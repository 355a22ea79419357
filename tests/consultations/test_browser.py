"""In a real browser: log a consultation, add 20 points and decide them, linked to clauses,
without a full page reload (a marker set on `window` before the first point survives)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from engage.consultations.models import Consultation, Decision, Input
from engage.extensions import db
from tests.browser import ARGS, live_server, sign_in
from tests.conftest import PASSWORD
from tests.factories import make_organisation, make_person, make_policy, make_user, make_version

pytestmark = pytest.mark.browser


@pytest.fixture
def server(app):
    with app.app_context():
        editor = make_user(role="editor", email="browser@test.example", name="Browser Editor")
        policy = make_policy(code="MH-SSH", title="Suicide and self-harm")
        make_version(
            policy,
            "v1",
            {f"MH-SSH {i}.1": f"Clause number {i}." for i in range(1, 6)},
            # After the consultation (20 Nov 2026): a decision may only cite a version that took effect
            # on or after the day the point was raised.
            effective_on=date(2026, 12, 1),
        )
        make_person(name="Ada Lovelace")
        make_organisation(name="Samaritans Test")
        db.session.commit()
        email = editor.email
    with live_server(app) as base:
        yield base, email


def test_log_and_decide_twenty_points_without_reload(app, server, chromium):
    from playwright.sync_api import expect, sync_playwright

    base, email = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            sign_in(page, base, email, PASSWORD)

            page.goto(f"{base}/consultations/new")
            page.fill("#title", "Browser roundtable")
            page.fill("#date", "2026-11-20")
            page.select_option("#kind", "roundtable")
            page.fill("#summary", "Logged from the browser test.")
            page.fill("#person_q", "Ada")
            page.click("[data-pick=person_ids]:has-text('Ada Lovelace')")
            page.fill("#organisation_q", "Samar")
            page.click("[data-pick=organisation_ids]:has-text('Samaritans Test')")
            expect(page.locator("#person_ids-chosen input[name=person_ids]")).to_have_count(1)
            page.click("form button[type=submit]:has-text('Save')")
            expect(page.locator("h1")).to_have_text("Browser roundtable")

            page.evaluate("window.__engageMarker = 'no reload'")
            for i in range(20):
                form = page.locator("#add-input")
                form.locator("select[name=raised_by]").select_option(index=1 + i % 2)
                form.locator("textarea[name=text]").fill(f"Point number {i} from the browser.")
                form.locator("select[name=clause_id]").select_option(index=1 + i % 5)
                form.locator("button[type=submit]").click()
                rows = page.locator("#inputs article.input-row")
                expect(rows).to_have_count(i + 1)
                row = rows.nth(i)
                expect(row).to_contain_text(f"Point number {i} from the browser.")
                row.get_by_role("link", name="Decide").click()
                decision = row.locator("form.decision-form")
                expect(decision).to_be_visible()
                outcome = ["adopted", "adapted", "declined", "parked"][i % 4]
                decision.locator("select[name=outcome]").select_option(outcome)
                decision.locator("textarea[name=rationale]").fill(f"Because {i}.")
                if outcome in ("adopted", "adapted"):
                    decision.locator("select[name=clause_id]").select_option(index=1 + i % 5)
                decision.locator("button[type=submit]").click()
                row = page.locator("#inputs article.input-row").nth(i)
                expect(row.locator("form.decision-form")).to_have_count(0)
                expect(row).to_contain_text(f"Because {i}.")
            assert page.evaluate("window.__engageMarker") == "no reload"
            expect(page.locator("#input-count")).to_have_text("20")

            # A validation error comes back in place (400 swapped by the htmx:beforeSwap listener).
            page.locator("#add-input button[type=submit]").click()
            expect(page.locator("#add-input")).to_contain_text("Write the point that was raised.")
            assert page.evaluate("window.__engageMarker") == "no reload"
            assert not errors, errors
        finally:
            browser.close()

    with app.app_context():
        consultation = db.session.execute(select(Consultation)).scalar_one()
        assert consultation.confidentiality == "normal"
        assert db.session.execute(select(func.count(Input.id))).scalar() == 20
        assert db.session.execute(select(func.count(Decision.id))).scalar() == 20
        assert db.session.execute(select(func.count(Decision.id)).where(Decision.clause_id.is_not(None))).scalar() == 10
        assert db.session.execute(select(func.count(Input.id)).where(Input.clause_id.is_not(None))).scalar() == 20
