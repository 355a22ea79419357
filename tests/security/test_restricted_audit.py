"""Every GET route that shows a restricted consultation, or any part of it, audits the view.

The walk of tests/test_routes.py is pointed at a restricted consultation (its points, decisions
and commitments): every route whose answer shows the consultation's title, or that names it in
its path, must leave exactly one "view-restricted" event for it in that request; no route that
does not show it may leave one.
"""

import subprocess

from sqlalchemy import exists, func, select

from engage.audit.models import AuditEvent
from engage.consultations.models import Commitment, Consultation, Decision, Input
from engage.extensions import db
from tests.conftest import login
from tests.test_routes import GETS, PUBLIC, _path


def _restricted_world(app, world) -> tuple[dict, int, str]:
    with app.app_context():
        restricted = Consultation.confidentiality == "restricted"
        consultation = db.session.execute(
            select(Consultation)
            .where(restricted, exists().where(Input.consultation_id == Consultation.id))
            .order_by(Consultation.id)
            .limit(1)
        ).scalar_one()
        item = db.session.execute(
            select(Input).where(Input.consultation_id == consultation.id).order_by(Input.id).limit(1)
        ).scalar_one()
        if item.decision is None:
            db.session.add(Decision(input_id=item.id))
        commitment = db.session.execute(
            select(Commitment).where(Commitment.consultation_id == consultation.id).limit(1)
        ).scalar_one_or_none()
        if commitment is None:
            commitment = Commitment(consultation_id=consultation.id, description="Restricted follow-up")
            db.session.add(commitment)
        consultation.title = "Restricted walk consultation"  # a title to look for in every answer
        db.session.commit()
        ids = {**world, "consultation_id": consultation.id, "input_id": item.id, "commitment_id": commitment.id}
        return ids, consultation.id, consultation.title


def _text(response) -> str:
    """What the answer shows: its text, or a PDF's text as pdftotext reads it."""
    if response.mimetype == "application/pdf":
        return subprocess.run(
            ["pdftotext", "-", "-"],  # noqa: S607 - poppler on the PATH, as the PDF tests use it
            input=response.data,
            capture_output=True,
            check=True,
        ).stdout.decode()
    if response.mimetype.startswith("text/") or response.mimetype == "application/json":
        # Search marks the words it matched: <mark>Word</mark> still shows "Word".
        return response.get_data(as_text=True).replace("<mark>", "").replace("</mark>", "")
    return ""


def _events(app, consultation_id: int) -> int:
    with app.app_context():
        stmt = select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "view-restricted", AuditEvent.record_id == consultation_id
        )
        count = db.session.execute(stmt).scalar_one()
        db.session.remove()
        return count


def test_every_route_that_shows_a_restricted_consultation_audits_it_once(app, client, world):
    ids, consultation_id, title = _restricted_world(app, world)
    login(client, "admin@example.org")
    paths = [_path(rule, ids) for endpoint, _, rule, level in GETS if level != PUBLIC and endpoint != "auth.logout"]
    paths.append("/search?q=" + title.split()[0])
    wrong, audited = [], []
    for path in paths:
        before = _events(app, consultation_id)
        response = client.get(path)
        after = _events(app, consultation_id)
        body = _text(response)
        shows = response.status_code == 200 and (title in body or f"/consultations/{consultation_id}" in path)
        if shows:
            audited.append(path)
        if after - before != (1 if shows else 0):
            wrong.append(f"{path}: {response.status_code}, shows={shows}, events={after - before}")
    # the page, its edit page, a point, its decision, a commitment, their rows, and search
    assert len(audited) >= 8, audited
    assert not wrong, "\n".join(wrong)


def test_a_refused_view_audits_nothing(app, client, world):
    _, consultation_id, _ = _restricted_world(app, world)
    login(client, "viewer@example.org")
    assert client.get(f"/consultations/{consultation_id}").status_code == 404
    assert client.get(f"/consultations/{consultation_id}/edit").status_code in (403, 404)
    assert _events(app, consultation_id) == 0
