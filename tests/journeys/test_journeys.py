"""The main jobs, end to end in the system Chromium: each journey at 1366×900 and at 390×844, once
with the mouse and once with the keyboard alone (tests/journeys/driver.py), a screenshot per step
under tests/artifacts/, failing on any console error, CSP violation or request that leaves the site.

One live server on one seeded database and one browser for the module; a new browser context
(cookies, storage) for every run. Records a run makes carry its tag (e.g. "390k"), so the 36 runs
share the database without meeting.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from engage.demo.seed import seed
from engage.extensions import db
from tests.browser import ARGS, live_server
from tests.conftest import PASSWORD, emptied, fresh_app
from tests.factories import make_engagement, make_person, make_policy, make_version
from tests.journeys.driver import WATCH_CSP, Driver

pytestmark = pytest.mark.browser

EDITOR = "editor@example.org"
SIZES = {"1366": (1366, 900), "390": (390, 844)}
CSV = "Name,Email,Organisation\n{name},{email},Journey Trust\n"
# Names far apart, so no run's person is taken for a likely duplicate of another's (and skipped).
IMPORTED = {"1366m": "Ida Quennell", "1366k": "Omar Brightwater", "390m": "Yuki Fairbanks", "390k": "Zora Oyelaran"}


@dataclass
class Site:
    base: str
    topic: str  # an active topic's name
    topic2: str  # another
    staff: str  # a colleague who is not the editor
    expert: str  # the person who raises the points
    country: str  # a country with helplines, as the crisis lookup names it
    engagement_id: int  # a small engagement for the briefing pack
    csv_folder: object


@pytest.fixture(scope="module")
def site(database, tmp_path_factory):
    from engage.auth.models import User
    from engage.helplines.models import Helpline
    from engage.topics.models import Topic
    from engage.validation import country_name

    folder = tmp_path_factory.mktemp("journeys")
    app = fresh_app(database, folder)
    with app.app_context():
        seed(people=30, password=PASSWORD)
        soon = date.today() + timedelta(days=30)
        policy = make_policy(code="JRN", title="Journey policy")
        make_version(policy, "v1", {f"JRN {i}.1": f"Journey clause {i}." for i in range(1, 4)}, effective_on=soon)
        expert = make_person(name="Journey Expert")
        topic, topic2 = db.session.scalars(select(Topic.name).where(Topic.active).order_by(Topic.name).limit(2))
        staff = db.session.scalars(select(User.name).where(User.email != EDITOR, User.role == "editor")).first()
        local = select(Helpline.country).where(Helpline.country.is_not(None), ~Helpline.archived)
        code = db.session.scalars(local).first()
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
        engagement = make_engagement("Journey panel", participants=[expert], starts_at=start)
        db.session.commit()
        facts = dict(topic=topic, topic2=topic2, staff=staff, expert=expert.name, country=country_name(code))
        facts["engagement_id"] = engagement.id
    with live_server(app) as base:
        yield Site(base=base, csv_folder=folder, **facts)
    emptied(app, database)


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def signed_in(browser, site):
    """The editor's cookies, signed in once through the form, for every journey but the sign-in one."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.base}/login")
    page.fill("#email", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.base}/")
    state = context.storage_state()
    context.close()
    return state


def h1(j):
    page = getattr(j, "page", j)
    return page.get_by_role("heading", level=1)


def expect(locator):
    from playwright.sync_api import expect

    return expect(locator)


# --- the journeys ---------------------------------------------------------------------------


def sign_in(j, site, tag):
    j.open("/login")
    j.step("sign-in page")
    j.type_into(j.page.get_by_label("Email"), EDITOR)
    j.type_into(j.page.get_by_label("Password"), PASSWORD)
    j.step("filled in")
    j.press(j.page.get_by_role("button", name="Sign in"))
    j.page.wait_for_url(f"{site.base}/")
    j.step("home")
    toggler = j.page.get_by_role("button", name="Show navigation")
    if toggler.is_visible():
        j.press(toggler)
        expect(j.page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
        j.step("navigation open")
    j.press(j.page.get_by_role("navigation", name="Main").get_by_role("link", name="People", exact=True))
    expect(h1(j)).to_contain_text("People")
    j.step("people list")


def create_person(j, site, tag):
    name = f"Journey Person {tag}"
    j.open("/people/new")
    j.step("empty form")
    j.type_into(j.page.get_by_label("Name", exact=True), name)
    # The widget's box is named by the field's label and described by its help text.
    expect(j.page.get_by_role("combobox", name="Expertise topics")).to_have_attribute("aria-describedby", "topics-help")
    j.multi("Expertise topics", site.topic)
    j.multi("Expertise topics", site.topic2)
    j.step("two topics chosen")
    j.press(j.page.get_by_role("button", name=f"Remove {site.topic2}"))
    expect(j.page.get_by_role("button", name=f"Remove {site.topic2}")).to_have_count(0)
    if j.keyboard:  # the focus goes back to the box, so the next Tab goes on from there
        expect(j.page.get_by_role("combobox", name="Expertise topics")).to_be_focused()
    j.step("one removed")
    j.press(j.page.get_by_role("button", name="Save", exact=True))
    expect(h1(j)).to_contain_text(name)
    expect(j.page.get_by_text(site.topic, exact=True).filter(visible=True)).to_have_count(1)
    expect(j.page.get_by_text(site.topic2, exact=True).filter(visible=True)).to_have_count(0)
    j.step("person page")


def consultation(j, site, tag):
    title = f"Journey roundtable {tag}"
    j.open("/consultations/new")
    j.type_into(j.page.get_by_label("Title", exact=True), title)
    j.pick(j.page.get_by_label("Find people by name"), site.expert, "Journey Exp")
    j.multi("Our staff", site.staff)
    j.step("consultation filled in")
    j.press(j.page.get_by_role("button", name="Save", exact=True))
    expect(h1(j)).to_contain_text(title)
    j.step("consultation page")
    rows = j.page.locator("#inputs article.input-row")
    for i in range(3):
        add = j.page.locator("#add-input")
        j.choose(add.get_by_label("Raised by"), site.expert)
        j.type_into(add.get_by_label("Point raised"), f"Point {i + 1} from the journey.")
        clause = add.get_by_label("Target clause (optional)")
        j.choose(clause, _option(clause, i + 1))
        j.press(add.get_by_role("button", name=re.compile("Add")))
        expect(rows).to_have_count(i + 1)
        row = rows.nth(i)
        j.press(row.get_by_role("link", name=re.compile("^Decide")))
        form = row.locator("form.decision-form")
        expect(form).to_be_visible()
        j.choose(form.get_by_label("Outcome"), "Adopted")
        j.choose(form.get_by_label("Clause changed"), _option(form.get_by_label("Clause changed"), i + 1))
        j.step(f"deciding point {i + 1}")
        j.press(form.get_by_role("button", name="Save decision"))
        expect(row.locator("form.decision-form")).to_have_count(0)
        expect(row).to_contain_text("Adopted")
    rows.first.scroll_into_view_if_needed()  # for the screenshot only
    j.step("three points decided")


def _option(select, index: int) -> str:
    """The label of a select's option (read, not chosen: the driver chooses it)."""
    return select.evaluate(f"(el) => el.options[{index}].text.trim()")


def engagement(j, site, tag):
    title = f"Journey summit {tag}"
    day = (date.today() + timedelta(days=40)).isoformat()
    j.open("/engagements/new")
    j.type_into(j.page.get_by_label("Title", exact=True), title)
    j.type_datetime(j.page.get_by_label("Starts (local time)"), f"{day}T10:30")
    j.type_datetime(j.page.get_by_label("Ends (local time)"), f"{day}T12:00")
    j.type_into(j.page.get_by_label("Time zone"), "Asia/Tokyo")
    j.multi("Our speakers", site.staff)
    j.pick(j.page.get_by_label("Add a person"), site.expert, "Journey Exp")
    j.step("engagement filled in")
    j.press(j.page.get_by_role("button", name="Save", exact=True))
    expect(h1(j)).to_contain_text(title)
    expect(j.page.locator("main")).to_contain_text("Tokyo")
    expect(j.page.locator("main")).to_contain_text(site.expert)
    j.step("engagement page")


def briefing(j, site, tag):
    j.open(f"/engagements/{site.engagement_id}")
    j.step("engagement page")
    j.press(j.page.get_by_role("button", name="Generate briefing pack"))
    expect(j.page.get_by_role("status").or_(j.page.locator(".alert-success"))).to_contain_text(
        "Briefing pack ready", timeout=90_000
    )
    j.step("pack ready")
    pdf = j.download(j.page.get_by_role("link", name="Download my pack (if up to date)"))
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    j.step("downloaded")


def feed(j, site, tag):
    j.open("/engagements/calendar")
    j.step("calendar")
    j.press(j.page.get_by_role("link", name="Subscribe in your calendar"))
    feed_url = j.page.get_by_label("Your feed address")
    expect(feed_url).to_be_visible()
    j.press(j.page.get_by_role("button", name="Copy"))
    expect(j.page.get_by_text("Copied.")).to_be_visible()
    assert j.page.evaluate("navigator.clipboard.readText()") == feed_url.input_value()
    j.step("feed address copied")


def helplines(j, site, tag):
    j.open("/helplines/crisis")
    j.step("crisis lookup")
    j.choose(j.page.get_by_label("Country", exact=True), site.country)
    j.press(j.page.get_by_role("button", name="Show", exact=True))
    expect(j.page.get_by_role("heading", name=f"Helplines in {site.country}")).to_be_visible()
    j.step("helplines for the country")


def evidence(j, site, tag, runs={}):  # noqa: B006 (a counter across the module's runs)
    # A period of its own for each run, so each asks for a new pack (made in the background).
    runs[tag] = len(runs) + 1
    start = (date.today() - timedelta(days=400 + runs[tag])).isoformat()
    j.open("/evidence")
    j.choose(j.page.get_by_label("Topic"), site.topic)
    j.type_date(j.page.get_by_label("From"), start)
    j.step("evidence form")
    j.press(j.page.get_by_role("button", name="Generate and freeze"))
    j.page.wait_for_url(re.compile(r"/evidence/jobs/\d+"))
    j.step("being made")
    expect(j.page.get_by_text("Ready: the PDF and the CSV are frozen")).to_be_visible(timeout=120_000)
    j.step("pack ready")
    pdf = j.download(j.page.get_by_role("link", name="Download the PDF"))
    assert pdf.startswith(b"%PDF-"), pdf[:20]


def import_people(j, site, tag):
    path = site.csv_folder / f"people-{tag}.csv"
    name = IMPORTED[tag]
    path.write_text(CSV.format(name=name, email=f"{name.split()[0].lower()}@{tag}.example"), encoding="utf-8")
    j.open("/import/people")
    j.step("import page")
    j.upload(j.page.get_by_label("File"), path)
    j.press(j.page.get_by_role("button", name="Check the file"))
    button = j.page.get_by_role("button", name=re.compile(r"^Import 1 row"))
    expect(button).to_be_visible()
    expect(j.page.locator("main")).to_contain_text(name)
    j.step("preview")
    j.press(button)
    expect(j.page.locator("main")).to_contain_text(f"Imported people-{tag}.csv: 1 created")
    j.step("imported")


JOURNEYS = {
    "sign-in": sign_in,
    "create-person": create_person,
    "consultation": consultation,
    "engagement": engagement,
    "briefing-pack": briefing,
    "feed-url": feed,
    "helplines": helplines,
    "evidence-pack": evidence,
    "import-people": import_people,
}


@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
@pytest.mark.parametrize("width", list(SIZES))
@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_journey(journey, width, mode, browser, site, signed_in):
    w, h = SIZES[width]
    context = browser.new_context(
        viewport={"width": w, "height": h},
        locale="en-GB",
        timezone_id="Europe/London",
        storage_state=None if journey == "sign-in" else signed_in,
        permissions=["clipboard-read", "clipboard-write"],
        accept_downloads=True,
        reduced_motion="reduce",  # no smooth scrolling to #anchors mid-screenshot (Bootstrap honours it)
    )
    context.set_default_timeout(20_000)
    context.add_init_script(WATCH_CSP)
    j = Driver(context.new_page(), site.base, journey, w, mode)
    try:
        JOURNEYS[journey](j, site, f"{width}{mode[0]}")
        j.check()
    except Exception:
        j.page.screenshot(path=str(j.folder / "99-failed.png"), full_page=True)
        raise
    finally:
        j.write_tabs()
        context.close()


def test_without_javascript_the_native_select_submits_the_same_values(browser, site, signed_in):
    """Progressive enhancement: with scripts off, the multi-value field is the plain <select multiple>."""
    context = browser.new_context(java_script_enabled=False, storage_state=signed_in)
    try:
        page = context.new_page()
        page.goto(f"{site.base}/people/new")
        # The field the widget enhances, left as it is: a native multiple select.
        assert page.locator("select#topics[multiple][data-multiselect]").count() == 1
        assert page.locator(".ts-wrapper").count() == 0
        page.get_by_label("Name", exact=True).fill("Journey Person without scripts")
        page.get_by_label("Expertise topics").select_option(label=[site.topic, site.topic2])
        page.get_by_role("button", name="Save", exact=True).click()
        expect(h1(page)).to_contain_text("Journey Person without scripts")
        for topic in (site.topic, site.topic2):
            expect(page.get_by_text(topic, exact=True).filter(visible=True)).to_have_count(1)
    finally:
        context.close()
