"""The reader's time zone, set on /account, is the zone of their times on the engagement page, on
its briefing form and in the PDF alike (issue 15, acceptance 3), even after they picked another
zone on a page before (`?tz=`, remembered in a cookie)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from engage.briefings.models import Document
from engage.extensions import db
from tests.briefings import pdftools
from tests.conftest import csrf_from, login
from tests.factories import make_engagement
from tests.forms import fill, forms_on

# 09:00–11:00 UTC on 3 March 2027: 04:00 in New York (the engagement's zone), 18:00 in Tokyo.
STARTS = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)
ENDS = datetime(2027, 3, 3, 11, 0, tzinfo=UTC)


def _briefing_form(html: str, engagement_id: int):
    return next(f for f in forms_on(html) if f.action == f"/engagements/{engagement_id}/briefing")


def test_the_account_zone_sets_the_engagement_page_the_briefing_form_and_the_pdf(app, client, users):
    with app.app_context():
        engagement_id = make_engagement(
            "Zone everywhere", timezone="America/New_York", starts_at=STARTS, ends_at=ENDS
        ).id
        db.session.commit()
    token = login(client, users["editor"])
    client.get(f"/engagements/{engagement_id}?tz=America/Chicago")  # a zone picked on a page, remembered
    saved = client.post("/account/zone", data={"csrf_token": token, "time_zone": "Asia/Tokyo", "date_format": "dmy"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:300]

    page = client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    assert "Your time (Asia/Tokyo)" in page and "18:00 JST" in page
    assert "America/Chicago" not in page

    # The briefing form offers the reader's zone, and makes the pack in it as offered.
    form = _briefing_form(page, engagement_id)
    assert fill(form)["tz"] == "Asia/Tokyo"
    made = client.post(form.action, data={**fill(form), "csrf_token": csrf_from(page)})
    assert made.status_code == 302, made.get_data(as_text=True)[:300]
    pdf = client.get(f"/engagements/{engagement_id}/briefing.pdf")
    assert pdf.status_code == 200
    text = pdftools.reading(pdf.data)
    assert "18:00–20:00 JST (Asia/Tokyo)" in text
    assert " UTC" not in text.replace("UTC+", "").replace("UTC-", "")  # not even when the data was as of

    # The packs listed under the form are dated in the reader's zone too, not in UTC.
    with app.app_context():
        made_at = db.session.query(Document).filter_by(engagement_id=engagement_id).one().created_at
    local = made_at.replace(tzinfo=made_at.tzinfo or UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    listed = client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    assert f"{local:%H:%M} JST" in listed
