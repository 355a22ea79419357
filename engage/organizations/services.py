"""Organisations: every write to an organisation (create, edit, archive). Services take an Actor
and data, flush, never commit, and raise ValidationError / ConflictError.

Reading is in organizations/queries.py; affiliations in engage/affiliations."""

from dataclasses import dataclass, field

from engage.affiliations.services import STALE, find_organisation_by_name
from engage.audit import services as audit
from engage.audit.services import Actor
from engage.errors import ValidationError
from engage.extensions import db
from engage.ids import as_id, as_ids
from engage.organizations.models import ORGANISATION_KINDS, Organisation
from engage.queries import check_version
from engage.topics.services import topics_by_ids
from engage.validation import Invalid, normalise_country, normalise_url


@dataclass
class OrganisationData:
    name: str = ""
    kind: str = "other"
    country: str = ""
    website: str = ""
    parent: str = ""  # an id or a name
    topic_ids: list = field(default_factory=list)
    description: str = ""


def validate_organisation(data: OrganisationData, organisation: Organisation | None) -> dict:
    """Check every field (the form and imports); clean values, or ValidationError with all the messages."""
    errors: dict[str, str] = {}
    clean: dict = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = "Enter the organisation's name."
    elif len(name) > 250:
        errors["name"] = "Keep the name under 250 characters."
    else:
        same = find_organisation_by_name(name)
        if same is not None and (organisation is None or same.id != organisation.id):
            errors["name"] = f"An organisation called “{same.name}” already exists."
    clean["name"] = name
    if data.kind not in ORGANISATION_KINDS:
        errors["kind"] = "Choose a type from the list."
    clean["kind"] = data.kind
    try:
        clean["country"] = normalise_country(data.country)
    except Invalid as e:
        errors["country"] = str(e)
    try:
        clean["website"] = normalise_url(data.website)
        if len(clean["website"]) > 300:
            errors["website"] = "The address is too long."
    except Invalid as e:
        errors["website"] = str(e)
    parent = None
    raw_parent = " ".join((data.parent or "").split())
    if raw_parent:
        parent = db.session.get(Organisation, number) if (number := as_id(raw_parent)) else None
        parent = parent or find_organisation_by_name(raw_parent)
        if parent is None:
            errors["parent"] = f"No organisation is called “{raw_parent}”."
        elif organisation is not None and _would_cycle(organisation, parent):
            errors["parent"] = "An organisation cannot sit under itself or one of its own children."
    clean["parent_id"] = parent.id if parent else None
    try:
        topics = topics_by_ids(as_ids(data.topic_ids))
    except ValidationError as error:
        errors.update(error.errors)
        topics = []
    clean["topics"] = sorted(topics, key=lambda t: t.name)
    clean["description"] = (data.description or "").strip()
    if errors:
        raise ValidationError(errors)
    return clean


def _would_cycle(organisation: Organisation, parent: Organisation) -> bool:
    seen = set()
    node = parent
    while node is not None and node.id not in seen:
        if node.id == organisation.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


def _apply_and_audit(actor: Actor, action: str, organisation: Organisation, clean: dict) -> None:
    for key in ("name", "kind", "country", "website", "parent_id", "description"):
        if getattr(organisation, key) != clean[key]:
            setattr(organisation, key, clean[key])
    extra = {}
    old = sorted(t.slug for t in organisation.topics)
    new = sorted(t.slug for t in clean["topics"])
    if old != new:
        organisation.topics = clean["topics"]
        extra["topics"] = [old, new]
    changes = audit.changed_fields(organisation)
    changes.update(extra)
    db.session.flush()
    audit.record(actor, action, Organisation, organisation.id, f"Organisation {organisation.name}", changes)


def create_organisation(actor: Actor, data: OrganisationData) -> Organisation:
    """Add an organisation; the name must not already be taken (ignoring case)."""
    clean = validate_organisation(data, None)
    organisation = Organisation(topics=[])
    db.session.add(organisation)
    _apply_and_audit(actor, "create", organisation, clean)
    return organisation


def update_organisation(actor: Actor, organisation: Organisation, version, data: OrganisationData) -> Organisation:
    """Change an organisation; a stale `version` means someone else saved first (their save stands)."""
    check_version(organisation, version, message=STALE.format(name=organisation.name))
    clean = validate_organisation(data, organisation)
    _apply_and_audit(actor, "update", organisation, clean)
    return organisation


def set_archived(actor: Actor, organisation: Organisation, archived: bool) -> Organisation:
    """Archive (history still points at it) or bring back an organisation."""
    if organisation.archived != archived:
        organisation.archived = archived
        audit.record_change(
            actor, "archive" if archived else "unarchive", organisation, f"Organisation {organisation.name}"
        )
    return organisation
