"""A reader's date format (on /account, beside their time zone) is how every page, the phone
briefing and their briefing PDF write dates; an unknown format is refused at the field."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from engage.auth.models import User
from engage.extensions import db
from tests.briefings import pdftools
from tests.briefings.test_speaker_pack import _html_pack, _pdf, _text
from tests.conftest import login
from tests.factories import make_consultation, make_engagement


def _set(client, token: str, date_format: str):
    return client.post(
        "/account/zone", data={"csrf_token": token, "time_zone": "Europe/London", "date_format": date_format}
    )


def test_dates_follow_the_readers_format_on_pages_and_in_their_briefing(app, client, users):
    with app.app_context():
        consultation_id = make_consultation(title="Dated roundtable", held_on=date(2026, 2, 3)).id
        starts = datetime(2027, 3, 4, 10, 0, tzinfo=UTC)
        ends = datetime(2027, 3, 4, 11, 30, tzinfo=UTC)
        engagement_id = make_engagement("Dated panel", timezone="Europe/London", starts_at=starts, ends_at=ends).id
        db.session.commit()
    token = login(client, users["editor"])
    account = client.get("/account").get_data(as_text=True)
    assert 'name="date_format"' in account and '<option selected value="day-month">' in account
    assert "3 Feb 2026" in client.get(f"/consultations/{consultation_id}").get_data(as_text=True)

    refused = _set(client, token, "yyyy")
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == users["editor"])).scalar_one()
        assert user.date_format == "day-month"

    assert _set(client, token, "iso").status_code == 302
    page = client.get(f"/consultations/{consultation_id}").get_data(as_text=True)
    assert "2026-02-03" in page and "3 Feb 2026" not in page
    assert "Thursday 2027-03-04, 10:00" in _text(_html_pack(client, engagement_id))
    assert "Thursday 2027-03-04, 10:00" in pdftools.reading(_pdf(client, token, engagement_id), 1)

    assert _set(client, token, "mdy").status_code == 302
    assert "02/03/2026" in client.get(f"/consultations/{consultation_id}").get_data(as_text=True)
    # a new format is a new pack, not the stored one in the old format
    assert "Thursday 03/04/2027, 10:00" in pdftools.reading(_pdf(client, token, engagement_id), 1)
