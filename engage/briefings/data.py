"""Everything a briefing pack needs for one engagement and one READER, in a constant number of queries.

Privacy follows the reader: consultations come through `visible_consultations(reader)`,
lived experience through `can_see_lived_experience`, and a participant who has not agreed
to be named in internal briefings appears as "Participant (not named — consent)" with
nothing that identifies them. The builder receives plain data and never queries.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from engage.auth.models import User
from engage.auth.permissions import can_see_lived_experience, visible_consultations
from engage.briefings import safe_messaging
from engage.consultations.models import (
    CONSULTATION_KINDS,
    OUTCOMES,
    Commitment,
    Consultation,
    Decision,
    Input,
    consultation_people,
)
from engage.engagements.models import (
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    PARTICIPANT_ROLES,
    RSVPS,
    Engagement,
    EngagementParticipant,
)
from engage.extensions import db
from engage.helplines.models import CHANNELS, Helpline, helpline_topics
from engage.organizations.models import Affiliation
from engage.people.models import Person
from engage.policies.models import POLICY_STATUSES, Policy, PolicyVersion
from engage.text import render_markdown
from engage.topics.models import SAFE_MESSAGING_TOPICS
from engage.validation import country_name

UNNAMED = "Participant (not named — consent)"
INTERACTIONS_PER_PERSON = 3
INPUTS_PER_PERSON = 8
LIKELY_QUESTIONS = 20
CLASSIFICATION_INTERNAL = "INTERNAL — CONFIDENTIAL"
CLASSIFICATION_RESTRICTED = "RESTRICTED"


@dataclass
class Interaction:
    held_on: date
    title: str
    kind: str
    confidentiality: str


@dataclass
class Point:
    held_on: date
    consultation: str
    text: str
    topic: str
    outcome: str
    rationale: str
    change: str  # "MH-SSH v3 · MH-SSH 3.2", "No change" or ""
    raised_by: str = ""


@dataclass
class Promise:
    description: str
    due_on: date | None
    assignee: str
    overdue: bool


@dataclass
class PolicyChange:
    code: str
    label: str
    effective_on: date | None
    summary: str
    new_to: list[str] = field(default_factory=list)  # named participants not met since it took effect


@dataclass
class Dossier:
    anchor: str
    named: bool
    name: str
    role: str
    rsvp: str
    pronouns: str = ""
    title: str = ""
    country: str = ""
    affiliations: list[str] = field(default_factory=list)
    bio: Markup = field(default_factory=Markup)
    stance: str = ""
    influence: int | None = None
    assessed_on: date | None = None
    interactions: list[Interaction] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    commitments: list[Promise] = field(default_factory=list)
    sensitivities: list[str] = field(default_factory=list)
    lived_experience: Markup | None = None
    last_met: date | None = None
    changes_since: list[PolicyChange] = field(default_factory=list)


@dataclass
class OrganisationPresent:
    name: str
    kind: str
    country: str
    people: list[str]


@dataclass
class PolicySummary:
    code: str
    title: str
    status: str
    topic: str
    current: str
    next_review_on: date | None
    versions: list[PolicyChange]


@dataclass
class HelplineRow:
    name: str
    channel: str
    contact: str
    hours: str
    languages: str
    ages: str
    organisation: str
    escalation: str
    last_verified_on: date | None
    stale: bool


@dataclass
class Helplines:
    country: str | None
    country_name: str
    national: list[HelplineRow]
    international: list[HelplineRow]


@dataclass
class AgendaRow:
    time_label: str
    title: str
    notes: Markup


@dataclass
class BriefingData:
    engagement_id: int
    title: str
    kind: str
    status: str
    forum: str
    topics: list[str]
    speakers: list[str]
    when_local: str
    when_reader: str
    zone: str
    reader_zone: str
    venue: str
    virtual_link: str
    country: str
    objectives: Markup
    key_messages: Markup
    logistics: Markup
    sensitivities: Markup
    agenda: list[AgendaRow]
    participants: list[Dossier]
    organisations: list[OrganisationPresent]
    policies: list[PolicySummary]
    likely_questions: list[Point]
    safe_messaging: bool
    findings: list[safe_messaging.Finding]
    helplines: Helplines | None
    classification: str
    includes_restricted: bool
    reader_name: str
    reader_email: str
    generated_at: datetime
    generated_label: str
    data_timestamps: dict


def _span(starts: datetime, ends: datetime, zone: str) -> str:
    """The span in `zone`, e.g. "Thursday 3 December 2026, 09:00 to 11:00 GMT (Europe/London)"."""
    tz = ZoneInfo(zone)
    start, end = starts.astimezone(tz), ends.astimezone(tz)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}\N{EN DASH}{end:%H:%M} {start:%Z} ({zone})"
    until = f"{end:%A} {end.day} {end:%B %Y}, {end:%H:%M} {end:%Z}"
    return f"{day}, {start:%H:%M} {start:%Z} \N{EN DASH} {until} ({zone})"


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _point(item: Input, raised_by: str = "") -> Point:
    decision = item.decision
    change = ""
    if decision is not None:
        if decision.no_change:
            change = "No change"
        elif decision.policy_version is not None:
            version = decision.policy_version
            change = f"{version.policy.code} {version.label}"
            if decision.clause is not None:
                change += f" · {decision.clause.key}"
        elif decision.clause is not None:
            change = decision.clause.key
    return Point(
        held_on=item.consultation.held_on,
        consultation=item.consultation.title,
        text=item.text,
        topic=item.topic.name if item.topic else "",
        outcome=OUTCOMES.get(decision.outcome, decision.outcome) if decision else "No decision yet",
        rationale=decision.rationale if decision else "",
        change=change,
        raised_by=raised_by,
    )


def _ranked(stmt_columns, partition, order, where, limit):
    """A subquery of rows numbered per `partition` (newest first), keeping the first `limit`."""
    number = func.row_number().over(partition_by=partition, order_by=order).label("rn")
    sub = select(*stmt_columns, number).where(where).subquery()
    return select(sub).where(sub.c.rn <= limit)


def gather_briefing(
    engagement_id: int, reader: User, reader_zone: str = "UTC", now: datetime | None = None
) -> BriefingData | None:
    """Collect the pack's data for `reader`; None when the engagement does not exist."""
    now = now or datetime.now(UTC)
    today = now.date()
    engagement = db.session.execute(
        select(Engagement)
        .where(Engagement.id == engagement_id)
        .options(
            joinedload(Engagement.forum),
            selectinload(Engagement.topics),
            selectinload(Engagement.speakers),
            selectinload(Engagement.agenda_items),
            selectinload(Engagement.participants)
            .joinedload(EngagementParticipant.person)
            .selectinload(Person.assessments),
            selectinload(Engagement.participants)
            .joinedload(EngagementParticipant.person)
            .selectinload(Person.conflicts),
        )
    ).scalar_one_or_none()
    if engagement is None:
        return None

    people = [p.person for p in engagement.participants]
    ids = [p.id for p in people]
    visible = visible_consultations(reader)
    includes_restricted = False

    # Current affiliations, one statement.
    affiliations: dict[int, list[Affiliation]] = {i: [] for i in ids}
    if ids:
        for aff in db.session.execute(
            select(Affiliation)
            .where(Affiliation.person_id.in_(ids), or_(Affiliation.end_on.is_(None), Affiliation.end_on >= today))
            .options(joinedload(Affiliation.organisation))
            .order_by(Affiliation.start_on.desc().nulls_last(), Affiliation.id)
        ).scalars():
            affiliations[aff.person_id].append(aff)

    # The last few consultations with each participant that the reader may see, one statement.
    interactions: dict[int, list[Interaction]] = {i: [] for i in ids}
    if ids:
        ranked = _ranked(
            [
                consultation_people.c.person_id,
                Consultation.held_on,
                Consultation.title,
                Consultation.kind,
                Consultation.confidentiality,
            ],
            consultation_people.c.person_id,
            (Consultation.held_on.desc(), Consultation.id.desc()),
            and_(
                consultation_people.c.consultation_id == Consultation.id,
                consultation_people.c.person_id.in_(ids),
                visible,
            ),
            INTERACTIONS_PER_PERSON,
        )
        for row in sorted(db.session.execute(ranked), key=lambda r: (r.person_id, r.rn)):
            interactions[row.person_id].append(
                Interaction(row.held_on, row.title, CONSULTATION_KINDS.get(row.kind, row.kind), row.confidentiality)
            )
            includes_restricted |= row.confidentiality == "restricted"

    # What each told us and what we did: their latest inputs in visible consultations.
    input_options = (
        joinedload(Input.consultation),
        joinedload(Input.topic),
        joinedload(Input.decision).joinedload(Decision.policy_version).joinedload(PolicyVersion.policy),
        joinedload(Input.decision).joinedload(Decision.clause),
    )
    points: dict[int, list[Point]] = {i: [] for i in ids}
    if ids:
        ranked_inputs = _ranked(
            [Input.id, Input.person_id],
            Input.person_id,
            (Consultation.held_on.desc(), Input.id.desc()),
            and_(Input.consultation_id == Consultation.id, Input.person_id.in_(ids), visible),
            INPUTS_PER_PERSON,
        ).subquery()
        for item in db.session.execute(
            select(Input)
            .where(Input.id.in_(select(ranked_inputs.c.id)))
            .options(*input_options)
            .order_by(Input.person_id, Input.id.desc())
        ).scalars():
            points[item.person_id].append(_point(item))
            includes_restricted |= item.consultation.confidentiality == "restricted"
        for rows in points.values():
            rows.sort(key=lambda p: p.held_on, reverse=True)

    # Likely questions: what we declined or parked, newest first; never from someone we may not
    # name (their own words could identify them).
    named_ids = [p.id for p in people if p.consent_internal and p.erased_at is None]
    likely_inputs = []
    if named_ids:
        likely_inputs = list(
            db.session.execute(
                select(Input)
                .join(Consultation, Input.consultation_id == Consultation.id)
                .join(Decision, Decision.input_id == Input.id)
                .where(Input.person_id.in_(named_ids), Decision.outcome.in_(("declined", "parked")), visible)
                .options(*input_options)
                .order_by(Consultation.held_on.desc(), Input.id.desc())
                .limit(LIKELY_QUESTIONS)
            ).scalars()
        )

    # Open commitments to them (never through a consultation the reader may not see).
    promises: dict[int, list[Promise]] = {i: [] for i in ids}
    if ids:
        for c in db.session.execute(
            select(Commitment)
            .outerjoin(Consultation, Commitment.consultation_id == Consultation.id)
            .where(
                Commitment.person_id.in_(ids),
                Commitment.status == "open",
                or_(Commitment.consultation_id.is_(None), visible),
            )
            .options(joinedload(Commitment.assignee))
            .order_by(Commitment.due_on.asc().nulls_last(), Commitment.id)
        ).scalars():
            promises[c.person_id].append(
                Promise(
                    c.description,
                    c.due_on,
                    c.assignee.name if c.assignee else "Unassigned",
                    bool(c.due_on and c.due_on < today),
                )
            )

    # Policies on the engagement's topics, with their versions.
    topic_ids = [t.id for t in engagement.topics]
    policies = []
    if topic_ids:
        policies = list(
            db.session.execute(
                select(Policy)
                .where(Policy.topic_id.in_(topic_ids), Policy.status != "retired")
                .options(joinedload(Policy.topic), selectinload(Policy.versions))
                .order_by(Policy.code)
            ).scalars()
        )

    # Helplines for the country and the international fallback, when the topics call for them.
    slugs = {t.slug for t in engagement.topics}
    needs_helplines = bool(slugs & SAFE_MESSAGING_TOPICS)
    helplines = None
    if needs_helplines:
        safe_topic_ids = [t.id for t in engagement.topics if t.slug in SAFE_MESSAGING_TOPICS]
        untagged = ~Helpline.id.in_(select(helpline_topics.c.helpline_id))
        tagged = Helpline.id.in_(
            select(helpline_topics.c.helpline_id).where(helpline_topics.c.topic_id.in_(safe_topic_ids))
        )
        place = Helpline.country.is_(None)
        if engagement.country:
            place = or_(place, Helpline.country == engagement.country)
        rows = db.session.execute(
            select(Helpline)
            .where(place, Helpline.archived.is_(False), or_(untagged, tagged))
            .options(joinedload(Helpline.organisation))
            .order_by(Helpline.name)
        ).scalars()
        national, international = [], []
        for h in rows:
            row = HelplineRow(
                name=h.name,
                channel=CHANNELS.get(h.channel, h.channel),
                contact=h.contact,
                hours=h.hours,
                languages=", ".join(h.languages or []),
                ages=h.ages,
                organisation=h.organisation.name if h.organisation else "",
                escalation=" · ".join(x for x in (h.escalation_name, h.escalation_contact) if x),
                last_verified_on=h.last_verified_on,
                stale=h.is_stale(today),
            )
            (international if h.country is None else national).append(row)
        helplines = Helplines(engagement.country, country_name(engagement.country), national, international)

    # Dossiers, in the engagement's order.
    dossiers = []
    orgs: dict[int, OrganisationPresent] = {}
    topic_names = {t.id: t.name for t in engagement.topics}
    for number, participant in enumerate(engagement.participants, start=1):
        person = participant.person
        role = PARTICIPANT_ROLES.get(participant.role, participant.role)
        rsvp = RSVPS.get(participant.rsvp, participant.rsvp)
        if not person.consent_internal or person.erased_at is not None:
            dossiers.append(Dossier(anchor=f"p{number}", named=False, name=UNNAMED, role=role, rsvp=rsvp))
            continue
        assessment = person.current_assessment
        dossier = Dossier(
            anchor=f"p{number}",
            named=True,
            name=person.name,
            role=role,
            rsvp=rsvp,
            pronouns=person.pronouns,
            title=person.title,
            country=country_name(person.country) if person.country else "",
            bio=render_markdown(person.bio),
            stance=assessment.stance.capitalize() if assessment else "Not assessed",
            influence=assessment.influence if assessment else None,
            assessed_on=assessment.assessed_on if assessment else None,
            interactions=interactions[person.id],
            points=points[person.id],
            commitments=promises[person.id],
        )
        for aff in affiliations[person.id]:
            org = aff.organisation
            dossier.affiliations.append(f"{aff.role}, {org.name}" if aff.role else org.name)
            present = orgs.setdefault(
                org.id,
                OrganisationPresent(org.name, org.kind_label, country_name(org.country) if org.country else "", []),
            )
            present.people.append(person.name)
        if person.do_not_contact:
            dossier.sensitivities.append("Do not contact: they asked us not to contact them outside this event.")
        if person.nda_status in ("signed", "requested", "expired"):
            dossier.sensitivities.append(f"NDA: {person.nda_status}.")
        for conflict in person.conflicts:
            dossier.sensitivities.append(f"Declared interest ({_day(conflict.declared_on)}): {conflict.description}")
        if person.lived_experience and can_see_lived_experience(reader, person):
            dossier.lived_experience = render_markdown(person.lived_experience)
        if dossier.interactions:
            dossier.last_met = dossier.interactions[0].held_on
            for policy in policies:
                for version in policy.versions:
                    if version.effective_on and version.effective_on > dossier.last_met:
                        dossier.changes_since.append(
                            PolicyChange(policy.code, version.label, version.effective_on, version.change_summary)
                        )
            dossier.changes_since.sort(key=lambda c: (c.effective_on, c.code))
        dossiers.append(dossier)

    names = {p.id: p.name for p in people}
    likely = [_point(i, names[i.person_id]) for i in likely_inputs]
    includes_restricted |= any(i.consultation.confidentiality == "restricted" for i in likely_inputs)

    policy_rows = []
    for policy in policies:
        dated = [v for v in policy.versions if v.effective_on and v.effective_on <= today]
        current = dated[0] if dated else (policy.versions[0] if policy.versions else None)
        policy_rows.append(
            PolicySummary(
                code=policy.code,
                title=policy.title,
                status=POLICY_STATUSES.get(policy.status, policy.status),
                topic=policy.topic.name if policy.topic else topic_names.get(policy.topic_id, ""),
                current=f"{current.label} (effective {_day(current.effective_on)})"
                if current and current.effective_on
                else (current.label if current else "No version yet"),
                next_review_on=policy.next_review_on,
                versions=[
                    PolicyChange(
                        policy.code,
                        v.label,
                        v.effective_on,
                        v.change_summary,
                        [
                            d.name
                            for d in dossiers
                            if d.named and any((c.code, c.label) == (policy.code, v.label) for c in d.changes_since)
                        ],
                    )
                    for v in policy.versions[:4]
                ],
            )
        )

    findings = safe_messaging.check_fields(safe_messaging.engagement_texts(engagement))
    return BriefingData(
        engagement_id=engagement.id,
        title=engagement.title,
        kind=ENGAGEMENT_KINDS.get(engagement.kind, engagement.kind),
        status=ENGAGEMENT_STATUSES.get(engagement.status, engagement.status),
        forum=engagement.forum.name if engagement.forum else "",
        topics=[t.name for t in engagement.topics],
        speakers=[u.name for u in engagement.speakers],
        when_local=_span(engagement.starts_at, engagement.ends_at, engagement.timezone),
        when_reader=_span(engagement.starts_at, engagement.ends_at, reader_zone),
        zone=engagement.timezone,
        reader_zone=reader_zone,
        venue=engagement.venue,
        virtual_link=engagement.virtual_link,
        country=country_name(engagement.country) if engagement.country else "",
        objectives=render_markdown(engagement.objectives),
        key_messages=render_markdown(engagement.key_messages),
        logistics=render_markdown(engagement.logistics),
        sensitivities=render_markdown(engagement.sensitivities),
        agenda=[AgendaRow(a.time_label, a.title, render_markdown(a.notes)) for a in engagement.agenda_items],
        participants=dossiers,
        organisations=sorted(orgs.values(), key=lambda o: o.name.lower()),
        policies=policy_rows,
        likely_questions=likely,
        safe_messaging=needs_helplines,
        findings=findings,
        helplines=helplines,
        classification=CLASSIFICATION_RESTRICTED if includes_restricted else CLASSIFICATION_INTERNAL,
        includes_restricted=includes_restricted,
        reader_name=reader.name,
        reader_email=reader.email,
        generated_at=now,
        generated_label=f"{now:%d %b %Y %H:%M} UTC",
        data_timestamps={
            "engagement_updated_at": engagement.updated_at.isoformat() if engagement.updated_at else None,
            "engagement_version": engagement.version,
            "people_updated_at": max((p.updated_at.isoformat() for p in people if p.updated_at), default=None),
        },
    )
