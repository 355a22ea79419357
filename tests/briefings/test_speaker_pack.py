"""A briefing a speaker reads in ten minutes (issue 17): page one, dossiers that earn their
space, text as people read it, and the phone page that shows the same pack as the PDF."""

import html
import re
from datetime import date

from sqlalchemy import select

from engage.auth.models import User
from engage.auth.permissions import may_name
from engage.briefings.dossiers import unnamed_label
from engage.consultations.models import Consultation, Input
from engage.demo.seed import seed
from engage.engagements.models import PARTICIPANT_ROLES, Engagement
from engage.extensions import db
from engage.people.models import Person
from tests.briefings import pdftools
from tests.conftest import PASSWORD, login
from tests.factories import (
    make_affiliation,
    make_consultation,
    make_engagement,
    make_helpline,
    make_input,
    make_organisation,
    make_person,
    topic_by_slug,
)

SHOWCASE = 1  # the demo's showcase engagement (engage/demo/engagements.py)


def _seeded(app) -> None:
    with app.app_context():
        seed(people=30, password=PASSWORD)
        db.session.commit()


def _set_zone(client, token: str, zone: str):
    return client.post("/account/zone", data={"csrf_token": token, "time_zone": zone})


def _pdf(client, token: str, engagement_id: int) -> bytes:
    """The reader's pack, asked for with no zone (so in their account's zone), then downloaded."""
    made = client.post(f"/engagements/{engagement_id}/briefing", data={"csrf_token": token, "tz": ""})
    assert made.status_code == 302, made.get_data(as_text=True)[:400]
    response = client.get(f"/engagements/{engagement_id}/briefing.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def _html_pack(client, engagement_id: int) -> str:
    """The phone page's pack (without the PDF panel below it), as text."""
    response = client.get(f"/engagements/{engagement_id}/briefing")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    body = page.split('<article class="briefing-page">', 1)[1].split('<div class="d-print-none mt-4">', 1)[0]
    return body


def _text(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def _label(person: Person) -> str:
    return person.name if may_name(person, "consent_internal") else unnamed_label(person)


def test_showcase_page_one_is_the_briefing_in_the_readers_zone(app, client):
    _seeded(app)
    token = login(client, "editor@example.org")
    assert _set_zone(client, token, "America/New_York").status_code == 302
    pdf = _pdf(client, token, SHOWCASE)
    one = pdftools.reading(pdf, 1)

    assert "(America/New_York)" in one and "(Europe/London)" in one
    with app.app_context():
        engagement = db.session.get(Engagement, SHOWCASE)
        accepted = [p for p in engagement.participants if p.rsvp == "accepted"]
        assert accepted
        for participant in accepted:
            assert _label(participant.person) in one, participant.person.name
            assert PARTICIPANT_ROLES[participant.role] in one
        first_messages = [line[2:] for line in engagement.key_messages.splitlines()[:3]]
    for message in first_messages:
        assert message in one, message
    assert "Likely questions" in one and "Our position:" in one  # at least one question, with our answer
    assert "Sensitivities" in one and "Safe messaging applies" in one


def test_showcase_is_at_most_ten_pages_and_declined_people_get_no_dossier(app, client):
    _seeded(app)
    token = login(client, "editor@example.org")
    pdf = _pdf(client, token, SHOWCASE)
    assert pdftools.pages(pdf) <= 10

    with app.app_context():
        engagement = db.session.get(Engagement, SHOWCASE)
        assert len(engagement.participants) == 10
        declined = [p.person for p in engagement.participants if p.rsvp == "declined"]
        on_stage = [p.person for p in engagement.participants if p.rsvp in ("accepted", "tentative")]
        on_stage = [p for p in on_stage if may_name(p, "consent_internal")]
        declined_named = [p.name for p in declined if may_name(p, "consent_internal")]
        assert len(declined) == 2
    dossier_titles = [title for _, title in pdftools.outline(pdf)]
    for name in declined_named:
        assert name not in dossier_titles  # no dossier (a dossier's name is a bookmark) …
        assert name in pdftools.reading(pdf, 1)  # … but one line on page one: not coming
    assert "Not coming (declined):" in pdftools.reading(pdf, 1)
    assert any(p.name in dossier_titles for p in on_stage)


def _dossier_world():
    topic = topic_by_slug("suicide-self-harm")
    other_topic = topic_by_slug("body-image")
    org = make_organisation("Toronto Youth Institute")
    speaker = make_person("Maeve Quinlan", title="Chief Executive")
    make_affiliation(speaker, org, role="Chief Executive")
    declined = make_person("Declan Absent", bio="DECLINEDBIO")
    watcher = make_person("Audrey Watcher", bio="AUDIENCEBIO")
    older = make_consultation("Older round", people=[speaker], held_on=date(2026, 1, 10))
    newer = make_consultation("Newer round", people=[speaker], held_on=date(2026, 9, 10))
    make_input(older, "ONTOPIC point about recovery stories.", person=speaker, topic_id=topic.id)
    make_input(newer, "OFFTOPIC point about body image ads.", person=speaker, topic_id=other_topic.id)
    for held in (date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)):
        round_ = make_consultation(f"Round {held:%b}", people=[speaker], held_on=held)
        make_input(round_, "Repeated point about appeals.", person=speaker, topic_id=topic.id)
    may = make_consultation("May round", people=[speaker], held_on=date(2026, 5, 1))
    make_input(may, "SECOND point on the topic.", person=speaker, topic_id=topic.id)
    june = make_consultation("June round", people=[speaker], held_on=date(2026, 6, 1))
    for n in range(2):
        make_input(june, f"Filler point {n} on another topic.", person=speaker, topic_id=other_topic.id)
    make_input(older, "DECLINEDPOINT", person=declined, decision={"outcome": "declined"})
    engagement = make_engagement(
        "Relevance panel",
        topics=[topic],
        participants=[
            (speaker, "co_panellist", "accepted"),
            (declined, "co_panellist", "declined"),
            (watcher, "audience", "accepted"),
        ],
    )
    return engagement.id


def test_dossiers_fold_repeats_print_the_title_once_and_rank_by_relevance(app, client, users):
    with app.app_context():
        engagement_id = _dossier_world()
        db.session.commit()
    token = login(client, users["editor"])
    text = pdftools.reading(_pdf(client, token, engagement_id))

    # The title once: the affiliation says "Chief Executive, Toronto Youth Institute" already.
    assert text.count("Chief Executive") == 2, text  # page one's who's who and the dossier
    assert "Chief Executive · Chief Executive" not in text
    # Repeats fold into one row that counts them.
    assert text.count("Repeated point about appeals.") == 1 and "(raised 3 times)" in text
    # On-topic points come before a newer point on another topic, and the cap says what is left.
    dossier = text.split("What they told us and what we did", 1)[1]
    shown = dossier.split("Open commitments", 1)[0]
    assert shown.index("SECOND") < shown.index("Repeated point") < shown.index("ONTOPIC")
    assert "OFFTOPIC" not in shown and "Filler" not in shown  # newer, but on another topic
    assert "And 3 more points on record" in shown  # 8 points: SECOND, the 3 repeats and ONTOPIC shown
    # Declined and audience participants: one line each, no dossier.
    assert "DECLINEDBIO" not in text and "AUDIENCEBIO" not in text and "DECLINEDPOINT" not in text
    assert "Declan Absent — Co-panellist · RSVP Declined" in text
    assert "Audrey Watcher — Audience · RSVP Accepted" in text


def test_phone_numbers_print_internationally_and_languages_by_name(app, client, users):
    with app.app_context():
        engagement_id = make_engagement("Helpline panel", topics=[topic_by_slug("suicide-self-harm")]).id
        make_helpline("GB", "Readable Line", contact="+447400123185", languages=["en", "cy"])
        make_helpline(None, "Escalating Service", escalation_name="Duty lead", escalation_contact="+442079460958")
        db.session.commit()
    token = login(client, users["viewer"])
    text = pdftools.reading(_pdf(client, token, engagement_id))
    assert "+44 7400 123185" in text and "+447400123185" not in text
    assert "English, Welsh" in text and "· en" not in text
    assert "Duty lead · +44 20 7946 0958" in text
    assert "Readable Line — phone +44 7400 123185" in pdftools.reading(_pdf(client, token, engagement_id), 1)


def _universe() -> set[str]:
    """Every name and point in the database: what either version of the pack could show."""
    names = set(db.session.execute(select(Person.name)).scalars())
    points = set(db.session.execute(select(Input.text)).scalars())
    titles = set(db.session.execute(select(Consultation.title)).scalars())
    return {s for s in names | points | titles if s}


def _shown(universe: set[str], text: str) -> set[str]:
    flat = re.sub(r"\s+", " ", text)
    return {s for s in universe if re.sub(r"\s+", " ", s) in flat}


def _headings(markup: str) -> list[str]:
    """The page's headings that are the PDF's h1 and h2: page one's h1 and h2, then in the chapters
    after it h2 and h3 (on the page, under its one h1, every chapter is a level down)."""
    one, rest = markup.split('<section class="pack-part">', 1)

    def found(part: str, levels: str) -> list[str]:
        return [_text(h).strip() for h in re.findall(rf"<h[{levels}][^>]*>(.*?)</h[{levels}]>", part, re.S)]

    return found(one, "12") + found(rest, "23")


def test_the_phone_page_shows_what_the_readers_pdf_shows_and_nothing_more(app, client):
    _seeded(app)
    with app.app_context():
        universe = _universe()
    for email in ("viewer@example.org", "admin@example.org"):
        reader = app.test_client()
        token = login(reader, email)
        pdf = _pdf(reader, token, SHOWCASE)
        markup = _html_pack(reader, SHOWCASE)
        in_pdf, in_html = _shown(universe, pdftools.reading(pdf)), _shown(universe, _text(markup))
        assert in_pdf, email
        assert in_html == in_pdf, (email, in_html ^ in_pdf)
        # The same sections, in the same order: the PDF's bookmarks are its h1 and h2 headings.
        assert _headings(markup) == [title for _, title in pdftools.outline(pdf)], email


def test_account_time_zone_is_saved_refused_when_unknown_and_used_everywhere(app, client, users):
    with app.app_context():
        engagement_id = make_engagement("Zone panel", timezone="Europe/London").id
        db.session.commit()
    token = login(client, users["viewer"])
    account = client.get("/account").get_data(as_text=True)
    assert 'name="time_zone"' in account and '<option selected value="Europe/London">' in account

    refused = _set_zone(client, token, "Mars/Olympus")
    assert refused.status_code == 400
    assert "is not an IANA time zone" in refused.get_data(as_text=True)
    assert _set_zone(client, token, "").status_code == 400
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == users["viewer"])).scalar_one()
        assert user.time_zone == "Europe/London"

    assert _set_zone(client, token, "Asia/Tokyo").status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == users["viewer"])).scalar_one()
        assert user.time_zone == "Asia/Tokyo"
    assert "Your time (Asia/Tokyo)" in client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    page = _text(_html_pack(client, engagement_id))
    assert "18:00–20:00 JST (Asia/Tokyo)" in page
    assert "18:00–20:00 JST (Asia/Tokyo)" in pdftools.reading(_pdf(client, token, engagement_id), 1)
