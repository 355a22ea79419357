"""Everything a briefing pack needs for one engagement and one READER, in a constant number of queries.

Privacy follows the reader: consultations come through `visible_consultations(reader)`,
lived experience through `can_see_lived_experience`, and a participant who has not agreed
to be named in internal briefings appears as "Participant (not named — consent)" with
nothing that identifies them. The builder receives plain data and never queries.

What each part gathers lives in its own module: dossiers.py (participants), points.py (what
they told us, likely questions), policy_changes.py, helplines.py.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.briefings import dossiers, helplines, points, policy_changes, safe_messaging, summary
from engage.briefings.dossiers import Dossier, OrganisationPresent
from engage.briefings.helplines import Helplines
from engage.briefings.points import Point
from engage.briefings.policy_changes import PolicySummary
from engage.briefings.summary import PageOne
from engage.dateformats import DEFAULT_DATE_FORMAT, format_day, reader_date_format
from engage.engagements.models import ENGAGEMENT_KINDS, ENGAGEMENT_STATUSES, Engagement, EngagementParticipant
from engage.extensions import db
from engage.people.models import Person
from engage.text import render_markdown
from engage.validation import country_name
from engage.zones import in_zone

CLASSIFICATION_INTERNAL = "INTERNAL — CONFIDENTIAL"
CLASSIFICATION_RESTRICTED = "RESTRICTED"


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
    date_format: str  # the reader's (dateformats): in the data, so a new format makes a new pack
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
    more_questions: int  # declined or parked points beyond those listed
    page_one: PageOne
    safe_messaging: bool
    findings: list[safe_messaging.Finding]
    helplines: Helplines | None
    classification: str
    includes_restricted: bool
    reader_name: str
    reader_email: str
    as_of: datetime  # the data's freeze time: the latest change to what the pack reads
    as_of_label: str
    data_timestamps: dict

    @property
    def dossiers(self) -> list[Dossier]:
        """The participants who get a full dossier (accepted or tentative, not audience)."""
        return [p for p in self.participants if p.full]

    @property
    def one_liners(self) -> list[Dossier]:
        """Everyone else: one line each."""
        return [p for p in self.participants if not p.full]


def _span(starts: datetime, ends: datetime, zone: str, style: str = DEFAULT_DATE_FORMAT) -> str:
    """The span in `zone`, e.g. "Thursday 3 December 2026, 09:00 to 11:00 GMT (Europe/London)",
    its dates in the reader's `style` ("Thursday 2026-12-03, …")."""
    tz = ZoneInfo(zone)
    start, end = starts.astimezone(tz), ends.astimezone(tz)

    def written(moment: datetime) -> str:
        on = f"{moment.day} {moment:%B %Y}" if style == DEFAULT_DATE_FORMAT else format_day(moment, style)
        return f"{moment:%A} {on}"

    if start.date() == end.date():
        return f"{written(start)}, {start:%H:%M}\N{EN DASH}{end:%H:%M} {start:%Z} ({zone})"
    until = f"{written(end)}, {end:%H:%M} {end:%Z}"
    return f"{written(start)}, {start:%H:%M} {start:%Z} \N{EN DASH} {until} ({zone})"


def _engagement(engagement_id: int) -> Engagement | None:
    """The engagement with its forum, topics, speakers, agenda and participants (and their
    assessments and declared conflicts) loaded."""
    person = selectinload(Engagement.participants).joinedload(EngagementParticipant.person)
    return db.session.execute(
        select(Engagement)
        .where(Engagement.id == engagement_id)
        .options(
            joinedload(Engagement.forum),
            selectinload(Engagement.topics),
            selectinload(Engagement.speakers),
            selectinload(Engagement.agenda_items),
            person.selectinload(Person.assessments),
            person.selectinload(Person.conflicts),
        )
    ).scalar_one_or_none()


def gather_briefing(
    engagement_id: int, reader: User, reader_zone: str = "UTC", now: datetime | None = None
) -> BriefingData | None:
    """Collect the pack's data for `reader`; None when the engagement does not exist."""
    now = now or datetime.now(UTC)
    today = now.date()
    style = reader_date_format(reader)
    engagement = _engagement(engagement_id)
    if engagement is None:
        return None

    people = [p.person for p in engagement.participants]
    ids = [p.id for p in people]
    topic_ids = [t.id for t in engagement.topics]
    visible = visible_consultations(reader)
    told, totals = dossiers.points(ids, visible, topic_ids)
    gathered = dossiers.Gathered(
        affiliations=dossiers.affiliations(ids, today),
        interactions=dossiers.interactions(ids, visible),
        points=told,
        promises=dossiers.promises(ids, visible, today),
        totals=totals,
    )
    # Likely questions come from the people who are coming (and whom we may name).
    coming = {p.person_id for p in engagement.participants if p.rsvp != "declined"}
    named = {p.id: p.name for p in people if p.id in coming and dossiers.may_be_named(p)}
    likely, likely_total = points.likely_questions(named, visible)
    likely = likely[: summary.QUESTIONS_IN_PACK]
    policies = policy_changes.policies_on(topic_ids)
    pack_helplines = helplines.helplines_for(engagement, today)
    participants, organisations = dossiers.dossiers(engagement, gathered, policies, reader)
    topic_names = {t.id: t.name for t in engagement.topics}
    # Restricted when anything the pack shows comes from a restricted consultation.
    shown = [d for d in participants if d.full]
    includes_restricted = (
        any(i.confidentiality == "restricted" for d in shown for i in d.interactions)
        or any(pt.restricted for d in shown for pt in d.points)
        or any(pt.restricted for pt in likely)
    )
    as_of = points.latest(
        engagement.updated_at,
        *(p.updated_at for p in people),
        *(v.updated_at for p in policies for v in [p, *p.versions]),
        *(pt.as_of for rows in told.values() for pt in rows),
        *(pt.as_of for pt in likely),
    ) or datetime(2000, 1, 1, tzinfo=UTC)

    return BriefingData(
        engagement_id=engagement.id,
        title=engagement.title,
        kind=ENGAGEMENT_KINDS.get(engagement.kind, engagement.kind),
        status=ENGAGEMENT_STATUSES.get(engagement.status, engagement.status),
        forum=engagement.forum.name if engagement.forum else "",
        topics=[t.name for t in engagement.topics],
        speakers=[u.name for u in engagement.speakers],
        when_local=_span(engagement.starts_at, engagement.ends_at, engagement.timezone, style),
        when_reader=_span(engagement.starts_at, engagement.ends_at, reader_zone, style),
        zone=engagement.timezone,
        reader_zone=reader_zone,
        date_format=style,
        venue=engagement.venue,
        virtual_link=engagement.virtual_link,
        country=country_name(engagement.country) if engagement.country else "",
        objectives=render_markdown(engagement.objectives),
        key_messages=render_markdown(engagement.key_messages),
        logistics=render_markdown(engagement.logistics),
        sensitivities=render_markdown(engagement.sensitivities),
        agenda=[AgendaRow(a.time_label, a.title, render_markdown(a.notes)) for a in engagement.agenda_items],
        participants=participants,
        organisations=organisations,
        policies=policy_changes.summaries(policies, participants, topic_names, today),
        likely_questions=likely,
        more_questions=max(0, likely_total - sum(q.count for q in likely)),
        page_one=summary.page_one(engagement.key_messages, participants, likely, pack_helplines),
        safe_messaging=helplines.needs_helplines(engagement),
        findings=safe_messaging.check_fields(safe_messaging.engagement_texts(engagement)),
        helplines=pack_helplines,
        classification=CLASSIFICATION_RESTRICTED if includes_restricted else CLASSIFICATION_INTERNAL,
        includes_restricted=includes_restricted,
        reader_name=reader.name,
        reader_email=reader.email,
        as_of=as_of,
        as_of_label=_as_of(as_of, reader_zone),
        data_timestamps={
            "engagement_updated_at": engagement.updated_at.isoformat() if engagement.updated_at else None,
            "engagement_version": engagement.version,
            "people_updated_at": max((p.updated_at.isoformat() for p in people if p.updated_at), default=None),
        },
    )


def _as_of(instant: datetime, zone: str) -> str:
    """When the data was last changed, in the reader's zone like every other time of the pack."""
    return in_zone(instant if instant.tzinfo else instant.replace(tzinfo=UTC), zone, "%d %b %Y %H:%M")
