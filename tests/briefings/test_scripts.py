"""Every script in every PDF: names in Chinese, Japanese, Korean, Arabic and Hebrew print as
themselves, not as empty boxes, because the fonts for them ship with the app."""

import logging
import re

from sqlalchemy import select

from engage.briefings.models import Document
from engage.extensions import db
from tests.briefings import pdftools
from tests.briefings.helpers import make_pack, new_person, post_letter
from tests.briefings.scenario import build
from tests.conftest import login

NAMES = ["李伟", "山田 太郎", "김민준", "محمد", "שרה", "Zoë Ødegård", "Σωκράτης", "Дмитрий"]


def _logical_text(pdf: bytes) -> str:
    """The text without the embedding marks pdftotext puts around right-to-left runs."""
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", pdftools.flat(pdf))


def _no_missing_glyphs(caplog):
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert not [m for m in messages if "notdef" in m.lower() or "cannot be loaded" in m], messages


def test_briefing_prints_names_in_every_script(app, client, users, caplog):
    with app.app_context():
        engagement_id = build(len(NAMES), names=NAMES).id
        db.session.commit()
    login(client, users["editor"])
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        response = make_pack(client, engagement_id)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    pdf = response.data

    text = _logical_text(pdf)
    for name in NAMES:
        assert name in text, name
    _no_missing_glyphs(caplog)
    # Each script's own font is embedded (subset), so the file stays small.
    fonts = " ".join(pdftools.fonts(pdf))
    for family in ("Engage-Sans-SC", "Engage-Sans-KR", "Engage-Sans-Arabic", "Engage-Sans-Hebrew", "Engage-Sans-Semi"):
        assert family in fonts, fonts
    assert all(" yes yes yes " in row for row in pdftools.fonts(pdf))
    assert pdftools.info(pdf)["Tagged"] == "yes"
    assert len(pdf) < 600_000, len(pdf)


def test_letter_to_a_person_named_in_hangul_and_hebrew(app, client, users, caplog):
    person_id = new_person(app, "김민준 שרה")
    token = login(client, users["editor"])
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        response = post_letter(client, token, person_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        document_id = db.session.execute(select(Document.id)).scalar_one()
    pdf = client.get(f"/documents/{document_id}").data
    assert "Dear 김민준 שרה," in _logical_text(pdf)
    _no_missing_glyphs(caplog)
