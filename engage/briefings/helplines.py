"""The helplines a pack lists when its topics call for safe messaging: national and international."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from engage.choices import active
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.helplines.models import CHANNELS, Helpline, helpline_topics
from engage.topics.models import SAFE_MESSAGING_TOPICS
from engage.validation import country_name, display_phone, language_name


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


def needs_helplines(engagement: Engagement) -> bool:
    return bool({t.slug for t in engagement.topics} & SAFE_MESSAGING_TOPICS)


def _readable(contact: str) -> str:
    """A number as people dial it (+44 20 7946 0000); anything else as stored."""
    return display_phone(contact) if contact.startswith("+") else contact


def _row(helpline: Helpline, today: date) -> HelplineRow:
    return HelplineRow(
        name=helpline.name,
        channel=CHANNELS.get(helpline.channel, helpline.channel),
        contact=helpline.contact_text,
        hours=helpline.hours,
        languages=", ".join(language_name(code) for code in helpline.languages or []),
        ages=helpline.ages,
        organisation=helpline.organisation.name if helpline.organisation else "",
        escalation=" · ".join(x for x in (helpline.escalation_name, _readable(helpline.escalation_contact)) if x),
        last_verified_on=helpline.last_verified_on,
        stale=helpline.is_stale(today),
    )


def helplines_for(engagement: Engagement, today: date) -> Helplines | None:
    """The engagement's country's helplines and the international ones, for its safe-messaging
    topics (untagged helplines serve every topic); None when no topic calls for them."""
    if not needs_helplines(engagement):
        return None
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
        .where(place, active(Helpline), or_(untagged, tagged))
        .options(joinedload(Helpline.organisation))
        .order_by(Helpline.name)
    ).scalars()
    national, international = [], []
    for helpline in rows:
        (international if helpline.country is None else national).append(_row(helpline, today))
    return Helplines(engagement.country, country_name(engagement.country), national, international)
