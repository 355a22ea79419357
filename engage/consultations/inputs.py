"""Inputs raised in a consultation and the decision on each: the heart of the influence trail."""

from datetime import date

from sqlalchemy.orm import joinedload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.consultations.models import OUTCOMES, Consultation, Decision, Input
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.ids import as_id
from engage.policies.models import Clause, PolicyVersion
from engage.queries import check_version, known_id
from engage.topics.models import Topic

MAX_TEXT = 10_000


def parse_raised_by(consultation: Consultation, value: str) -> tuple[int | None, int | None]:
    """`person:ID` or `organisation:ID`, which must be one of the consultation's participants."""
    kind, _, ident = (value or "").partition(":")
    number = as_id(ident)
    if kind == "person" and number and any(p.id == number for p in consultation.people):
        return number, None
    if kind == "organisation" and number and any(o.id == number for o in consultation.organisations):
        return None, number
    raise ValidationError({"raised_by": "Choose who raised it from the consultation's participants."})


def _check_input(consultation: Consultation, data: dict) -> dict:
    errors = {}
    text = (data.get("text") or "").strip()
    if not text:
        errors["text"] = "Write the point that was raised."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Use at most {MAX_TEXT:,} characters."
    person_id = organisation_id = None
    try:
        person_id, organisation_id = parse_raised_by(consultation, data.get("raised_by", ""))
    except ValidationError as error:
        errors.update(error.errors)
    topic_id = known_id(Topic, data.get("topic_id"), errors, "topic_id", "Choose a topic from the list.")
    clause_id = known_id(Clause, data.get("clause_id"), errors, "clause_id", "Choose a clause from the list.")
    if errors:
        raise ValidationError(errors)
    return {
        "text": text,
        "person_id": person_id,
        "organisation_id": organisation_id,
        "topic_id": topic_id,
        "clause_id": clause_id,
    }


def add_input(actor: Actor, consultation: Consultation, data: dict) -> Input:
    """Record one point raised in `consultation` by one of its participants."""
    item = Input(consultation_id=consultation.id, **_check_input(consultation, data))
    return audit.record_create(actor, item, f"Input in consultation {consultation.id}")


def update_input(actor: Actor, item: Input, version: int | None, data: dict) -> Input:
    """Change an input; a stale `version` raises ConflictError."""
    values = _check_input(item.consultation, data)
    return audit.record_update(actor, item, version, values, "point", f"Input in consultation {item.consultation_id}")


def _check_decision(item: Input, data: dict) -> dict:
    errors = {}
    outcome = data.get("outcome") or ""
    if outcome not in OUTCOMES:
        errors["outcome"] = "Choose adopted, adapted, declined, parked or under review."
    rationale = (data.get("rationale") or "").strip()
    no_change = bool(data.get("no_change"))
    decided_on = data.get("decided_on")
    if decided_on is not None and not isinstance(decided_on, date):
        errors["decided_on"] = "Enter the date as YYYY-MM-DD."
    decided_by_id = known_id(
        User, data.get("decided_by_id"), errors, "decided_by_id", "Choose who decided from the list."
    )
    clause = version = None
    if data.get("clause_id"):
        # The clause with its version and policy in one statement (or none: the page loaded them already).
        clause = db.session.get(
            Clause, data["clause_id"], options=[joinedload(Clause.version).joinedload(PolicyVersion.policy)]
        )
        if clause is None:
            errors["clause_id"] = "Choose a clause from the list."
    if data.get("policy_version_id"):
        version = db.session.get(PolicyVersion, data["policy_version_id"], options=[joinedload(PolicyVersion.policy)])
        if version is None:
            errors["policy_version_id"] = "Choose a policy version from the list."
    if clause is not None and version is not None and clause.version_id != version.id:
        errors["clause_id"] = f"Clause {clause.key} is not part of {version.policy.code} {version.label}."
    cited = version or (clause.version if clause is not None else None)
    if cited is not None and not errors.keys() & {"clause_id", "policy_version_id"}:
        problem = _cited_too_early(cited, item.consultation.held_on)
        if problem:
            errors["policy_version_id" if version is not None else "clause_id"] = problem
    if no_change and (clause is not None or version is not None):
        errors["no_change"] = "“No change” cannot name a clause or version: clear one or the other."
    if outcome in ("adopted", "adapted") and not (clause or version or no_change):
        errors["clause_id"] = (
            f"An {OUTCOMES[outcome].lower()} point needs the clause or version it changed, or tick “no change”."
        )
    if outcome in ("declined", "parked") and not rationale:
        errors["rationale"] = f"Say why it was {OUTCOMES[outcome].lower()}."
    if errors:
        raise ValidationError(errors)
    if clause is not None and version is None:
        version = clause.version
    return {
        "outcome": outcome,
        "rationale": rationale,
        "no_change": no_change,
        "decided_on": decided_on or date.today(),
        "decided_by_id": decided_by_id,
        "clause_id": clause.id if clause else None,
        "policy_version_id": version.id if version else None,
    }


def _cited_too_early(version: PolicyVersion, raised_on: date) -> str:
    """Why a decision on a point raised on `raised_on` cannot cite `version` ("" when it can): a version
    already in effect before the point was raised cannot be what the point changed."""
    if version.effective_on is None or version.effective_on >= raised_on:
        return ""
    return (
        f"{version.policy.code} {version.label} took effect on {_day(version.effective_on)}, before this point "
        f"was raised ({_day(raised_on)}): choose the version the point went into, one effective on or after that day."
    )


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def decide(actor: Actor, item: Input, version: int | None, data: dict) -> Decision:
    """Record or change the decision on `item`; `version` is the decision's (None when there is none yet).
    The version it cites (or its clause's) must not have taken effect before the point was raised."""
    values = _check_decision(item, data)
    if not values["decided_by_id"] and actor.user is not None:
        values["decided_by_id"] = actor.user.id
    decision = item.decision
    if decision is None:
        if version not in (None, 0):
            raise ConflictError("Someone removed this decision while you were editing it. Reload the page.")
        decision = Decision(input_id=item.id, **values)
        item.decision = decision
        db.session.add(decision)
        action = "create"
    else:
        stale = (
            "Someone else recorded a decision on this point while you were editing it. "
            "Their decision is shown; reload the row to change it."
        )
        if version is None:  # the form was opened before there was a decision
            raise ConflictError(stale)
        check_version(decision, version, message=stale)
        for key, value in values.items():
            setattr(decision, key, value)
        action = "update"
    audit.record_change(actor, action, decision, f"Decision {values['outcome']} on input {item.id}")
    return decision
