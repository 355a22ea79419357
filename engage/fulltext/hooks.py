"""Every flush updates the index in the same transaction: forms, imports, merges, erasures and
archiving all write through the ORM, so one pair of session events covers them without each
service calling the index. A statement that bypasses the ORM calls `mark` (or
`index.index_record`) itself; the demo seeder and `engage reindex` rebuild everything."""

from sqlalchemy import select

from engage import transaction
from engage.consultations.models import Consultation, Decision, Input
from engage.documents.models import Attachment, Note
from engage.engagements.models import Engagement
from engage.forums.models import Forum
from engage.fulltext import index
from engage.helplines.models import Helpline
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person, PersonEmail
from engage.policies.models import Clause, Policy, PolicyVersion

PENDING = "fulltext_pending"  # session.info: records changed since the last index update
OFF = "fulltext_off"  # session.info: set while a bulk load writes the index itself

OWN = {
    Person: "people",
    Organisation: "organisations",
    Forum: "forums",
    Helpline: "helplines",
    Policy: "policies",
    Clause: "clauses",
    Consultation: "consultations",
    Engagement: "engagements",
    Attachment: "attachments",
    Note: "notes",
}
# Rows whose change alters another record's entry: (kind of that record, its id's attribute).
PARENT = {
    PersonEmail: ("people", "person_id"),
    Affiliation: ("people", "person_id"),
    Input: ("consultations", "consultation_id"),
}
WATCHED = tuple(OWN) + tuple(PARENT) + (Decision, PolicyVersion)


def mark(session, kind: str, record_id: int) -> None:
    """Have the next flush refresh this record's entry (after a bulk statement moved its rows)."""
    session.info.setdefault(PENDING, set()).add((kind, record_id))


def _before_flush(session, flush_context, instances) -> None:
    if session.info.get(OFF):
        return
    changed = session.info.setdefault("fulltext_changed", [])
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, WATCHED) and (obj in session.new or obj in session.deleted or session.is_modified(obj)):
            changed.append(obj)


def _keys(session, obj) -> set[tuple[str, int]]:
    keys = set()
    kind = OWN.get(type(obj))
    if kind:
        keys.add((kind, obj.id))
    parent = PARENT.get(type(obj))
    if parent:
        keys.add((parent[0], getattr(obj, parent[1])))
        if isinstance(obj, Affiliation):  # the person's line names the organisation
            keys.add(("people", obj.person_id))
    if isinstance(obj, Decision):
        consultation_id = session.execute(select(Input.consultation_id).where(Input.id == obj.input_id)).scalar()
        keys.add(("consultations", consultation_id))
    if isinstance(obj, Organisation):  # people's and helplines' lines name it
        people = select(Affiliation.person_id).where(Affiliation.organisation_id == obj.id)
        keys.update(("people", i) for i in session.execute(people).scalars())
        helplines = select(Helpline.id).where(Helpline.organisation_id == obj.id)
        keys.update(("helplines", i) for i in session.execute(helplines).scalars())
    if isinstance(obj, Policy | PolicyVersion):  # clause titles carry the code and version
        clauses = select(Clause.id).join(PolicyVersion, PolicyVersion.id == Clause.version_id)
        clauses = clauses.where(
            PolicyVersion.policy_id == obj.id if isinstance(obj, Policy) else PolicyVersion.id == obj.id
        )
        keys.update(("clauses", i) for i in session.execute(clauses).scalars())
    return keys


def _after_flush_postexec(session, flush_context) -> None:
    if session.info.get(OFF):
        return
    changed = session.info.pop("fulltext_changed", [])
    keys = session.info.pop(PENDING, set())
    if not changed and not keys:
        return
    with session.no_autoflush:
        for obj in changed:
            keys |= _keys(session, obj)
        index.refresh(session, keys)


def _after_soft_rollback(session, previous_transaction) -> None:
    session.info.pop("fulltext_changed", None)
    session.info.pop(PENDING, None)


def install() -> None:
    transaction.listen(
        ("before_flush", _before_flush),
        ("after_flush_postexec", _after_flush_postexec),
        ("after_soft_rollback", _after_soft_rollback),
    )
