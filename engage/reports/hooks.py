"""Every flush keeps the reports' counts in step, in the same transaction (as fulltext.hooks keeps the
search index): before the flush, the changed records are noted with what they were (an edited day or
confidentiality, a participant or topic taken off, a deleted consultation's people); after it, the
months and people they touch are recomputed from the base tables (reports.counts, reports.coverage_counts).

A statement that bypasses the ORM marks its records with `fulltext.hooks.mark` for the search index
(the people merge does); those marks are followed here too. Bulk loads set OFF and rebuild at the end.
"""

from datetime import date

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from engage.consultations.models import Consultation, consultation_people
from engage.engagements.models import Engagement, EngagementParticipant
from engage.fulltext import hooks as fulltext_hooks
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person
from engage.reports import counts, coverage_counts

OFF = "report_counts_off"  # session.info: set while a bulk load fills the counts itself
NOTED = "report_counts_noted"  # session.info: {"months", "people", "consultations", "engagements", "orgs"}

CONSULTATION_FIELDS = ("held_on", "confidentiality", "people", "topics")
ENGAGEMENT_FIELDS = ("starts_at", "status", "topics", "participants")


def _noted(session) -> dict[str, set]:
    kinds = ("months", "people", "consultations", "engagements", "orgs")
    return session.info.setdefault(NOTED, {k: set() for k in kinds})


def _history(obj, name: str):
    return inspect(obj).attrs[name].history


def _changed(obj, names) -> bool:
    return any(_history(obj, n).has_changes() for n in names)


def _old(obj, name: str) -> list:
    """The value(s) `name` had before this flush (the loaded one of a deleted record)."""
    history = _history(obj, name)
    return [v for v in (*history.deleted, *history.unchanged) if v is not None]


def _note_consultation(session, obj, noted, gone: bool) -> None:
    for held in _old(obj, "held_on"):
        for confidentiality in _old(obj, "confidentiality") or ["normal", "confidential", "restricted"]:
            noted["months"].add((held, confidentiality))
    noted["people"].update(p.id for p in _history(obj, "people").deleted if p.id is not None)
    if gone:  # its links go with it: read its people now
        rows = select(consultation_people.c.person_id).where(consultation_people.c.consultation_id == obj.id)
        noted["people"].update(session.execute(rows).scalars())
    else:
        noted["consultations"].add(obj)


def _note_engagement(session, obj, noted, gone: bool) -> None:
    if gone:
        rows = select(EngagementParticipant.person_id).where(EngagementParticipant.engagement_id == obj.id)
        noted["people"].update(session.execute(rows).scalars())
    else:
        noted["engagements"].add(obj)


def _before_flush(session, flush_context, instances) -> None:
    if session.info.get(OFF):
        return
    noted = _noted(session)
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            new, gone = obj in session.new, obj in session.deleted
            if isinstance(obj, Consultation) and (new or gone or _changed(obj, CONSULTATION_FIELDS)):
                _note_consultation(session, obj, noted, gone)
            elif isinstance(obj, Engagement) and (new or gone or _changed(obj, ENGAGEMENT_FIELDS)):
                _note_engagement(session, obj, noted, gone)
            elif isinstance(obj, EngagementParticipant | Affiliation) and (new or gone or session.is_modified(obj)):
                noted["people"].update(_old(obj, "person_id"))
                noted["people"].add(obj.person_id)
            elif isinstance(obj, Person) and (gone or _changed(obj, ("country",))):
                noted["people"].add(obj.id)
            elif isinstance(obj, Organisation) and not new and (gone or _changed(obj, ("kind",))):
                noted["orgs"].add(obj.id)
        for kind, record_id in session.info.get(fulltext_hooks.PENDING, ()):  # moves that bypassed the ORM
            if kind == "people":
                noted["people"].add(record_id)


def _after_flush_postexec(session, flush_context) -> None:
    if session.info.get(OFF) or NOTED not in session.info:
        return
    noted = session.info.pop(NOTED)
    people, months = set(noted["people"]), set(noted["months"])
    with session.no_autoflush:
        for obj in noted["consultations"]:
            if obj.id is None or inspect(obj).deleted:
                continue
            months.add((obj.held_on, obj.confidentiality))
            rows = select(consultation_people.c.person_id).where(consultation_people.c.consultation_id == obj.id)
            people.update(session.execute(rows).scalars())
        for obj in noted["engagements"]:
            rows = select(EngagementParticipant.person_id).where(EngagementParticipant.engagement_id == obj.id)
            people.update(session.execute(rows).scalars())
        if noted["orgs"]:
            rows = select(Affiliation.person_id).where(Affiliation.organisation_id.in_(sorted(noted["orgs"])))
            people.update(session.execute(rows).scalars())
        counts.refresh_months(session, {(m, c) for m, c in months if isinstance(m, date)})
        coverage_counts.refresh(session, people)


def _after_soft_rollback(session, previous_transaction) -> None:
    session.info.pop(NOTED, None)


def install() -> None:
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_flush_postexec", _after_flush_postexec),
        ("after_soft_rollback", _after_soft_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
