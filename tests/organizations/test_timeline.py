"""The organisation page's timeline: its consultations and its people's (while affiliated), its
people's engagements, its documents and notes, newest first, with the consultations' visibility."""

from datetime import UTC, date, datetime

from engage.documents.models import Note
from engage.extensions import db
from tests.conftest import login
from tests.factories import (
    make_affiliation,
    make_consultation,
    make_engagement,
    make_organisation,
    make_person,
    make_user,
)


def _world(app):
    with app.app_context():
        staff = make_user(role="editor", email="staff@test.example")
        org = make_organisation(name="Safer Web")
        amara = make_person(name="Amara Okafor")
        make_affiliation(amara, org, start_on=date(2025, 1, 1))
        make_consultation(title="Own roundtable", held_on=date(2026, 3, 1), organisations=[org])
        make_consultation(title="Amara call", held_on=date(2026, 5, 1), people=[amara])
        make_consultation(title="Before she joined", held_on=date(2024, 6, 1), people=[amara])
        hushed = {"confidentiality": "restricted", "staff": [staff]}
        make_consultation(title="Hushed session", held_on=date(2026, 6, 1), people=[amara], **hushed)
        starts = datetime(2026, 7, 1, 9, tzinfo=UTC)
        make_engagement(title="Summer summit", participants=[amara], starts_at=starts, ends_at=starts)
        db.session.flush()
        db.session.add(Note(organisation_id=org.id, body="Board changed"))
        db.session.commit()
        return org.id


def test_the_timeline_holds_its_and_its_peoples_work_newest_first(app, client, users):
    org_id = _world(app)
    login(client, users["editor"])
    page = client.get(f"/organizations/{org_id}").get_data(as_text=True)
    section = page[page.index('id="timeline-h"') : page.index("</section>", page.index('id="timeline-h"'))]
    order = [section.index(t) for t in ("Board changed", "Summer summit", "Amara call", "Own roundtable")]
    assert order == sorted(order)
    assert "Amara Okafor" in section  # whose place the engagement was
    assert "Before she joined" not in section  # not yet affiliated then
    # A restricted consultation the reader may not see never shows, not even as a count.
    assert "Hushed session" not in page


def test_the_consultations_own_staff_see_the_restricted_one(app, client, users):
    org_id = _world(app)
    login(client, "staff@test.example")
    assert "Hushed session" in client.get(f"/organizations/{org_id}").get_data(as_text=True)
