"""One audit hook for every view of restricted content, whatever the route (SPEC §6).

A GET that loads a restricted consultation, or any of its points, decisions or commitments,
leaves one "view-restricted" event per consultation when it answers below 400: the consultation
page, its edit page and rows, search hits, lists, dashboards and documents alike. The ORM's load
events note what the request loaded; the after-request hook below resolves which of it is
restricted (`permissions.view_is_audited`) and records it, in the request's own transaction.
"""

from flask import Flask, g, has_request_context, request
from sqlalchemy import event, select

from engage.audit.services import record_each
from engage.auth.permissions import view_is_audited
from engage.consultations.models import Commitment, Consultation, Decision, Input
from engage.extensions import db
from engage.web import current_actor

_KEY = "engage_restricted_seen"


def _seen() -> dict | None:
    """What this GET request has loaded so far; None outside a GET request (writes audit themselves)."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return None
    if _KEY not in g:
        g.setdefault(_KEY, {"known": {}, "consultations": set(), "inputs": set(), "commitments": set()})
    return g.get(_KEY)


@event.listens_for(Consultation, "load")
def _consultation_loaded(target, _context):
    if (seen := _seen()) is None:
        return
    if {"confidentiality", "title"} <= target.__dict__.keys():  # never a lazy load per row
        seen["known"][target.id] = target.title if view_is_audited(target) else None
    else:
        seen["consultations"].add(target.id)  # resolved with the rest, in one statement


# What a child row says about its consultation, read from what the query loaded (never a lazy load).
@event.listens_for(Input, "load")
def _input_loaded(target, _context):
    if (seen := _seen()) is not None:
        _note(seen, target.__dict__.get("consultation_id"), "inputs", target.id)


@event.listens_for(Commitment, "load")
def _commitment_loaded(target, _context):
    if (seen := _seen()) is not None:
        _note(seen, target.__dict__.get("consultation_id"), "commitments", target.id)


@event.listens_for(Decision, "load")
def _decision_loaded(target, _context):
    if (seen := _seen()) is not None:
        _note(seen, None, "inputs", target.__dict__.get("input_id"))


def note_shown(consultation_ids) -> None:
    """Pages that show consultations from elsewhere than the ORM (the search index) name them here."""
    if (seen := _seen()) is not None:
        seen["consultations"].update(i for i in consultation_ids if i is not None)


def _note(seen: dict, consultation_id: int | None, kind: str, row_id: int | None) -> None:
    if consultation_id is not None:
        seen["consultations"].add(consultation_id)
    elif row_id is not None:
        seen[kind].add(row_id)


def _restricted(seen: dict) -> dict[int, str]:
    """{consultation id: title} of the restricted consultations the request loaded or showed parts of."""
    known = seen["known"]
    wanted = seen["consultations"] - known.keys()
    stmt = select(Consultation.id, Consultation.title).where(Consultation.confidentiality == "restricted")
    found = dict(db.session.execute(stmt.where(Consultation.id.in_(wanted))).all()) if wanted else {}
    for model, ids in ((Input, seen["inputs"]), (Commitment, seen["commitments"])):
        if ids:
            by_row = stmt.join(model, model.consultation_id == Consultation.id).where(model.id.in_(ids))
            found.update(db.session.execute(by_row).all())
    return {**{i: title for i, title in known.items() if title is not None}, **found}


def audit_restricted_views(response):
    """after_request (before the edge commits): one event per restricted consultation shown."""
    seen = g.pop(_KEY, None)
    if seen is None or response.status_code >= 400 or g.get("engage_abandoned"):
        return response
    shown = {consultation_id: f"Viewed {title[:200]}" for consultation_id, title in _restricted(seen).items()}
    record_each(current_actor(), "view-restricted", Consultation, shown)
    return response


def register(app: Flask) -> None:
    """Register after `transaction.register`: after-request hooks run last-registered first."""
    app.after_request(audit_restricted_views)
