"""What the small forms on the person page record: stakeholder assessments, conflict-of-interest
declarations and honoraria. Each takes an Actor, never commits, and raises
ValidationError with the fields' messages."""

from datetime import date
from decimal import Decimal, InvalidOperation

import pycountry

from engage.affiliations.services import today
from engage.audit import services as audit
from engage.audit.services import Actor
from engage.errors import ValidationError
from engage.extensions import db
from engage.people.models import STANCES, ConflictDeclaration, Honorarium, Person, StakeholderAssessment
from engage.queries import known_id
from engage.topics.models import Topic


def _required_date(value, field_name: str, errors: dict, label: str) -> date | None:
    if value is None:
        errors[field_name] = f"Enter the {label} (YYYY-MM-DD)."
    elif value > today():
        errors[field_name] = f"The {label} cannot be in the future."
    return value


def _record(actor: Actor, record, summary: str):
    db.session.add(record)
    audit.record_change(actor, "create", record, summary)
    return record


def add_assessment(
    actor: Actor, person: Person, influence, stance: str, assessed_on: date | None, note: str, topic_id=None
) -> StakeholderAssessment:
    """A new stakeholder assessment, on one topic or (no `topic_id`) all topics; older ones stay as
    history, per topic."""
    errors: dict[str, str] = {}
    if topic_id is not None:
        topic_id = known_id(Topic, topic_id, errors, "topic_id", "Choose a topic from the list, or all topics.")
    try:
        influence = int(influence)
    except (TypeError, ValueError):
        influence = 0
    if not 1 <= influence <= 5:
        errors["influence"] = "Influence is a number from 1 (low) to 5 (high)."
    if stance not in STANCES:
        errors["stance"] = "Choose supportive, neutral, critical or unknown."
    _required_date(assessed_on, "assessed_on", errors, "assessment date")
    if errors:
        raise ValidationError(errors)
    assessment = StakeholderAssessment(
        person_id=person.id,
        influence=influence,
        stance=stance,
        topic_id=topic_id,
        assessed_on=assessed_on,
        assessed_by_id=actor.user.id if actor.user else None,
        note=(note or "").strip(),
    )
    on = f" on topic {topic_id}" if topic_id else ""
    return _record(actor, assessment, f"Assessment of {person.name}{on}: {stance}, {influence}/5")


def add_conflict(actor: Actor, person: Person, declared_on: date | None, description: str) -> ConflictDeclaration:
    """Record a conflict-of-interest declaration."""
    errors: dict[str, str] = {}
    _required_date(declared_on, "declared_on", errors, "declaration date")
    if not (description or "").strip():
        errors["description"] = "Describe the conflict of interest."
    if errors:
        raise ValidationError(errors)
    declaration = ConflictDeclaration(person_id=person.id, declared_on=declared_on, description=description.strip())
    return _record(actor, declaration, f"Conflict declaration for {person.name}")


def _amount(amount) -> Decimal | None:
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
        if not value.is_finite() or value <= 0 or value >= Decimal("1e10"):
            raise InvalidOperation
        return value.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def add_honorarium(
    actor: Actor, person: Person, paid_on: date | None, amount, currency: str, purpose: str
) -> Honorarium:
    """Record an honorarium paid to the person."""
    errors: dict[str, str] = {}
    _required_date(paid_on, "paid_on", errors, "payment date")
    value = _amount(amount)
    if value is None:
        errors["amount"] = "Enter the amount as a positive number, e.g. 250 or 250.00."
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or pycountry.currencies.get(alpha_3=currency) is None:
        errors["currency"] = "Enter a three-letter currency code, e.g. EUR, GBP, USD."
    purpose = (purpose or "").strip()
    if len(purpose) > 300:
        errors["purpose"] = "Keep the purpose under 300 characters."
    if errors:
        raise ValidationError(errors)
    honorarium = Honorarium(person_id=person.id, paid_on=paid_on, amount=value, currency=currency, purpose=purpose)
    return _record(actor, honorarium, f"Honorarium for {person.name}: {value} {currency}")
