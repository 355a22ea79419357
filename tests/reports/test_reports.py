"""The reports (issue 14): each table's numbers equal counts made here, independently, from the rows
of the tables for that reader; restricted and confidential consultations count only for whoever may
see them; the CSV holds the table's rows, neutralised; a fixed number of statements per report."""

import csv
import html
import io
import json
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from engage import choices, regions
from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.consultations.models import Consultation, Input
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.organizations.models import Affiliation
from engage.people.models import Person
from engage.reports import queries
from tests.conftest import login
from tests.factories import (
    make_affiliation,
    make_consultation,
    make_engagement,
    make_input,
    make_organisation,
    make_person,
    make_policy,
    make_topic,
    make_user,
    make_version,
)
from tests.sqlcount import statements_for

PAGES = ("consultations-by-topic", "decision-outcomes", "coverage", "cooling")
ROLES = ("viewer", "editor", "staffer", "admin")
FORMULA_TOPIC = '=HYPERLINK("http://x.example")'


# --- reading the page ----------------------------------------------------------------------------


def _text(cell: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def table(page: str) -> tuple[list[str], list[list[str]]]:
    """(column headings, rows of cell texts) of the report's table; in a grouped table, each row
    starts with its group's name (the heading of its tbody), as the CSV has it."""
    body = page.split('class="table table-sm table-striped align-middle report-table"', 1)[1].split("</table>", 1)[0]
    opening, body = body.split(">", 1)
    grouped = re.search(r'data-group="([^"]+)"', opening)
    head = [_text(c) for c in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", body, re.S)]
    if grouped:
        head = [html.unescape(grouped.group(1)), *head]
    rows, group = [], None
    for attrs, tr in re.findall(r"<tr([^>]*)>(.*?)</tr>", body.split("</thead>", 1)[1], re.S):
        cells = [_text(c) for c in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", tr, re.S)]
        if "report-group" in attrs:
            group = cells[0].split(": ", 1)[1]
        else:
            rows.append([group, *cells] if grouped else cells)
    return head, rows


def numbers(rows, headers: int) -> dict[tuple, list[int]]:
    """{row headers: numbers} of a table's rows."""
    return {tuple(r[:headers]): [int(v.replace(",", "")) for v in r[headers:]] for r in rows}


def make_clause_world(code: str) -> dict:
    policy = make_policy(code=code)
    return {"policy": policy, "clause": make_version(policy).clauses[0]}


# --- the world -------------------------------------------------------------------------------------


def _world(app) -> dict:
    """Consultations of every confidentiality in this quarter and the last, on two topics, with
    participants from several regions and kinds, points on a policy with decisions, and owners'
    people contacted at different times."""
    today = date.today()
    spans = queries.quarters(today)
    with app.app_context():
        users = {role: make_user(role=role if role != "staffer" else "viewer") for role in ROLES}
        alpha, beta = make_topic(name="Alpha topic"), make_topic(name=FORMULA_TOPIC)
        world = make_clause_world("MH-RPT")
        clause = world["clause"]
        ngo_gb = make_organisation(kind="ngo", country="GB")
        academic_br = make_organisation(kind="academic", country="BR")
        government_us = make_organisation(kind="government", country="US")
        in_gb = make_person(country="GB")
        make_affiliation(in_gb, ngo_gb)
        in_br = make_person(country="BR")
        make_affiliation(in_br, academic_br)
        in_ke = make_person(country="KE")  # no affiliation: an independent expert
        no_country = make_person(country=None)
        now, last = spans[-1].start, spans[-2].start
        consultations = [
            make_consultation(held_on=now, topics=[alpha], people=[in_gb], organisations=[ngo_gb]),
            make_consultation(held_on=now, confidentiality="confidential", topics=[alpha], people=[in_br]),
            make_consultation(
                held_on=now,
                confidentiality="restricted",
                staff=[users["staffer"]],
                topics=[alpha, beta],
                people=[in_ke],
                organisations=[government_us],
            ),
            make_consultation(held_on=last, topics=[alpha, beta], people=[in_gb, no_country]),
            make_consultation(held_on=now, topics=[]),  # no topic
            make_consultation(held_on=spans[0].start - timedelta(days=1), topics=[alpha], people=[in_br]),  # before
        ]
        outcomes = ["adopted", "declined", "parked", None, "adapted", "adopted"]
        for consultation, outcome in zip(consultations, outcomes, strict=True):
            decision = {"outcome": outcome, "decided_on": now} if outcome else None
            make_input(consultation, person=in_gb, clause=clause, decision=decision)
        # An engagement on beta with a Kenyan participant (engagements are open to every reader).
        starts = datetime.combine(today, time(9), UTC) - timedelta(days=3)
        make_engagement(topics=[beta], participants=[in_ke], starts_at=starts, ends_at=starts + timedelta(hours=1))
        # Owners: one with people contacted lately, 7 months ago and never; one with only an archived person.
        owner, idle = make_user(role="editor", name="Owen Owner"), make_user(role="editor", name="Ida Idle")
        for last_on in (today, choices.months_before(today, 7), None):
            make_person(owner_id=owner.id, last_interaction_on=last_on)
        make_person(owner_id=idle.id, archived=True)
        db.session.commit()
        return {"emails": {role: u.email for role, u in users.items()}, "today": today}


def _sees(user: User, consultation: Consultation) -> bool:
    """The visibility rule, written out again for the test: admins everything; staff their own;
    editors all but restricted; viewers normal only."""
    if user.role == "admin" or user in consultation.staff:
        return True
    if user.role == "editor":
        return consultation.confidentiality != "restricted"
    return consultation.confidentiality == "normal"


def _expected(app, email: str, today: date) -> dict:
    """Every report's numbers for the reader `email`, counted in Python from the rows."""
    spans = queries.quarters(today)
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        seen = [c for c in db.session.execute(select(Consultation)).scalars() if _sees(user, c)]

        def quarter(day):
            return next((i for i, q in enumerate(spans) if q.start <= day < q.end), None)

        # 1. consultations per topic per quarter
        by_topic: dict[str, list[int]] = {}
        totals = [0] * len(spans)
        for c in seen:
            if (q := quarter(c.held_on)) is None:
                continue
            totals[q] += 1
            for name in [t.name for t in c.topics] or [queries.NO_TOPIC]:
                by_topic.setdefault(name, [0] * len(spans))[q] += 1
        by_topic["All consultations"] = totals
        # 2. decision outcomes per policy and quarter
        keys = list(queries.OUTCOME_LABELS)
        outcomes: dict[tuple[str, str], list[int]] = {}
        for point in db.session.execute(select(Input)).scalars():
            if point.consultation not in seen or (q := quarter(point.consultation.held_on)) is None:
                continue
            decision = point.decision
            policies = {point.clause.version.policy.code} if point.clause else set()
            if decision and decision.policy_version:
                policies.add(decision.policy_version.policy.code)
            key = decision.outcome if decision else queries.UNDECIDED
            for code in policies:
                for span in spans:
                    outcomes.setdefault((code, span.label), [0] * (len(keys) + 1))
                row = outcomes[(code, spans[q].label)]
                row[keys.index(key)] += 1
                row[-1] += 1
        # 3. coverage: each expert once per (topic, region), by their organisation's kind
        since = today - timedelta(days=queries.COVERAGE_DAYS)
        types = list(queries.STAKEHOLDER_TYPES)
        met: set[tuple] = set()

        def person_type(person: Person) -> str:
            current = [
                a for a in db.session.execute(select(Affiliation).where(Affiliation.person_id == person.id)).scalars()
            ]
            current = [a for a in current if a.is_current(today)]
            return current[-1].organisation.kind if current else queries.INDIVIDUAL

        for c in seen:
            if since <= c.held_on <= today:
                for t in c.topics:
                    met |= {(t.name, p.id, p.country, person_type(p)) for p in c.people}
        for e in db.session.execute(select(Engagement)).scalars():
            if e.status != "cancelled" and since <= e.starts_at.date() <= today:
                for t in e.topics:
                    met |= {
                        (t.name, x.person.id, x.person.country, person_type(x.person))
                        for x in e.participants
                        if x.rsvp != "declined"
                    }
        coverage: dict[tuple[str, str], list[int]] = {}
        for topic, _, country, kind in met:
            row = coverage.setdefault((topic, regions.region_of(country) or queries.NO_REGION), [0] * (len(types) + 1))
            row[types.index(kind)] += 1
            row[-1] += 1
        # 4. cooling relationships by owner (six months)
        cut = choices.months_before(today, 6)
        cooling: dict[tuple[str], list[int]] = {}
        for person in db.session.execute(select(Person).where(Person.owner_id.is_not(None))).scalars():
            if person.archived:
                continue
            row = cooling.setdefault((person.owner.name,), [0, 0, 0, 0])
            last = person.last_interaction_on
            row[0] += 1
            row[1] += last is None or last < cut
            row[2] += last is None
            row[3] += not (last is None or last < cut)
        return {
            "consultations-by-topic": {(k,): v for k, v in by_topic.items()},
            "decision-outcomes": outcomes,
            "coverage": coverage,
            "cooling": cooling,
        }


HEADERS = {"consultations-by-topic": 1, "decision-outcomes": 2, "coverage": 2, "cooling": 1}


@pytest.mark.parametrize("role", ROLES)
def test_each_table_equals_the_counts_over_what_the_reader_may_see(app, client, role):
    world = _world(app)
    login(client, world["emails"][role])
    expected = _expected(app, world["emails"][role], world["today"])
    for name in PAGES:
        page = client.get(f"/reports/{name}")
        assert page.status_code == 200, name
        _, rows = table(page.get_data(as_text=True))
        shown = numbers(rows, HEADERS[name])
        want = expected[name]
        if name == "coverage":  # every topic × region is a row; those with nobody are 0
            shown = {k: v for k, v in shown.items() if v[-1]}
        if name == "consultations-by-topic":
            want = {k: v for k, v in want.items()} | {k: v for k, v in shown.items() if k not in want and not any(v)}
        assert shown == want, (role, name)


def test_a_restricted_consultation_counts_only_for_its_staff_and_admins(app):
    world = _world(app)
    column = -1  # this quarter
    seen = {}
    for role in ROLES:
        reader = app.test_client()
        login(reader, world["emails"][role])
        _, rows = table(reader.get("/reports/consultations-by-topic").get_data(as_text=True))
        seen[role] = numbers(rows, 1)
    beta = (FORMULA_TOPIC,)
    # Beta this quarter: only the restricted consultation.
    assert [seen[r][beta][column] for r in ROLES] == [0, 0, 1, 1]
    # Alpha this quarter: normal (everyone), confidential (editors, admins), restricted (staff, admins).
    assert [seen[r][("Alpha topic",)][column] for r in ROLES] == [1, 2, 2, 3]


def test_the_csv_has_the_table_rows_neutralised_and_is_audited(app, client):
    world = _world(app)
    login(client, world["emails"]["admin"])
    for name in PAGES:
        head, rows = table(client.get(f"/reports/{name}").get_data(as_text=True))
        response = client.get(f"/reports/{name}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        lines = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
        neutral = [[("'" + c if c.startswith(("=", "+", "-", "@")) else c) for c in r] for r in rows]
        assert lines == [head, *[[c.replace(",", "") for c in r] for r in neutral]], name
    text = client.get("/reports/consultations-by-topic.csv").get_data().decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text))]
    assert "'" + FORMULA_TOPIC in cells and FORMULA_TOPIC not in cells
    with app.app_context():
        events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalars().all()
        assert len(events) == len(PAGES) + 1 and all("report" in e.summary for e in events)


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_readers_get_neither_page_nor_csv(client, name):
    for path in (f"/reports/{name}", f"/reports/{name}.csv", "/reports"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_cooling_months_come_from_the_query_and_a_bad_value_is_ignored_and_said(app, client):
    world = _world(app)
    login(client, world["emails"]["admin"])
    head, rows = table(client.get("/reports/cooling?months=3").get_data(as_text=True))
    assert "Not contacted for 3 months" in head
    assert numbers(rows, 1)[("Owen Owner",)] == [3, 2, 1, 1]
    page = client.get("/reports/cooling?months=1000").get_data(as_text=True)
    assert "was ignored" in page and "Not contacted for 6 months" in table(page)[0]
    assert ("Ida Idle",) not in numbers(table(page)[1], 1)  # only an archived person
    # Each number links to the people list showing exactly those people.
    assert re.search(r'href="/people\?[^"]*cooling=6[^"]*">2</a>', page)


def test_the_decision_report_filters_by_policy(app, client):
    world = _world(app)
    login(client, world["emails"]["admin"])
    with app.app_context():
        from engage.policies.models import Policy

        policy_id = db.session.execute(select(Policy.id).where(Policy.code == "MH-RPT")).scalar_one()
    _, rows = table(client.get(f"/reports/decision-outcomes?policy={policy_id}").get_data(as_text=True))
    assert {r[0] for r in rows} == {"MH-RPT"} and len(rows) == queries.QUARTERS
    assert client.get("/reports/decision-outcomes?policy=99999").status_code == 200


def test_the_page_carries_the_chart_data_for_its_script_and_no_inline_script(app, client):
    world = _world(app)
    login(client, world["emails"]["editor"])
    page = client.get("/reports/decision-outcomes").get_data(as_text=True)
    attribute = re.search(r"<canvas id=\"report-chart\" data-chart='([^']*)'>", page)
    assert attribute and json.loads(html.unescape(attribute.group(1)))  # the figures, for reports.js
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in page and 'src="/static/js/reports.js"' in page
    assert not [s for s in re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S) if s[1].strip()]
    assert re.search(r'<figure class="report-chart[^"]*" aria-hidden="true">', page)
    assert "<caption" in page and 'scope="row"' in page and 'scope="col"' in page


# --- statements ------------------------------------------------------------------------------------


def _grow(app, n: int, tag: str) -> None:
    """n more consultations (with people, organisations, points and decisions) and owned people."""
    today = date.today()
    with app.app_context():
        world = make_clause_world(f"MH-G{tag}")
        topic = make_topic(name=f"Grown {tag}")
        owner = make_user(role="editor")
        for i in range(n):
            org = make_organisation(kind="academic", country="FR")
            person = make_person(country="JP", owner_id=owner.id, last_interaction_on=today - timedelta(days=i * 30))
            make_affiliation(person, org)
            consultation = make_consultation(
                held_on=today - timedelta(days=i * 20), topics=[topic], people=[person], organisations=[org]
            )
            make_input(consultation, person=person, clause=world["clause"], decision={"outcome": "adopted"})
        db.session.commit()


def test_statement_count_is_constant_whatever_the_data_size(app, client):
    world = _world(app)
    login(client, world["emails"]["editor"])
    _grow(app, 2, "a")
    paths = [f"/reports/{name}" for name in PAGES] + [f"/reports/{name}.csv" for name in PAGES]
    small = {p: statements_for(app, client, p) for p in paths}
    _grow(app, 25, "b")
    assert {p: statements_for(app, client, p) for p in paths} == small


def test_the_demo_data_fills_every_report(app, client):
    from engage.demo.seed import seed
    from tests.conftest import PASSWORD

    with app.app_context():
        seed(people=60, password=PASSWORD)
        db.session.commit()
    login(client, "editor@example.org")
    for name in PAGES:
        _, rows = table(client.get(f"/reports/{name}").get_data(as_text=True))
        assert rows and sum(sum(v) for v in numbers(rows, HEADERS[name]).values()) > 0, name
