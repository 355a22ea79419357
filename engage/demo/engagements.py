"""Demo data for speaking engagements: many zones across a year, speakers, participants, agenda."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engage.demo import names, texts
from engage.demo.base import Context, bulk_insert, bulk_link
from engage.engagements.models import (
    AgendaItem,
    Engagement,
    EngagementParticipant,
    engagement_speakers,
    engagement_topics,
)
from engage.topics.models import SEED_TOPICS

ZONES = [
    "Europe/London",
    "Europe/Brussels",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Africa/Johannesburg",
    "Europe/Dublin",
    "Asia/Dubai",
]
ZONE_COUNTRY = {
    "Europe/London": "GB",
    "Europe/Brussels": "BE",
    "Europe/Berlin": "DE",
    "America/New_York": "US",
    "America/Los_Angeles": "US",
    "America/Sao_Paulo": "BR",
    "America/Mexico_City": "MX",
    "Asia/Kolkata": "IN",
    "Asia/Tokyo": "JP",
    "Asia/Singapore": "SG",
    "Australia/Sydney": "AU",
    "Australia/Lord_Howe": "AU",
    "Africa/Johannesburg": "ZA",
    "Europe/Dublin": "IE",
    "Asia/Dubai": "AE",
}


DEFAULT_KEY_MESSAGES = (
    "- We remove content that encourages self-harm and keep recovery stories up.\n"
    "- Support resources appear on searches in the user's own language.\n"
    "- We publish enforcement data every quarter."
)
# One message the safe-messaging check will flag, so the demo shows it working.
SHOWCASE_KEY_MESSAGES = (
    "- Suicide prevention is a shared job: we work with helplines in every market we serve.\n"
    "- Searches for self-harm terms show support resources before any results, in the user's language.\n"
    "- We take down posts about people who committed suicide when they glamorise the death.\n"
    "- Most suicides that were completed followed months of distress that friends saw online.\n"
    "- Recovery stories stay up; we restrict graphic imagery for under-18s."
)


def _venue(kind: str, city: str, draw: float) -> str:
    """Where it happens: a site visit is always on site; other kinds are online a quarter of the time."""
    if kind == "site_visit":
        return f"Crisis service, {city}"
    return f"Conference Centre, {city}" if draw < 0.75 else ""


# The showcase panel's ten participants: who is on stage, who watches, and two who declined.
SHOWCASE_ROLES = ["moderator", *["co_panellist"] * 4, "organiser", "audience", "audience", *["co_panellist"] * 2]
SHOWCASE_RSVPS = [*["accepted"] * 4, "tentative", "accepted", "accepted", "invited", "declined", "declined"]


def seed_engagements(ctx: Context) -> None:
    """Engagements in many zones across a year, with speakers, participants and agenda."""
    rng, today = ctx.rng, ctx.today
    count = max(30, ctx.people // 10)
    editors, people = ctx.ids["editors"], ctx.ids["people"]
    topic_names = dict(zip(ctx.topic_slugs.values(), [n for _, n in SEED_TOPICS], strict=True))
    demo_editor = ctx.ids["users"][1]
    rows, speakers, participants, agenda, topics = [], [], [], [], []
    kinds = ["speaking", "panel", "panel", "roundtable", "council_meeting", "site_visit", "conference"]
    roles = ["co_panellist", "co_panellist", "moderator", "organiser", "audience"]
    rsvps = ["accepted", "accepted", "invited", "tentative", "declined"]
    for eid in range(1, count + 1):
        zone = ZONES[eid % len(ZONES)]
        day = today + timedelta(days=rng.randint(-150, 240))
        hour = rng.choice([9, 10, 11, 13, 14, 15, 16])
        local = datetime.combine(day, time(hour, rng.choice([0, 30])), ZoneInfo(zone))
        starts = local.astimezone(UTC)
        ends = starts + timedelta(minutes=rng.choice([60, 90, 120, 180]))
        topic = rng.choice(ctx.ids["topics"])
        country = ZONE_COUNTRY[zone]
        past = day < today
        status = (
            ("done" if rng.random() < 0.9 else "cancelled")
            if past
            else rng.choice(["confirmed", "confirmed", "proposed"])
        )
        drawn, kind = rng.choice(names.ENGAGEMENT_TITLES), rng.choice(kinds)
        title = texts.title_for(kind, drawn, names.ENGAGEMENT_TITLES, texts.ENGAGEMENT_TITLES_BY_KIND).format(
            topic=topic_names[topic], city=names.CITIES[country]
        )
        key_messages = DEFAULT_KEY_MESSAGES
        if eid == 1:  # the showcase: a suicide-prevention panel in London in three days, for the demo editor
            zone, country, topic, status = "Europe/London", "GB", ctx.topic_slugs["suicide-self-harm"], "confirmed"
            starts = datetime.combine(today + timedelta(days=3), time(14, 0), ZoneInfo(zone)).astimezone(UTC)
            ends = starts + timedelta(minutes=90)
            title, kind = "Panel: suicide prevention online — London Safer Internet Forum", "panel"
            key_messages = SHOWCASE_KEY_MESSAGES
        rows.append(
            dict(
                id=eid,
                uid=f"demo-{eid:06d}@engage.example",
                title=title,
                kind=kind,
                forum_id=rng.choice(ctx.ids["forums"]) if rng.random() < 0.25 else None,
                starts_at=starts,
                ends_at=ends,
                timezone=zone,
                country=country,
                venue=_venue(kind, names.CITIES[country], rng.random()),
                virtual_link="https://meet.example.org/room/" + str(eid) if rng.random() < 0.4 else "",
                status=status,
                objectives="Explain our approach and listen to concerns from the sector.",
                key_messages=key_messages,
                sensitivities="Recent press coverage of recommendation systems; expect questions on under-18s.",
                logistics="Arrive 30 minutes early for a sound check. Contact the organiser on arrival.",
                sequence=0,
                created_by_id=rng.choice(editors),
                version=1,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
        chosen = {demo_editor} if eid % 4 == 0 or eid == 1 else set()
        chosen |= set(rng.sample(editors, rng.choice([1, 1, 2])))
        speakers.extend({"engagement_id": eid, "user_id": u} for u in chosen)
        chosen_people = rng.sample(people, min(len(people), 10 if eid == 1 else rng.randint(2, 8)))
        for number, person in enumerate(chosen_people):
            role, rsvp = rng.choice(roles), rng.choice(rsvps)
            if eid == 1:
                role, rsvp = SHOWCASE_ROLES[number], SHOWCASE_RSVPS[number]
            participants.append(dict(engagement_id=eid, person_id=person, role=role, rsvp=rsvp))
        for position, (label, item) in enumerate(
            [
                ("", "Welcome and introductions"),
                ("", "Opening remarks"),
                ("", "Panel discussion"),
                ("", "Questions from the audience"),
            ]
        ):
            agenda.append(dict(engagement_id=eid, position=position, time_label=label, title=item, notes=""))
        topics.append({"engagement_id": eid, "topic_id": topic})
    bulk_insert(Engagement, rows)
    bulk_link(engagement_speakers, speakers)
    bulk_insert(EngagementParticipant, participants)
    bulk_insert(AgendaItem, agenda)
    bulk_link(engagement_topics, topics)
    ctx.counts["engagements"] = count
