"""The helpline directory through HTTP: list, detail, forms, verification and the crisis lookup."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.helplines.models import Helpline
from tests.factories import make_helpline, make_organisation, make_user, saved, topic_by_slug
from tests.helplines.helpers import archive, audit_count, count, field_error, statement_counts

TODAY = date.today()


def _form(**overrides):
    data = {
        "name": "Samaritans",
        "country": "GB",
        "channel": "phone",
        "contact": "116 123",
        "hours": "24/7",
        "languages": "English, cy",
        "ages": "All ages",
        "escalation_name": "Duty manager",
        "escalation_contact": "+44 20 7946 0958",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_create_a_helpline_with_a_short_code_and_a_national_number(app, client, as_role):
    token = as_role("editor")
    r = client.post("/helplines/new", data=_form(csrf_token=token))
    assert r.status_code == 302, r.get_data(as_text=True)
    r = client.post("/helplines/new", data=_form(csrf_token=token, name="Mind infoline", contact="0300 123 3393"))
    assert r.status_code == 302
    with app.app_context():
        rows = {h.name: h for h in db.session.execute(select(Helpline)).scalars()}
        assert rows["Samaritans"].contact == "116123"
        assert rows["Samaritans"].languages == ["en", "cy"]
        assert rows["Mind infoline"].contact == "+443001233393"
        # New entries start unverified, so stale until someone checks them.
        assert rows["Samaritans"].last_verified_on is None
    assert audit_count(app, "helplines") == 2
    body = client.get("/helplines").get_data(as_text=True)
    assert 'href="tel:+443001233393"' in body and "+44 300 123 3393" in body
    assert 'href="tel:116123"' in body


def test_international_helpline_with_web_address(app, client, as_role):
    token = as_role("editor")
    r = client.post(
        "/helplines/new",
        data=_form(csrf_token=token, name="Find A Helpline", country="", channel="web", contact="findahelpline.com"),
    )
    assert r.status_code == 302
    with app.app_context():
        h = db.session.execute(select(Helpline)).scalar_one()
        assert h.country is None and h.contact == "https://findahelpline.com"
    body = client.get("/helplines?country=INT").get_data(as_text=True)
    assert 'href="https://findahelpline.com"' in body and "International" in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contact": "12345678901234"}, "contact", "not a valid phone number"),
        ({"contact": "call us"}, "contact", "is not a phone number"),
        ({"channel": "web", "contact": "javascript:alert(1)"}, "contact", "not a web address"),
        ({"channel": "chat", "contact": "not a url"}, "contact", "not a web address"),
        ({"country": "XX"}, "country", "not an ISO 3166 country code"),
        ({"name": ""}, "name", "Enter the helpline"),
        ({"languages": "Klingonese"}, "languages", "not a language we know"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_writes_nothing(app, client, as_role, overrides, field, message):
    token = as_role("editor")
    r = client.post("/helplines/new", data=_form(csrf_token=token, **overrides))
    assert r.status_code == 400
    assert message in (field_error(r, field) or ""), r.get_data(as_text=True)[:200]
    assert count(app, Helpline) == 0
    assert audit_count(app, "helplines") == 0


def test_a_bad_phone_for_the_country_is_refused(app, client, as_role):
    token = as_role("editor")
    # A German-format national number is not a valid British one.
    r = client.post("/helplines/new", data=_form(csrf_token=token, contact="030 1234"))
    assert r.status_code == 400
    assert "not a valid phone number" in r.get_data(as_text=True)
    assert count(app, Helpline) == 0


def test_stale_edit_gets_409_and_the_first_save_stands(app, client, as_role):
    with app.app_context():
        h = make_helpline(name="Original", contact="+443003003030")
        db.session.commit()
        hid, version = h.id, h.version
    token = as_role("editor")
    first = client.post(f"/helplines/{hid}/edit", data=_form(csrf_token=token, version=version, name="First"))
    assert first.status_code == 302
    second = client.post(f"/helplines/{hid}/edit", data=_form(csrf_token=token, version=version, name="Second"))
    assert second.status_code == 409
    assert "Someone else changed this helpline" in second.get_data(as_text=True)
    assert 'value="Second"' in second.get_data(as_text=True)  # what they typed is still there to copy
    with app.app_context():
        assert db.session.get(Helpline, hid).name == "First"
    assert audit_count(app, "helplines") == 1  # the first save's; the refused one wrote nothing


def test_helpline_181_days_old_is_stale_in_list_and_crisis_until_verified(app, client, users, as_role):
    with app.app_context():
        h = make_helpline(name="Old Line", country="GB", last_verified_on=TODAY - timedelta(days=181))
        fresh = make_helpline(name="Fresh Line", country="GB", last_verified_on=TODAY - timedelta(days=10))
        db.session.commit()
        hid, fid = h.id, fresh.id
        assert h.is_stale(TODAY) and not fresh.is_stale(TODAY)
    token = as_role("editor")

    def rows(html):
        return {
            name: row
            for row, name in re.findall(r'(<tr class="[^"]*">.*?>(Old Line|Fresh Line)</a>.*?</tr>)', html, re.S)
        }

    listing = rows(client.get("/helplines").get_data(as_text=True))
    assert "STALE" in listing["Old Line"] and "stale-row" in listing["Old Line"]
    assert "STALE" not in listing["Fresh Line"]
    crisis = client.get("/helplines/crisis?country=GB").get_data(as_text=True)
    cards = dict(
        (name, card)
        for card, name in re.findall(
            r'(<article class="crisis-card[^"]*">.*?>(Old Line|Fresh Line)</a>.*?</article>)', crisis, re.S
        )
    )
    assert "STALE" in cards["Old Line"] and "crisis-card-stale" in cards["Old Line"]
    assert "STALE" not in cards["Fresh Line"]
    assert client.get("/helplines?stale=1").get_data(as_text=True).count("Fresh Line") == 0

    r = client.post(f"/helplines/{hid}/verify", data={"csrf_token": token})
    assert r.status_code == 302
    with app.app_context():
        h = db.session.get(Helpline, hid)
        assert h.last_verified_on == TODAY and h.verified_by.email == users["editor"]
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "verify", AuditEvent.record_id == hid)
        ).scalar_one()
        assert event.record_type == "helplines" and event.user.email == users["editor"]
    listing = rows(client.get("/helplines").get_data(as_text=True))
    assert "STALE" not in listing["Old Line"]
    crisis = client.get("/helplines/crisis?country=GB").get_data(as_text=True)
    assert "STALE</span>" not in crisis.split("International services")[0].split("Helplines in")[1]
    assert fid


def test_viewer_cannot_verify(app, client, as_role):
    with app.app_context():
        h = make_helpline(last_verified_on=None)
        db.session.commit()
        hid = h.id
    token = as_role("viewer")
    assert client.post(f"/helplines/{hid}/verify", data={"csrf_token": token}).status_code == 403
    body = client.get("/helplines").get_data(as_text=True)
    assert "Verified today" not in body and "Add a helpline" not in body


def test_crisis_lookup_shows_country_escalations_and_international_fallback(app, client, as_role):
    with app.app_context():
        make_helpline(
            name="UK Line",
            country="GB",
            escalation_name="Duty manager",
            escalation_contact="+44 20 7946 0958",
        )
        make_helpline(name="German Line", country="DE", contact="+498001110111")
        make_helpline(name="Global Line", country=None, channel="web", contact="https://findahelpline.com")
        make_helpline(name="Archived UK", country="GB", archived=True)
        db.session.commit()
    as_role("viewer")
    body = client.get("/helplines/crisis?country=GB").get_data(as_text=True)
    assert "UK Line" in body and "Duty manager" in body and "Global Line" in body
    assert "German Line" not in body and "Archived UK" not in body
    assert "autofocus" in body and "data-print" in body and "js/directory.js" in body
    none = client.get("/helplines/crisis?country=FR").get_data(as_text=True)
    assert "No helplines are recorded for France" in none and "Global Line" in none
    bad = client.get("/helplines/crisis?country=ZZ")
    assert bad.status_code == 400 and "not a country we know" in bad.get_data(as_text=True)


def test_list_filters(app, client, as_role):
    with app.app_context():
        topic = topic_by_slug("suicide-self-harm")
        make_helpline(name="Text Shout", channel="text", contact="85258", topics=[topic])
        make_helpline(name="Phone One", channel="phone")
        make_helpline(name="Old archived", archived=True)
        make_helpline(name="French Line", country="FR", contact="+33145394000")
        db.session.commit()
        tid = topic.id
    as_role("viewer")
    body = client.get("/helplines?channel=text").get_data(as_text=True)
    assert "Text Shout" in body and "Phone One" not in body and 'href="sms:85258"' in body
    body = client.get(f"/helplines?topic={tid}").get_data(as_text=True)
    assert "Text Shout" in body and "Phone One" not in body
    body = client.get("/helplines?country=FR").get_data(as_text=True)
    assert "French Line" in body and "Phone One" not in body
    assert "Old archived" not in client.get("/helplines").get_data(as_text=True)
    assert "Old archived" in client.get("/helplines?archived=1").get_data(as_text=True)
    body = client.get("/helplines?q=100%25").get_data(as_text=True)
    assert "No helplines match" in body
    assert client.get("/helplines?sort=-verified&page=99").status_code == 200


def test_archive_and_restore_are_audited(app, client, as_role):
    hid = saved(app, make_helpline, name="To archive")
    token = as_role("editor")
    archive(client, token, f"/helplines/{hid}", "To archive", listing="/helplines/crisis?country=GB")
    assert client.post(f"/helplines/{hid}/restore", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        actions = set(db.session.execute(select(AuditEvent.action).where(AuditEvent.record_id == hid)).scalars())
        assert {"archive", "restore"} <= actions


def test_edit_keeps_organisation_and_topics(app, client, as_role):
    with app.app_context():
        org = make_organisation(name="Samaritans Org", kind="helpline")
        topic = topic_by_slug("crisis-response")
        h = make_helpline(name="Line")
        db.session.commit()
        hid, oid, tid, version = h.id, org.id, topic.id, h.version
    token = as_role("editor")
    page = client.get(f"/helplines/{hid}/edit?organisation_q=Samar").get_data(as_text=True)
    assert "Samaritans Org" in page
    r = client.post(
        f"/helplines/{hid}/edit",
        data=_form(csrf_token=token, version=version, organisation=str(oid), topics=[str(tid)]),
    )
    assert r.status_code == 302
    detail = client.get(f"/helplines/{hid}").get_data(as_text=True)
    assert "Samaritans Org" in detail and "Crisis response" in detail
    r = client.post(f"/helplines/{hid}/edit", data=_form(csrf_token=token, version=version + 1, organisation="99999"))
    assert r.status_code == 400 and "Choose the operating organisation" in r.get_data(as_text=True)


def test_unknown_helpline_is_404(client, as_role):
    token = as_role("editor")
    assert client.get("/helplines/999").status_code == 404
    assert client.get("/helplines/999/edit").status_code == 404
    assert client.post("/helplines/999/verify", data={"csrf_token": token}).status_code == 404


def _helplines(n: int) -> None:
    verifier = make_user(role="editor")
    org = make_organisation()
    for i in range(n):
        make_helpline(
            country=["GB", None, "DE"][i % 3],
            contact="+443003003030" if i % 3 != 2 else "+498001110111",
            verified_by_id=verifier.id,
            organisation_id=org.id,
            escalation_name="Duty" if i % 2 else "",
            last_verified_on=TODAY - timedelta(days=i),
        )
    db.session.commit()


def _first_helpline(n: int) -> int:
    _helplines(n)
    return db.session.execute(select(func.min(Helpline.id))).scalar_one()


@pytest.mark.parametrize("path", ["/helplines", "/helplines/crisis?country=GB", "/helplines/{id}"])
def test_statement_count_does_not_grow_with_rows(app, client, users, path):
    counts = statement_counts(app, client, users["viewer"], ("helplines", "organisations"), _first_helpline, path)
    assert counts[0] == counts[1], counts


def test_writes_to_an_unknown_helpline_are_404(app, client, as_role):
    token = as_role("editor")
    assert client.post("/helplines/999/edit", data=_form(csrf_token=token, version=1)).status_code == 404
    assert client.post("/helplines/999/archive", data={"csrf_token": token}).status_code == 404
    assert count(app, Helpline) == 0 and audit_count(app, "helplines") == 0


def test_organisation_lookup_offers_live_organisations_only(app, client, as_role):
    with app.app_context():
        make_organisation(name="Samaritans Org")
        make_organisation(name="Samaritans Old", archived=True)
        db.session.commit()
    as_role("editor")
    body = client.get("/helplines/lookup/organisations?organisation_q=samar").get_data(as_text=True)
    assert "Samaritans Org" in body and "Samaritans Old" not in body
