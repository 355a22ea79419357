"""Choice lists for forms and filters, and the one definition of "active" for each kind of record.

Every select of users, topics, forums or organisations reads from here, so a form, a filter
and a list agree on which records are offered. The helpers read models only, so any feature
may use them (docs/ARCHITECTURE.md).
"""

from datetime import date

from sqlalchemy import ColumnElement, or_, select

from engage.auth.models import User
from engage.extensions import db
from engage.forums.models import Forum
from engage.helplines.models import Helpline
from engage.ids import as_ids
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person, PersonEmail
from engage.queries import like_pattern
from engage.topics.models import Topic
from engage.validation import country_name

Pairs = list[tuple[int, str]]


def active(model) -> ColumnElement[bool]:
    """The records of `model` offered for new use: users and topics not deactivated, the rest not archived."""
    if model in (User, Topic):
        return model.active.is_(True)
    if model in (Forum, Helpline, Organisation, Person):
        return model.archived.is_(False)
    raise TypeError(f"{model.__name__} has no notion of active")


def _pairs(model, include_inactive: bool, *where) -> Pairs:
    stmt = select(model.id, model.name).where(*where).order_by(model.name, model.id)
    if not include_inactive:
        stmt = stmt.where(active(model))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def users(include_inactive: bool = False, writers_only: bool = False) -> Pairs:
    """Users by name; `writers_only` keeps editors and admins (who may be staff or speakers)."""
    where = [User.role.in_(("admin", "editor"))] if writers_only else []
    return _pairs(User, include_inactive, *where)


def topics(include_inactive: bool = False) -> Pairs:
    return _pairs(Topic, include_inactive)


def forums(include_inactive: bool = False) -> Pairs:
    return _pairs(Forum, include_inactive)


def as_strings(pairs: Pairs, blank: str | None = None) -> list[tuple[str, str]]:
    """WTForms choices (string values), optionally led by a blank choice."""
    head = [("", blank)] if blank is not None else []
    return head + [(str(value), label) for value, label in pairs]


def including(pairs: Pairs, record) -> Pairs:
    """`pairs` with `record` added when it is missing: a choice already made stays on offer after it went inactive."""
    if record is None or any(value == record.id for value, _ in pairs):
        return pairs
    return [*pairs, (record.id, record.name)]


# --- Lookup pickers (forums' members, helplines' operating organisation) ---------------------


def matching(model, q: str, limit: int = 30, chosen: int | None = None) -> Pairs:
    """(id, "Name (country)") of the active records of `model` whose name contains `q`, for a
    picker that searches as you type; the `chosen` record leads when the search misses it."""

    def label(row) -> str:
        return f"{row.name} ({row.country})" if row.country else row.name

    q = (q or "").strip()
    where = [active(model)]
    if hasattr(model, "erased_at"):
        where.append(model.erased_at.is_(None))
    rows = []
    if q:
        stmt = (
            select(model.id, model.name, model.country)
            .where(model.name.ilike(like_pattern(q), escape="\\"), *where)
            .order_by(model.name, model.id)
            .limit(limit)
        )
        rows = list(db.session.execute(stmt))
    if chosen and chosen > 0 and all(row.id != chosen for row in rows):
        row = db.session.execute(select(model.id, model.name, model.country).where(model.id == chosen)).first()
        if row is not None:
            rows.insert(0, row)
    if model is Person:
        hints = person_hints([row.id for row in rows])
        return [(row.id, f"{row.name} — {hints[row.id]}" if hints.get(row.id) else row.name) for row in rows]
    return [(row.id, label(row)) for row in rows]


# --- Telling people of one name apart ---------------------------------------------------------


def people_pairs(people) -> Pairs:
    """(id, label) of `people` for a short select (e.g. a consultation's participants): the name,
    and where two share a name, what tells them apart."""
    people = list(people)
    names = [p.name for p in people]
    twins = [p.id for p in people if names.count(p.name) > 1]
    hints = person_hints(twins)
    return [(p.id, f"{p.name} — {hints[p.id]}" if hints.get(p.id) else p.name) for p in people]


def person_hints(person_ids, on: date | None = None) -> dict[int, str]:
    """What tells two people of one name apart in a picker: "Organisation · Country · email"
    (their current organisation, country and first email, whichever they have), in two queries."""
    ids = sorted({int(i) for i in person_ids or ()})
    if not ids:
        return {}
    on = on or date.today()
    organisation = {}
    current = (
        select(Affiliation.person_id, Organisation.name)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.person_id.in_(ids), or_(Affiliation.end_on.is_(None), Affiliation.end_on >= on))
        .order_by(Affiliation.start_on.desc().nulls_last(), Affiliation.id.desc())
    )
    for person_id, name in db.session.execute(current):
        organisation.setdefault(person_id, name)
    details = {}
    people = (
        select(Person.id, Person.country, PersonEmail.email)
        .outerjoin(PersonEmail, PersonEmail.person_id == Person.id)
        .where(Person.id.in_(ids))
        .order_by(Person.id, PersonEmail.position, PersonEmail.id)
    )
    for person_id, country, email in db.session.execute(people):
        details.setdefault(person_id, (country, email))
    hints = {}
    for person_id in ids:
        country, email = details.get(person_id, (None, None))
        parts = [organisation.get(person_id), country_name(country) if country else None, email]
        hints[person_id] = " · ".join(part for part in parts if part)
    return hints


def _pairs_keeping(model, keep_ids) -> Pairs:
    """The active records of `model` plus those in `keep_ids`, the inactive ones marked as such."""
    keep = as_ids(keep_ids)
    stmt = (
        select(model.id, model.name, active(model).label("is_active"))
        .where(or_(active(model), model.id.in_(keep)))
        .order_by(model.name, model.id)
    )
    return [(r.id, r.name if r.is_active else f"{r.name} (inactive)") for r in db.session.execute(stmt)]


def topics_keeping(selected_ids=()) -> Pairs:
    """Active topics, plus any inactive ones already on the record being edited."""
    return _pairs_keeping(Topic, selected_ids)


def users_keeping(current_id=None) -> Pairs:
    """Active users, plus the one already on the record (e.g. a deactivated relationship owner)."""
    return _pairs_keeping(User, [current_id] if current_id else [])


# --- Contact: the one definition of "contacted" and of a cooling relationship (issue 14) ---------

# A person was last contacted on `Person.last_interaction_on`: their latest consultation that every
# reader may see (consultations.services.refresh_last_interaction), so the date reveals nothing
# restricted. The home page, the people list's filters and the policy alerts all read this column.
COOLING_MONTHS = (1, 3, 6, 9, 12, 18, 24)
COOLING_DEFAULT = 6


def months_before(day: date, months: int) -> date:
    """`day` moved back by whole months (the last day of a shorter month when it has no such day)."""
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def not_contacted_since(since: date) -> ColumnElement[bool]:
    """SQL condition on Person: never contacted, or last contacted before `since`."""
    return or_(Person.last_interaction_on.is_(None), Person.last_interaction_on < since)


def cooling_months(value) -> int | None:
    """A query-string `cooling` value as one of COOLING_MONTHS, else None."""
    try:
        months = int(str(value or "").strip())
    except ValueError:
        return None
    return months if months in COOLING_MONTHS else None


def cooling(months: int, today: date) -> ColumnElement[bool]:
    """SQL condition on Person: not contacted for `months` months (a cooling relationship)."""
    return not_contacted_since(months_before(today, months))
