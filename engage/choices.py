"""Choice lists for forms and filters, and the one definition of "active" for each kind of record.

Every select of users, topics, forums or organisations reads from here, so a form, a filter
and a list agree on which records are offered. The helpers read models only, so any feature
may use them (docs/ARCHITECTURE.md).
"""

from sqlalchemy import ColumnElement, or_, select

from engage.auth.models import User
from engage.extensions import db
from engage.forums.models import Forum
from engage.helplines.models import Helpline
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.topics.models import Topic

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


def _pairs_keeping(model, keep_ids) -> Pairs:
    keep = [int(i) for i in keep_ids or () if str(i).isdigit()]
    return _pairs(model, True, or_(active(model), model.id.in_(keep)))


def topics_keeping(selected_ids=()) -> Pairs:
    """Active topics, plus any inactive ones already on the record being edited."""
    return _pairs_keeping(Topic, selected_ids)


def users_keeping(current_id=None) -> Pairs:
    """Active users, plus the one already on the record (e.g. a deactivated relationship owner)."""
    return _pairs_keeping(User, [current_id] if current_id else [])
