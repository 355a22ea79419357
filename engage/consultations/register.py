"""The commitments register: mine or the team's, filtered; commitments made from a person, an
organisation or an engagement page; bulk reassign and bulk mark done.

Every query filters through `linked_consultation_visible`, so a commitment tied to a consultation
the reader may not see is never listed, counted or touched by a bulk action.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, case, select
from sqlalchemy.orm import selectinload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import linked_consultation_visible
from engage.consultations.models import COMMITMENT_STATUSES, Commitment
from engage.engagements.models import Engagement
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.ids import id_arg
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.queries import known_id

SCOPES = {"mine": "Mine", "team": "The team's"}
# Due statuses, as the `due` filter names them: what each means is `due_condition`.
DUE = {
    "open": "Open",
    "overdue": "Overdue",
    "soon": "Due in the next 14 days",
    "done": "Done",
    "all": "Any status",
}
SOON = timedelta(days=14)
# What a commitment may be made from, outside a consultation: the filter and form name, and model.
SUBJECTS = {"person": Person, "organisation": Organisation, "engagement": Engagement}


def due_condition(due: str, today: date):
    """SQL condition on Commitment for a `due` filter value (one of DUE)."""
    is_open = Commitment.status == "open"
    if due == "overdue":
        return is_open & (Commitment.due_on < today)
    if due == "soon":
        return is_open & (Commitment.due_on >= today) & (Commitment.due_on <= today + SOON)
    if due == "done":
        return Commitment.status == "done"
    if due == "all":
        return Commitment.id.is_not(None)
    return is_open


@dataclass
class Filters:
    scope: str = "mine"
    due: str = "open"
    assignee: int | None = None
    person: int | None = None
    organisation: int | None = None
    engagement: int | None = None
    today: date = field(default_factory=date.today)

    @classmethod
    def parse(cls, args, today: date | None = None) -> "Filters":
        scope = args.get("scope") if args.get("scope") in SCOPES else "mine"
        due = args.get("due") if args.get("due") in DUE else "open"
        ids = {name: id_arg(args, name) for name in ("assignee", *SUBJECTS)}
        return cls(scope=scope, due=due, today=today or date.today(), **ids)

    def args(self, **changes) -> dict:
        """The query-string values of these filters (with `changes`), for links."""
        values = {"scope": self.scope, "due": self.due}
        values |= {k: getattr(self, k) for k in ("assignee", *SUBJECTS) if getattr(self, k)}
        return {k: v for k, v in (values | changes).items() if v is not None}

    @property
    def filtered(self) -> bool:
        return self.due != "open" or any(getattr(self, k) for k in ("assignee", *SUBJECTS))


def _visible(user):
    return linked_consultation_visible(Commitment.consultation_id, user)


def register_query(user: User, filters: Filters) -> Select:
    """The commitments the register lists for `user` under `filters`: overdue first, then by due date."""
    where = [_visible(user), due_condition(filters.due, filters.today)]
    if filters.scope == "mine":
        where.append(Commitment.assignee_id == user.id)
    if filters.assignee:
        where.append(Commitment.assignee_id == filters.assignee)
    for name in SUBJECTS:
        if value := getattr(filters, name):
            where.append(getattr(Commitment, f"{name}_id") == value)
    overdue = case(((Commitment.status == "open") & (Commitment.due_on < filters.today), 0), else_=1)
    return (
        select(Commitment)
        .where(*where)
        .options(
            selectinload(Commitment.assignee),
            selectinload(Commitment.consultation),
            selectinload(Commitment.person),
            selectinload(Commitment.organisation),
            selectinload(Commitment.engagement),
        )
        .order_by(overdue, Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
    )


def subjects(filters: Filters) -> dict:
    """{name: record} of the person, organisation or engagement filtered on, to name them on the page."""
    return {
        name: db.session.get(model, getattr(filters, name))
        for name, model in SUBJECTS.items()
        if getattr(filters, name)
    }


# --- Made from a person, an organisation or an engagement ----------------------------------------


def subject_of(path_ids: dict) -> tuple[str, object]:
    """The (kind, record) a new commitment is made from, by the id its address names
    ({"person_id": 7} …); NotFoundError when there is no such record."""
    for name, model in SUBJECTS.items():
        if (value := path_ids.get(f"{name}_id")) is not None:
            record = db.session.get(model, value)
            if record is None:
                break
            return name, record
    raise NotFoundError()


def _check_for(data: dict, with_status: bool = False) -> dict:
    """A commitment's fields as the new-commitment page takes them (and its status, on a change)."""
    errors = {}
    description = (data.get("description") or "").strip()
    if not description:
        errors["description"] = "Say what we promised."
    assignee_id = known_id(User, data.get("assignee_id"), errors, "assignee_id", "Choose an assignee from the list.")
    due_on = data.get("due_on")
    if due_on is not None and not isinstance(due_on, date):
        errors["due_on"] = "Enter the date as YYYY-MM-DD."
    values = {"description": description, "assignee_id": assignee_id, "due_on": due_on}
    if with_status:
        values["status"] = data.get("status") or "open"
        if values["status"] not in COMMITMENT_STATUSES:
            errors["status"] = "Choose open, done or cancelled."
    if errors:
        raise ValidationError(errors)
    return values


def create_for(actor: Actor, kind: str, subject, data: dict) -> Commitment:
    """A commitment owed to a person or an organisation, or made at an engagement; unassigned ones
    go to whoever records them."""
    values = _check_for(data)
    commitment = Commitment(
        description=values["description"],
        assignee_id=values["assignee_id"] or (actor.user.id if actor.user else None),
        due_on=values["due_on"],
        status="open",
        created_by_id=actor.user.id if actor.user else None,
        **{f"{kind}_id": subject.id},
    )
    return audit.record_create(actor, commitment, f"Commitment for {kind} {subject.id}")


def update_for(actor: Actor, commitment: Commitment, version: int | None, data: dict) -> Commitment:
    """Change a commitment made outside a consultation (its person, organisation or engagement
    stays); a stale `version` raises ConflictError."""
    values = _check_for(data, with_status=True)
    return audit.record_update(actor, commitment, version, values, "commitment", f"Commitment {commitment.id}")


# --- Bulk actions --------------------------------------------------------------------------------

BULK_ACTIONS = {"done": "Mark done", "reassign": "Reassign to"}
MAX_BULK_IDS = 500  # one page of the register is 50; a select-all of ten pages at most


def bulk(actor: Actor, ids: list[int], action: str, assignee_id: int | None) -> list[Commitment]:
    """Mark done or reassign the commitments `ids`, each audited. All or nothing: an id the reader
    may not see (or that does not exist) is a 404 before anything is written; a bad action or
    assignee a 400."""
    errors = {}
    wanted = sorted(set(ids))
    if not wanted:
        errors["ids"] = "Tick the commitments to change."
    elif len(wanted) > MAX_BULK_IDS:
        errors["ids"] = f"Change at most {MAX_BULK_IDS} commitments at once."
    if action not in BULK_ACTIONS:
        errors["action"] = "Choose mark done or reassign."
    if action == "reassign":
        if not assignee_id:
            errors["assignee_id"] = "Choose who takes them over."
        else:
            assignee = db.session.get(User, assignee_id)
            if assignee is None or not assignee.active:
                errors["assignee_id"] = "Choose an active user from the list."
    if errors:
        raise ValidationError(errors)
    found = list(
        db.session.execute(
            select(Commitment).where(Commitment.id.in_(wanted), _visible(actor.user)).order_by(Commitment.id)
        ).scalars()
    )
    if len(found) != len(wanted):
        raise NotFoundError()
    for commitment in found:
        if action == "done":
            commitment.status = "done"
            audit.record_change(actor, "complete", commitment, f"Commitment {commitment.id} done (bulk)")
        else:
            commitment.assignee_id = assignee_id
            audit.record_change(
                actor, "update", commitment, f"Commitment {commitment.id} reassigned to user {assignee_id} (bulk)"
            )
    return found
