"""People: the list query, the detail page's data, and every write (create, edit, archive,
assessments, conflict declarations, honoraria). Services take an Actor and data, flush, never
commit, and raise ValidationError / ConflictError."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

import pycountry
from sqlalchemy import case, func, or_, select, union
from sqlalchemy.orm import defer, joinedload, selectinload

from engage.audit import services as audit
from engage.audit.services import Actor, changed_fields
from engage.auth.models import User
from engage.auth.permissions import can_see_lived_experience, visible_consultations
from engage.consultations.models import Consultation, Decision, Input, consultation_people
from engage.engagements.models import Engagement, EngagementParticipant
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.forums.models import ForumMember
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import (
    CONSENT_BASES,
    CONSENT_SCOPES,
    NDA_STATUSES,
    STANCES,
    ConflictDeclaration,
    Honorarium,
    Person,
    PersonEmail,
    PersonPhone,
    StakeholderAssessment,
    person_topics,
)
from engage.policies.models import PolicyVersion
from engage.queries import like_pattern
from engage.topics.models import Topic
from engage.validation import (
    Invalid,
    normalise_country,
    normalise_email,
    normalise_phone,
    normalise_url,
    normalise_zone,
)

TIMELINE_LIMIT = 100
SORTS = {
    "name": (Person.name.asc(), Person.id.asc()),
    "-name": (Person.name.desc(), Person.id.desc()),
    "country": (Person.country.asc(), Person.name.asc(), Person.id.asc()),
    "-country": (Person.country.desc(), Person.name.asc(), Person.id.asc()),
    # Never-contacted people sort as the oldest.
    "last": (Person.last_interaction_on.is_(None).desc(), Person.last_interaction_on.asc(), Person.id.asc()),
    "-last": (Person.last_interaction_on.is_(None).asc(), Person.last_interaction_on.desc(), Person.id.asc()),
}


def today() -> date:
    return date.today()


def parse_date(value: str | None) -> date | None:
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


# --- Reading -------------------------------------------------------------------------------------


def current_stance_subquery():
    """The newest assessment's stance for the outer Person row (correlated)."""
    return (
        select(StakeholderAssessment.stance)
        .where(StakeholderAssessment.person_id == Person.id)
        .order_by(StakeholderAssessment.assessed_on.desc(), StakeholderAssessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def current_affiliation_clause(on: date):
    return or_(Affiliation.end_on.is_(None), Affiliation.end_on >= on)


def list_query(args: dict):
    """The people list's SELECT for the filters in `args` (a dict of query-string values).

    Lived experience is deferred with raiseload: no list can show it, for anyone.
    """
    stmt = select(Person).options(
        defer(Person.lived_experience, raiseload=True),
        selectinload(Person.topics),
        selectinload(Person.emails),
    )
    if not args.get("archived"):
        stmt = stmt.where(Person.archived.is_(False))
    if q := (args.get("q") or "").strip():
        pattern = like_pattern(q)
        by_email = select(PersonEmail.person_id).where(PersonEmail.email.ilike(pattern, escape="\\"))
        stmt = stmt.where(or_(Person.name.ilike(pattern, escape="\\"), Person.id.in_(by_email)))
    if country := (args.get("country") or "").strip().upper():
        stmt = stmt.where(Person.country == country)
    if (topic := str(args.get("topic") or "")).isdigit():
        stmt = stmt.where(
            Person.id.in_(select(person_topics.c.person_id).where(person_topics.c.topic_id == int(topic)))
        )
    if organisation := str(args.get("organisation") or "").strip():
        current = select(Affiliation.person_id).where(current_affiliation_clause(today()))
        if organisation.isdigit():
            current = current.where(Affiliation.organisation_id == int(organisation))
        else:
            current = current.join(Organisation).where(Organisation.name.ilike(like_pattern(organisation), escape="\\"))
        stmt = stmt.where(Person.id.in_(current))
    owner = str(args.get("owner") or "")
    if owner == "none":
        stmt = stmt.where(Person.owner_id.is_(None))
    elif owner.isdigit():
        stmt = stmt.where(Person.owner_id == int(owner))
    if (stance := args.get("stance")) in STANCES:
        stmt = stmt.where(func.coalesce(current_stance_subquery(), "unknown") == stance)
    if (forum := str(args.get("forum") or "")).isdigit():
        members = select(ForumMember.person_id).where(
            ForumMember.forum_id == int(forum),
            or_(ForumMember.term_end.is_(None), ForumMember.term_end >= today()),
        )
        stmt = stmt.where(Person.id.in_(members))
    if since := parse_date(args.get("not_contacted_since")):
        stmt = stmt.where(or_(Person.last_interaction_on.is_(None), Person.last_interaction_on < since))
    dnc = args.get("dnc")
    if dnc == "yes":
        stmt = stmt.where(Person.do_not_contact.is_(True))
    elif dnc == "no":
        stmt = stmt.where(Person.do_not_contact.is_(False))
    return stmt.order_by(*SORTS.get(args.get("sort") or "name", SORTS["name"]))


def current_assessments(person_ids: list[int]) -> dict[int, StakeholderAssessment]:
    """The newest assessment of each person, in one statement."""
    if not person_ids:
        return {}
    ranked = (
        select(
            StakeholderAssessment.id,
            func.row_number()
            .over(
                partition_by=StakeholderAssessment.person_id,
                order_by=(StakeholderAssessment.assessed_on.desc(), StakeholderAssessment.id.desc()),
            )
            .label("rank"),
        )
        .where(StakeholderAssessment.person_id.in_(person_ids))
        .subquery()
    )
    rows = db.session.execute(
        select(StakeholderAssessment).join(ranked, ranked.c.id == StakeholderAssessment.id).where(ranked.c.rank == 1)
    ).scalars()
    return {a.person_id: a for a in rows}


def current_affiliations(person_ids: list[int]) -> dict[int, Affiliation]:
    """One current affiliation per person (the most recently started), with its organisation."""
    if not person_ids:
        return {}
    ranked = (
        select(
            Affiliation.id,
            func.row_number()
            .over(
                partition_by=Affiliation.person_id,
                order_by=(
                    Affiliation.start_on.is_(None).asc(),
                    Affiliation.start_on.desc(),
                    Affiliation.id.desc(),
                ),
            )
            .label("rank"),
        )
        .where(Affiliation.person_id.in_(person_ids), current_affiliation_clause(today()))
        .subquery()
    )
    rows = db.session.execute(
        select(Affiliation)
        .join(ranked, ranked.c.id == Affiliation.id)
        .where(ranked.c.rank == 1)
        .options(joinedload(Affiliation.organisation))
    ).scalars()
    return {a.person_id: a for a in rows}


def _person_consultation_ids(person_ids):
    """Consultations a person took part in, or raised an input in."""
    return union(
        select(consultation_people.c.consultation_id).where(consultation_people.c.person_id.in_(person_ids)),
        select(Input.consultation_id).where(Input.person_id.in_(person_ids)),
    )


def visible_last_interactions(user: User, person_ids: list[int]) -> dict[int, date]:
    """The last interaction of each person that `user` may see: past visible consultations and
    past engagements. Two statements whatever the page size."""
    if not person_ids:
        return {}
    now = datetime.now(UTC)
    result: dict[int, date] = {}
    participation = union(
        select(consultation_people.c.person_id, consultation_people.c.consultation_id).where(
            consultation_people.c.person_id.in_(person_ids)
        ),
        select(Input.person_id, Input.consultation_id).where(Input.person_id.in_(person_ids)),
    ).subquery()
    rows = db.session.execute(
        select(participation.c.person_id, func.max(Consultation.held_on))
        .join(Consultation, Consultation.id == participation.c.consultation_id)
        .where(visible_consultations(user), Consultation.held_on <= today())
        .group_by(participation.c.person_id)
    )
    for person_id, held_on in rows:
        result[person_id] = held_on
    rows = db.session.execute(
        select(EngagementParticipant.person_id, func.max(Engagement.starts_at))
        .join(Engagement)
        .where(
            EngagementParticipant.person_id.in_(person_ids),
            Engagement.starts_at <= now,
            Engagement.status != "cancelled",
        )
        .group_by(EngagementParticipant.person_id)
    )
    for person_id, starts_at in rows:
        if starts_at is None:
            continue
        if isinstance(starts_at, str):  # SQLite returns MAX() of a datetime as text
            starts_at = datetime.fromisoformat(starts_at)
        day = starts_at.date()
        if person_id not in result or result[person_id] < day:
            result[person_id] = day
    return result


@dataclass
class PersonDetail:
    person: Person
    lived_experience_visible: bool
    current_affiliations: list[Affiliation] = field(default_factory=list)
    past_affiliations: list[Affiliation] = field(default_factory=list)
    forums: list[ForumMember] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    engagements: list[EngagementParticipant] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    last_interaction: date | None = None
    lived_experience: str | None = None  # set only when the user may see it

    @property
    def timeline(self) -> list[dict]:
        """Consultations and engagements together, newest first."""
        items = [{"kind": "consultation", "on": c.held_on, "record": c} for c in self.consultations]
        items += [{"kind": "engagement", "on": p.engagement.starts_at.date(), "record": p} for p in self.engagements]
        return sorted(items, key=lambda i: i["on"], reverse=True)


def get_person(person_id: int) -> Person | None:
    """One person; lived experience is loaded only if something reads it."""
    return db.session.execute(
        select(Person).where(Person.id == person_id).options(defer(Person.lived_experience))
    ).scalar_one_or_none()


def person_detail(user: User, person_id: int) -> PersonDetail | None:
    """Everything the person page shows, in a fixed number of statements, filtered for `user`."""
    person = db.session.execute(
        select(Person)
        .where(Person.id == person_id)
        .options(
            defer(Person.lived_experience, raiseload=True),
            selectinload(Person.emails),
            selectinload(Person.phones),
            selectinload(Person.topics),
            joinedload(Person.owner),
            selectinload(Person.assessments).joinedload(StakeholderAssessment.assessed_by),
            selectinload(Person.conflicts),
            selectinload(Person.honoraria),
        )
    ).scalar_one_or_none()
    if person is None:
        return None
    visible = can_see_lived_experience(user, person)
    detail = PersonDetail(person=person, lived_experience_visible=visible)
    if visible:
        # Loaded only for those who may see it; the template reads it from here.
        detail.lived_experience = db.session.execute(
            select(Person.lived_experience).where(Person.id == person.id)
        ).scalar_one()
    else:
        detail.lived_experience = None
    affiliations = db.session.execute(
        select(Affiliation)
        .where(Affiliation.person_id == person.id)
        .options(joinedload(Affiliation.organisation))
        .order_by(Affiliation.start_on.desc(), Affiliation.id.desc())
    ).scalars()
    for a in affiliations:
        (detail.current_affiliations if a.is_current(today()) else detail.past_affiliations).append(a)
    detail.forums = list(
        db.session.execute(
            select(ForumMember)
            .where(ForumMember.person_id == person.id)
            .options(joinedload(ForumMember.forum))
            .order_by(ForumMember.term_end.is_(None).desc(), ForumMember.term_end.desc())
        ).scalars()
    )
    detail.consultations = list(
        db.session.execute(
            select(Consultation)
            .where(Consultation.id.in_(_person_consultation_ids([person.id])), visible_consultations(user))
            .order_by(Consultation.held_on.desc(), Consultation.id.desc())
            .limit(TIMELINE_LIMIT)
        ).scalars()
    )
    detail.engagements = list(
        db.session.execute(
            select(EngagementParticipant)
            .join(Engagement)
            .where(EngagementParticipant.person_id == person.id)
            .options(joinedload(EngagementParticipant.engagement))
            .order_by(Engagement.starts_at.desc())
            .limit(TIMELINE_LIMIT)
        ).scalars()
    )
    detail.inputs = list(
        db.session.execute(
            select(Input)
            .join(Consultation, Consultation.id == Input.consultation_id)
            .where(Input.person_id == person.id, visible_consultations(user))
            .options(
                joinedload(Input.consultation),
                joinedload(Input.topic),
                joinedload(Input.clause),
                joinedload(Input.decision).joinedload(Decision.clause),
                joinedload(Input.decision).joinedload(Decision.policy_version).joinedload(PolicyVersion.policy),
            )
            .order_by(Consultation.held_on.desc(), Input.id.desc())
            .limit(TIMELINE_LIMIT)
        ).scalars()
    )
    detail.last_interaction = visible_last_interactions(user, [person.id]).get(person.id)
    return detail


# --- Writing -------------------------------------------------------------------------------------


@dataclass
class PersonData:
    """What the person form hands to the service (already plain Python, not yet validated)."""

    name: str = ""
    email: str = ""
    other_emails: str = ""
    phones: str = ""
    pronouns: str = ""
    title: str = ""
    country: str = ""
    languages: str = ""
    time_zone: str = ""
    topic_ids: list = field(default_factory=list)
    links: str = ""
    bio: str = ""
    owner_id: str | int | None = None
    organisation: str = ""
    nda_status: str = "none"
    consent_basis: str = ""
    consent_on: date | None = None
    consent_contact: bool = False
    consent_internal: bool = False
    consent_public: bool = False
    consent_regulator: bool = False
    do_not_contact: bool = False
    lived_experience: str | None = None  # None: leave as it is (the user may not see it)


def _lines(text: str | None) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]


def _languages(text: str) -> list[str]:
    codes = []
    for raw in (text or "").replace(";", ",").split(","):
        value = raw.strip()
        if not value:
            continue
        lang = pycountry.languages.get(alpha_2=value.lower()) if len(value) == 2 else None
        if lang is None:
            try:
                lang = pycountry.languages.lookup(value)
            except LookupError:
                lang = None
        if lang is None or not getattr(lang, "alpha_2", None):
            raise Invalid(f"“{value}” is not a language we know. Use ISO 639-1 codes, e.g. en, es, pt.")
        if lang.alpha_2 not in codes:
            codes.append(lang.alpha_2)
    return codes


def _validate(data: PersonData) -> dict:
    """Check every field; return clean values or raise ValidationError with all the messages."""
    errors: dict[str, str] = {}
    clean: dict = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = "Enter the person's name."
    elif len(name) > 200:
        errors["name"] = "Keep the name under 200 characters."
    clean["name"] = name
    try:
        clean["country"] = normalise_country(data.country)
    except Invalid as e:
        errors["country"] = str(e)
        clean["country"] = None
    emails = []
    if (data.email or "").strip():
        try:
            emails.append(normalise_email(data.email))
        except Invalid as e:
            errors["email"] = str(e)
    for n, line in _lines(data.other_emails):
        try:
            address = normalise_email(line)
        except Invalid as e:
            errors.setdefault("other_emails", f"Line {n}: {e}")
            continue
        if address.lower() not in {a.lower() for a in emails}:
            emails.append(address)
    if emails and not (data.email or "").strip():
        errors.setdefault("email", "Enter the primary email, or move it up from the other emails.")
    clean["emails"] = emails
    phones = []
    for n, line in _lines(data.phones):
        try:
            number = normalise_phone(line, clean["country"])
        except Invalid as e:
            errors.setdefault("phones", f"Line {n}: {e}")
            continue
        if number not in phones:
            phones.append(number)
    clean["phones"] = phones
    links = []
    for n, line in _lines(data.links):
        try:
            url = normalise_url(line)
        except Invalid as e:
            errors.setdefault("links", f"Line {n}: {e}")
            continue
        if len(url) > 500:
            errors.setdefault("links", f"Line {n}: the address is too long.")
        elif url not in links:
            links.append(url)
    clean["links"] = links
    try:
        clean["languages"] = _languages(data.languages)
    except Invalid as e:
        errors["languages"] = str(e)
    try:
        clean["time_zone"] = normalise_zone(data.time_zone)
    except Invalid as e:
        errors["time_zone"] = str(e)
    for key, limit in (("pronouns", 40), ("title", 200)):
        value = (getattr(data, key) or "").strip()
        if len(value) > limit:
            errors[key] = f"Keep this under {limit} characters."
        clean[key] = value
    organisation = " ".join((data.organisation or "").split())
    if len(organisation) > 250:
        errors["organisation"] = "Keep the organisation name under 250 characters."
    clean["organisation"] = organisation
    topic_ids = sorted({int(t) for t in data.topic_ids or [] if str(t).isdigit()})
    topics = db.session.execute(select(Topic).where(Topic.id.in_(topic_ids))).scalars().all() if topic_ids else []
    if len(topics) != len(topic_ids):
        errors["topics"] = "Choose topics from the list."
    clean["topics"] = sorted(topics, key=lambda t: t.name)
    owner = None
    if data.owner_id not in (None, "", "0"):
        owner = db.session.get(User, int(data.owner_id)) if str(data.owner_id).isdigit() else None
        if owner is None or not owner.active:
            errors["owner"] = "Choose an active user as the owner."
    clean["owner_id"] = owner.id if owner else None
    if data.nda_status not in NDA_STATUSES:
        errors["nda_status"] = "Choose an NDA status from the list."
    clean["nda_status"] = data.nda_status
    basis = data.consent_basis or None
    if basis is not None and basis not in CONSENT_BASES:
        errors["consent_basis"] = "Choose consent or legitimate interest."
    clean["consent_basis"] = basis
    if data.consent_on and data.consent_on > today():
        errors["consent_on"] = "The consent date cannot be in the future."
    clean["consent_on"] = data.consent_on
    for key in (*CONSENT_SCOPES, "do_not_contact"):
        clean[key] = bool(getattr(data, key))
    clean["bio"] = (data.bio or "").strip()
    if len(clean["bio"]) > 20000:
        errors["bio"] = "Keep the bio under 20,000 characters."
    if data.lived_experience is not None:
        clean["lived_experience"] = data.lived_experience.strip()
    if errors:
        raise ValidationError(errors)
    return clean


def find_organisation_by_name(name: str) -> Organisation | None:
    """A non-archived organisation with exactly this name, ignoring case."""
    return (
        db.session.execute(
            select(Organisation)
            .where(
                Organisation.archived.is_(False),
                or_(Organisation.name == name, func.lower(Organisation.name) == name.lower()),
            )
            .order_by(case((Organisation.name == name, 0), else_=1), Organisation.id)
            .limit(1)
        )
        .scalars()
        .first()
    )


def organisation_for_name(actor: Actor, name: str, country: str | None = None) -> Organisation:
    """Find the organisation by name, or create it (audited)."""
    organisation = find_organisation_by_name(name)
    if organisation is None:
        organisation = Organisation(name=name, kind="other", country=country)
        db.session.add(organisation)
        audit.record_change(actor, "create", organisation, f"Organisation {name} (from a person form)")
    return organisation


def _ensure_current_affiliation(actor: Actor, person: Person, name: str, role: str) -> Affiliation | None:
    organisation = organisation_for_name(actor, name, person.country)
    existing = db.session.execute(
        select(Affiliation).where(
            Affiliation.person_id == person.id,
            Affiliation.organisation_id == organisation.id,
            current_affiliation_clause(today()),
        )
    ).scalar_one_or_none()
    if existing:
        return existing
    affiliation = Affiliation(person_id=person.id, organisation_id=organisation.id, role=role[:200])
    db.session.add(affiliation)
    audit.record_change(actor, "create", affiliation, f"{person.name} at {organisation.name}")
    return affiliation


def _apply(person: Person, clean: dict) -> dict:
    """Copy clean values onto `person`; return the changes to lists that column history misses."""
    extra = {}
    for key in (
        "name",
        "pronouns",
        "title",
        "country",
        "languages",
        "time_zone",
        "links",
        "bio",
        "owner_id",
        "nda_status",
        "consent_basis",
        "consent_on",
        *CONSENT_SCOPES,
        "do_not_contact",
        "lived_experience",
    ):
        if key in clean and getattr(person, key) != clean[key]:
            setattr(person, key, clean[key])
    old_emails = [e.email for e in person.emails]
    if old_emails != clean["emails"]:
        by_address = {e.email: e for e in person.emails}
        person.emails = [by_address.get(a) or PersonEmail(email=a, label="work") for a in clean["emails"]]
        for position, e in enumerate(person.emails):
            e.position = position
        extra["emails"] = [old_emails, clean["emails"]]
    old_phones = [p.number for p in person.phones]
    if old_phones != clean["phones"]:
        by_number = {p.number: p for p in person.phones}
        person.phones = [by_number.get(n) or PersonPhone(number=n, label="work") for n in clean["phones"]]
        for position, p in enumerate(person.phones):
            p.position = position
        extra["phones"] = [old_phones, clean["phones"]]
    old_topics = sorted(t.slug for t in person.topics)
    if old_topics != sorted(t.slug for t in clean["topics"]):
        person.topics = clean["topics"]
        extra["topics"] = [old_topics, sorted(t.slug for t in clean["topics"])]
    return extra


def _audit(actor: Actor, action: str, person: Person, extra: dict, summary: str) -> None:
    changes = changed_fields(person)
    if "lived_experience" in changes:
        if not any(changes["lived_experience"]):
            del changes["lived_experience"]
        else:
            changes["lived_experience"] = ["…", "changed"]  # special-category data stays out of the log
    changes.update(extra)
    db.session.flush()
    audit.record(actor, action, Person, person.id, summary, changes)


def create_person(actor: Actor, data: PersonData) -> Person:
    """Add a person; with an organisation name, also a current affiliation (creating the organisation
    when no organisation has that name)."""
    clean = _validate(data)
    is_admin = actor.user is not None and actor.user.role == "admin"
    is_owner = actor.user is not None and clean["owner_id"] == actor.user.id
    if clean.get("lived_experience") and not (is_admin or is_owner):
        raise ValidationError(
            {
                "lived_experience": "Only admins and the relationship owner may record lived experience: "
                "make yourself the owner or leave this blank."
            }
        )
    person = Person(emails=[], phones=[], topics=[], lived_experience="")
    db.session.add(person)
    extra = _apply(person, clean)
    _audit(actor, "create", person, extra, f"Person {person.name}")
    if clean["organisation"]:
        _ensure_current_affiliation(actor, person, clean["organisation"], clean["title"])
    return person


def update_person(actor: Actor, person: Person, version: int | None, data: PersonData) -> Person:
    """Change a person. `version` is the one the form was opened with; a newer one means someone
    else saved first, and their save stands."""
    if version is None or int(version) != person.version:
        raise ConflictError(
            f"{person.name} was changed by someone else after you opened the form. "
            "Your changes were not saved; reload the page to see the current record and make them again."
        )
    clean = _validate(data)
    extra = _apply(person, clean)
    _audit(actor, "update", person, extra, f"Person {person.name}")
    if clean["organisation"]:
        _ensure_current_affiliation(actor, person, clean["organisation"], clean["title"])
    return person


def set_archived(actor: Actor, person: Person, archived: bool) -> Person:
    """Archive (hide from lists; history keeps pointing at them) or bring back a person."""
    if person.archived != archived:
        person.archived = archived
        _audit(actor, "archive" if archived else "unarchive", person, {}, f"Person {person.name}")
    return person


def _required_date(value, field_name: str, errors: dict, label: str) -> date | None:
    if value is None:
        errors[field_name] = f"Enter the {label} (YYYY-MM-DD)."
    elif value > today():
        errors[field_name] = f"The {label} cannot be in the future."
    return value


def add_assessment(
    actor: Actor, person: Person, influence, stance: str, assessed_on: date | None, note: str
) -> StakeholderAssessment:
    """A new stakeholder assessment; older ones stay as history."""
    errors: dict[str, str] = {}
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
        assessed_on=assessed_on,
        assessed_by_id=actor.user.id if actor.user else None,
        note=(note or "").strip(),
    )
    db.session.add(assessment)
    audit.record_change(actor, "create", assessment, f"Assessment of {person.name}: {stance}, {influence}/5")
    return assessment


def add_conflict(actor: Actor, person: Person, declared_on: date | None, description: str) -> ConflictDeclaration:
    """Record a conflict-of-interest declaration."""
    errors: dict[str, str] = {}
    _required_date(declared_on, "declared_on", errors, "declaration date")
    if not (description or "").strip():
        errors["description"] = "Describe the conflict of interest."
    if errors:
        raise ValidationError(errors)
    declaration = ConflictDeclaration(person_id=person.id, declared_on=declared_on, description=description.strip())
    db.session.add(declaration)
    audit.record_change(actor, "create", declaration, f"Conflict declaration for {person.name}")
    return declaration


def add_honorarium(
    actor: Actor, person: Person, paid_on: date | None, amount, currency: str, purpose: str
) -> Honorarium:
    """Record an honorarium paid to the person."""
    errors: dict[str, str] = {}
    _required_date(paid_on, "paid_on", errors, "payment date")
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
        if not value.is_finite() or value <= 0 or value >= Decimal("1e10"):
            raise InvalidOperation
        value = value.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["amount"] = "Enter the amount as a positive number, e.g. 250 or 250.00."
        value = None
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or pycountry.currencies.get(alpha_3=currency) is None:
        errors["currency"] = "Enter a three-letter currency code, e.g. EUR, GBP, USD."
    if len((purpose or "").strip()) > 300:
        errors["purpose"] = "Keep the purpose under 300 characters."
    if errors:
        raise ValidationError(errors)
    honorarium = Honorarium(
        person_id=person.id, paid_on=paid_on, amount=value, currency=currency, purpose=(purpose or "").strip()
    )
    db.session.add(honorarium)
    audit.record_change(actor, "create", honorarium, f"Honorarium for {person.name}: {value} {currency}")
    return honorarium


def form_values(person: Person, include_lived_experience: bool) -> dict:
    """The edit form's initial values for `person`."""
    affiliation = current_affiliations([person.id]).get(person.id)
    values = {
        "name": person.name,
        "email": person.emails[0].email if person.emails else "",
        "other_emails": "\n".join(e.email for e in person.emails[1:]),
        "phones": "\n".join(p.number for p in person.phones),
        "pronouns": person.pronouns,
        "title": person.title,
        "country": person.country or "",
        "languages": ", ".join(person.languages or []),
        "time_zone": person.time_zone or "",
        "topics": [t.id for t in person.topics],
        "links": "\n".join(person.links or []),
        "bio": person.bio,
        "owner": str(person.owner_id or ""),
        "organisation": affiliation.organisation.name if affiliation else "",
        "nda_status": person.nda_status,
        "consent_basis": person.consent_basis or "",
        "consent_on": person.consent_on,
        "do_not_contact": person.do_not_contact,
        "version": person.version,
        **{k: getattr(person, k) for k in CONSENT_SCOPES},
    }
    if include_lived_experience:
        values["lived_experience"] = person.lived_experience
    return values
