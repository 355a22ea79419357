"""One current version everywhere: the latest version effective on or before today and not under
embargo. A policy with a past, a current, an embargoed and a future version; the policy page, the
clause page, the briefing pack, the letter and the evidence pack must all name the same one."""

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from engage.audit.services import Actor
from engage.auth.models import User
from engage.briefings import services as briefing_services
from engage.briefings.data import gather_briefing
from engage.briefings.evidence import gather_evidence
from engage.briefings.letters import gather_letter
from engage.briefings.models import Document
from engage.extensions import db
from engage.policies.models import current_version
from tests.briefings import pdftools
from tests.briefings.helpers import ask_evidence, make_pack
from tests.conftest import login
from tests.factories import (
    make_consultation,
    make_engagement,
    make_input,
    make_person,
    make_policy,
    make_user,
    make_version,
    topic_by_slug,
)

TODAY = date.today()  # the pages judge "current" against the real day, so the data is dated from it
PAST, CURRENT = TODAY - timedelta(days=400), TODAY - timedelta(days=100)
EMBARGOED, RELEASE, FUTURE = TODAY - timedelta(days=30), TODAY + timedelta(days=30), TODAY + timedelta(days=60)


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _world(app) -> dict:
    """Versions added oldest first, so the latest by date (the future one) is also the last added."""
    with app.app_context():
        topic = topic_by_slug("suicide-self-harm")
        staff = make_user("editor", name="Current Staff")
        expert = make_person("Curra Expert", consent_regulator=True)
        policy = make_policy(code="MH-CUR", title="Current version policy", topic_id=topic.id)
        versions = {
            "v1": make_version(policy, "v1", {"MH-CUR 1": "PASTTEXT"}, effective_on=PAST),
            "v2": make_version(policy, "v2", {"MH-CUR 1": "CURRENTTEXT"}, effective_on=CURRENT),
            "v3": make_version(
                policy, "v3", {"MH-CUR 1": "EMBARGOEDTEXT"}, effective_on=EMBARGOED, public_release_on=RELEASE
            ),
            "v4": make_version(policy, "v4", {"MH-CUR 1": "FUTURETEXT"}, effective_on=FUTURE),
        }
        early = make_consultation(
            "Early roundtable", people=[expert], staff=[staff], topics=[topic], held_on=PAST - timedelta(days=30)
        )
        later = make_consultation(
            "Later roundtable", people=[expert], staff=[staff], topics=[topic], held_on=CURRENT - timedelta(days=30)
        )
        points = (  # (consultation, text, version the decision put it into)
            (early, "POINTINTOV1", "v1"),
            (later, "POINTINTOV2", "v2"),
            (later, "POINTINTOV4", "v4"),
        )
        for consultation, text, label in points:
            version = versions[label]
            decision = {
                "outcome": "adopted",
                "rationale": f"Went into {label}.",
                "decided_on": consultation.held_on + timedelta(days=7),
                "decided_by_id": staff.id,
                "policy_version_id": version.id,
                "clause_id": version.clauses[0].id,
            }
            make_input(consultation, text, person=expert, topic_id=topic.id, decision=decision)
        engagement = make_engagement("Current version panel", participants=[expert], topics=[topic])
        db.session.commit()
        return {
            "policy": policy.id,
            "topic": topic.id,
            "staff": staff.id,
            "expert": expert.id,
            "engagement": engagement.id,
            "clauses": {label: v.clauses[0].id for label, v in versions.items()},
        }


def _rows(html: str, table_marker: str) -> list[str]:
    """The body rows of the table that follows `table_marker` on the page."""
    table = html.split(table_marker, 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", table.split("<tbody>", 1)[1], re.S)


def _badged_current(rows: list[str]) -> list[str]:
    return [re.search(r">(v\d)</a>", row).group(1) for row in rows if re.search(r">\s*current\s*</span>", row)]


def test_the_one_definition(app):
    world = _world(app)
    with app.app_context():
        from engage.policies.models import Policy

        policy = db.session.get(Policy, world["policy"])
        assert current_version(policy.versions, TODAY).label == "v2"
        # The embargoed version becomes current on its release day; the future one on its effective day.
        assert current_version(policy.versions, RELEASE).label == "v3"
        assert current_version(policy.versions, FUTURE).label == "v4"
        assert current_version(policy.versions, PAST - timedelta(days=1)) is None


def test_policy_and_clause_pages_badge_the_current_version(app, client, users):
    world = _world(app)
    login(client, users["viewer"])

    html = client.get(f"/policies/{world['policy']}").get_data(as_text=True)
    assert _badged_current(_rows(html, '<h2 class="h5">Versions</h2>')) == ["v2"]
    assert "Clauses in v2 (current)" in html
    assert "CURRENTTEXT" in html and "FUTURETEXT" not in html and "EMBARGOEDTEXT" not in html

    # The future version's clause says it is not in effect and which version is.
    html = client.get(f"/clauses/{world['clauses']['v4']}").get_data(as_text=True)
    assert "not yet in effect" in html
    assert re.search(r"current version <a [^>]*>v2</a>", html)
    assert _badged_current(_rows(html, "Across versions")) == ["v2"]

    html = client.get(f"/clauses/{world['clauses']['v2']}").get_data(as_text=True)
    assert _badged_current(_rows(html, "Across versions")) == ["v2"]
    assert "not yet in effect" in html  # the v4 row of the history


def test_briefing_letter_and_evidence_name_the_same_current_version(app, client, users):
    world = _world(app)
    current = f"v2 (effective {_day(CURRENT)})"
    now = datetime.now(UTC)
    with app.app_context():
        staff = db.session.get(User, world["staff"])
        from engage.people.models import Person
        from engage.topics.models import Topic

        briefing = gather_briefing(world["engagement"], staff, "UTC", now)
        assert [(p.code, p.current) for p in briefing.policies] == [("MH-CUR", current)]

        evidence = gather_evidence(db.session.get(Topic, world["topic"]), PAST - timedelta(days=60), TODAY, staff, now)
        assert evidence.policies == [("MH-CUR", "Current version policy", current)]
        standing = {i.text: (i.version, i.standing) for c in evidence.consultations for i in c.inputs}
        assert standing == {
            "POINTINTOV1": ("MH-CUR v1", "superseded"),
            "POINTINTOV2": ("MH-CUR v2", "current"),
            "POINTINTOV4": ("MH-CUR v4", "not yet in effect"),
        }

        person = db.session.get(Person, world["expert"])
        letter = gather_letter(person, PAST - timedelta(days=60), TODAY, TODAY, staff.name, now)
        said = {p.text: p.standing for m in letter.meetings for p in m.points}
        assert said == {
            "POINTINTOV1": f"In effect from {_day(PAST)}, since replaced by v2.",
            "POINTINTOV2": f"The current version, in effect since {_day(CURRENT)}.",
            "POINTINTOV4": f"Takes effect on {_day(FUTURE)}.",
        }
        letter_pdf = pdftools.flat(
            briefing_services.generate_letter(Actor(staff), person.id, PAST - timedelta(days=60), TODAY).content
        )
        db.session.rollback()
    assert f"MH-CUR v2, clause MH-CUR 1 The current version, in effect since {_day(CURRENT)}." in letter_pdf

    # The documents as printed, through the HTTP interface.
    token = login(client, users["editor"])
    response = make_pack(client, world["engagement"])
    assert response.status_code == 200
    assert f"current version: {current}" in pdftools.flat(response.data)

    period = {"date_from": (PAST - timedelta(days=60)).isoformat(), "date_to": TODAY.isoformat()}
    response = ask_evidence(client, {"csrf_token": token, "topic": str(world["topic"]), **period})
    assert response.status_code == 303
    with app.app_context():
        pdf = db.session.execute(select(Document).where(Document.kind == "evidence_pdf")).scalar_one().content
    text = pdftools.flat(pdf)
    assert f"MH-CUR Current version policy {current}" in text
    assert "MH-CUR v2 · MH-CUR 1 (current)" in text
    assert "MH-CUR v4 · MH-CUR 1 (not yet in effect)" in text
