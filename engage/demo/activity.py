"""Demo data for the work itself: policies, consultations, inputs and decisions, commitments.

Engagements are in engage/demo/engagements.py."""

from datetime import timedelta

from sqlalchemy import text

from engage import regions
from engage.consultations.models import (
    Commitment,
    Consultation,
    Decision,
    Input,
    consultation_organisations,
    consultation_people,
    consultation_staff,
    consultation_topics,
)
from engage.demo import names, texts
from engage.demo.base import Context, bulk_insert, bulk_link
from engage.extensions import db
from engage.policies.models import Clause, Policy, PolicyVersion
from engage.topics.models import SEED_TOPICS

POLICY_CODES = {
    "suicide-self-harm": ("MH-SSH", "Suicide and self-harm"),
    "disordered-eating": ("MH-ED", "Disordered eating"),
    "body-image": ("MH-BI", "Body image and ideals"),
    "emotionally-vulnerable": ("MH-EV", "Emotionally vulnerable content"),
    "product-wellbeing": ("MH-PW", "Well-being in product features"),
    "commercial-content": ("MH-CC", "Commercial content and well-being"),
    "crisis-response": ("MH-CR", "Crisis response and escalation"),
    "regulation": ("MH-REG", "Regulatory commitments on mental health"),
}
CLAUSE_HEADINGS = [
    "Scope",
    "Content we remove",
    "Content we restrict for under-18s",
    "Recovery and support content",
    "Search and recommendations",
    "Support resources shown to users",
    "Enforcement and appeals",
]
CLAUSE_TEXT = {
    0: "This policy applies to videos, live streams, comments and profile content about {area}.",
    1: "We remove content that encourages, instructs or glamorises {area_lower}, including method detail.",
    2: "Content that may be distressing about {area_lower} is not recommended to people under 18.",
    3: "We allow people to share their own experience of {area_lower} and recovery, without graphic detail.",
    4: "Searches for terms about {area_lower} show support resources before any results.",
    5: "Support resources are shown in the user's language and country, with verified helplines.",
    6: "Creators can appeal enforcement; reviewers receive specialist guidance on {area_lower}.",
}
AMENDMENTS = [
    " Educational and documentary content is in scope when it is posted by a verified organisation.",
    " Before-and-after imagery is treated as restricted for under-18s.",
    " Memorial content is allowed when it carries no method detail.",
    " Live streams are reviewed with priority when a viewer reports risk.",
]


def seed_policies(ctx: Context) -> None:
    """One policy per topic, three or four versions each, seven clauses per version."""
    rng, today = ctx.rng, ctx.today
    policies, versions, clauses = [], [], []
    ctx.policy_versions = {}  # topic id -> [(version id, effective_on, {key: clause id})]
    version_id = clause_id = 0
    for pid, (slug, area) in enumerate(SEED_TOPICS, start=1):
        code, title = POLICY_CODES[slug]
        topic_id = ctx.topic_slugs[slug]
        status = "in_consultation" if pid % 3 == 0 else "launched"
        policies.append(
            dict(
                id=pid,
                code=code,
                title=title,
                topic_id=topic_id,
                owner_id=rng.choice(ctx.ids["editors"]),
                status=status,
                next_review_on=today + timedelta(days=30 + 25 * pid),
                description=f"How we handle content about {area.lower()}.",
                version=1,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
        ctx.policy_versions[topic_id] = []
        n_versions = 4 if pid % 2 else 3
        texts = {i: CLAUSE_TEXT[i].format(area=area, area_lower=area.lower()) for i in CLAUSE_TEXT}
        for v in range(n_versions):
            version_id += 1
            effective = today - timedelta(days=900 - 300 * v) if v < 3 else today + timedelta(days=20)
            embargo = effective + timedelta(days=10) if v == n_versions - 1 else effective
            changed = rng.sample(range(len(CLAUSE_HEADINGS)), 2) if v else []
            for index in changed:
                texts[index] = texts[index] + AMENDMENTS[(v + index) % len(AMENDMENTS)]
            versions.append(
                dict(
                    id=version_id,
                    policy_id=pid,
                    label=f"v{v + 1}.0",
                    effective_on=effective,
                    public_release_on=embargo,
                    change_summary=(
                        "First published version."
                        if not v
                        else "Updated "
                        + " and ".join(CLAUSE_HEADINGS[i].lower() for i in sorted(changed))
                        + " after expert consultation."
                    ),
                    version=1,
                    created_at=ctx.now,
                    updated_at=ctx.now,
                )
            )
            keys = {}
            for index, heading in enumerate(CLAUSE_HEADINGS):
                clause_id += 1
                key = f"{code} {index + 1}.{1 if index % 2 else 0}"
                clauses.append(
                    dict(
                        id=clause_id,
                        version_id=version_id,
                        key=key,
                        heading=heading,
                        text=texts[index],
                        position=index,
                    )
                )
                keys[key] = clause_id
            ctx.policy_versions[topic_id].append((version_id, effective, keys))
    bulk_insert(Policy, policies)
    bulk_insert(PolicyVersion, versions)
    bulk_insert(Clause, clauses)
    ctx.counts["policies"] = len(policies)


def _version_at(versions, day):
    """The version in force on `day` and the one after it (or None)."""
    current, following = versions[0], None
    for i, version in enumerate(versions):
        if version[1] <= day:
            current = version
            following = versions[i + 1] if i + 1 < len(versions) else None
    return current, following


LAPSED_AFTER = 280  # days: the lapsed seventh of the directory was last met before this
# A coverage gap for the policy alerts to find: nobody from this region consulted on this topic
# in the last year (though the directory has experts from there on it).
GAP_TOPIC, GAP_REGION, GAP_DAYS = "disordered-eating", "Latin America and the Caribbean", 400


def seed_consultations(ctx: Context) -> None:
    """Consultations with participants, staff and topics; inputs with decisions; commitments."""
    rng, today = ctx.rng, ctx.today
    count = ctx.people * 3
    people, editors, forums = ctx.ids["people"], ctx.ids["editors"], ctx.ids["forums"]
    gap_topic, gap_countries = ctx.topic_slugs[GAP_TOPIC], set(regions.countries_in(GAP_REGION))
    pools = {
        (lapsed, gap): [p for p in people if (lapsed or p % 7) and not (gap and ctx.person_country[p] in gap_countries)]
        for lapsed in (True, False)
        for gap in (True, False)
    }
    topic_ids = ctx.ids["topics"]
    topic_names = dict(zip(ctx.topic_slugs.values(), [n for _, n in SEED_TOPICS], strict=True))
    slug_of = {topic_id: slug for slug, topic_id in ctx.topic_slugs.items()}
    demo_editor = ctx.ids["users"][1]
    kinds = [
        "meeting",
        "meeting",
        "call",
        "call",
        "roundtable",
        "workshop",
        "written_submission",
        "survey",
        "email",
    ]
    outcomes = ["adopted"] * 20 + ["adapted"] * 15 + ["declined"] * 20 + ["parked"] * 10 + ["under_review"] * 35
    batch = {k: [] for k in ("c", "people", "orgs", "staff", "topics", "inputs", "decisions", "commitments")}
    input_id = 0
    commitment_every = 6

    def flush():
        bulk_insert(Consultation, batch["c"])
        bulk_link(consultation_people, batch["people"])
        bulk_link(consultation_organisations, batch["orgs"])
        bulk_link(consultation_staff, batch["staff"])
        bulk_link(consultation_topics, batch["topics"])
        bulk_insert(Input, batch["inputs"])
        bulk_insert(Decision, batch["decisions"])
        bulk_insert(Commitment, batch["commitments"])
        for rows in batch.values():
            rows.clear()

    for cid in range(1, count + 1):
        held = today - timedelta(days=int(rng.triangular(1, 1100, 60)))
        topic = rng.choice(topic_ids)
        roll = rng.random()
        confidentiality = "restricted" if roll < 0.05 else "confidential" if roll < 0.15 else "normal"
        creator = demo_editor if cid % 11 == 0 else rng.choice(editors)
        drawn, kind = rng.choice(names.CONSULTATION_TITLES), rng.choice(kinds)
        template = texts.title_for(kind, drawn, names.CONSULTATION_TITLES, texts.CONSULTATION_TITLES_BY_KIND)
        batch["c"].append(
            dict(
                id=cid,
                title=template.format(topic=topic_names[topic]),
                held_on=held,
                kind=kind,
                forum_id=rng.choice(forums) if rng.random() < 0.3 else None,
                summary=f"We discussed {topic_names[topic].lower()} with the participants. Notes below are ours.",
                confidentiality=confidentiality,
                created_by_id=creator,
                version=1,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
        # Every seventh person has not been met for over nine months: cooling relationships, and
        # experts consulted for a policy version and not contacted since (issue 14's alerts).
        recent_gap = held >= today - timedelta(days=GAP_DAYS)
        pool = pools[(held < today - timedelta(days=LAPSED_AFTER), recent_gap and topic == gap_topic)]
        attendees = rng.sample(pool, rng.choice([1, 1, 2, 2, 3, 4]))
        batch["people"].extend({"consultation_id": cid, "person_id": p} for p in attendees)
        orgs = {ctx.person_org[p] for p in attendees[:1] if p in ctx.person_org}
        batch["orgs"].extend({"consultation_id": cid, "organisation_id": o} for o in orgs)
        if confidentiality == "normal":
            for p in attendees:
                if ctx.last_person.get(p, held) <= held:
                    ctx.last_person[p] = held
            for o in orgs:
                if ctx.last_org.get(o, held) <= held:
                    ctx.last_org[o] = held
        staff = {creator} | ({rng.choice(editors)} if rng.random() < 0.5 else set())
        batch["staff"].extend({"consultation_id": cid, "user_id": u} for u in staff)
        topics = {topic} | ({rng.choice(topic_ids)} if rng.random() < 0.3 else set())
        if recent_gap and topic != gap_topic and any(ctx.person_country[p] in gap_countries for p in attendees):
            topics.discard(gap_topic)
        batch["topics"].extend({"consultation_id": cid, "topic_id": t} for t in topics)
        # Each point is on one of its consultation's topics (mostly the main one), and a decision
        # changes that topic's policy: an evidence pack for a topic then reads true.
        at = {t: _version_at(ctx.policy_versions[t], held) for t in topics}
        extra = sorted(topics - {topic})
        for _ in range(rng.choice([2, 3, 3, 4, 4, 4])):
            input_id += 1
            point_topic = extra[0] if extra and rng.random() < 0.35 else topic
            current, following = at[point_topic]
            key = rng.choice(list(current[2]))
            aimed = current[2][key] if rng.random() < 0.65 else None
            batch["inputs"].append(
                dict(
                    id=input_id,
                    consultation_id=cid,
                    person_id=rng.choice(attendees),
                    organisation_id=None,
                    topic_id=point_topic,
                    text=texts.point_text(slug_of[point_topic], rng.choice(names.INPUT_TEXTS)),
                    clause_id=aimed,
                    version=1,
                    created_at=ctx.now,
                    updated_at=ctx.now,
                )
            )
            outcome = rng.choice(outcomes)
            if outcome in ("adopted", "adapted") and following is None:
                outcome = "under_review"
            decided = outcome != "under_review"
            changes = outcome in ("adopted", "adapted")
            batch["decisions"].append(
                dict(
                    input_id=input_id,
                    outcome=outcome,
                    rationale=names.RATIONALES[outcome],
                    decided_by_id=rng.choice(editors) if decided else None,
                    # never in the future: a version taking effect later was decided on by today
                    decided_on=min(following[1] if changes else held + timedelta(days=rng.randint(7, 60)), today)
                    if decided
                    else None,
                    policy_version_id=following[0] if changes else None,
                    clause_id=following[2].get(key) if changes else None,
                    no_change=outcome in ("declined", "parked"),
                    version=1,
                    created_at=ctx.now,
                    updated_at=ctx.now,
                )
            )
        if cid % commitment_every == 0:
            due = held + timedelta(days=rng.randint(7, 45))
            status = "open" if due > today - timedelta(days=60) and rng.random() < 0.7 else "done"
            batch["commitments"].append(
                dict(
                    description=rng.choice(names.COMMITMENTS),
                    assignee_id=demo_editor if cid % 5 == 0 else creator,
                    due_on=due,
                    status=status,
                    consultation_id=cid,
                    person_id=attendees[0],
                    engagement_id=None,
                    created_by_id=creator,
                    reminded_for=None,
                    version=1,
                    created_at=ctx.now,
                    updated_at=ctx.now,
                )
            )
        if len(batch["c"]) >= 5000:
            flush()
    flush()
    ctx.counts["consultations"] = count
    ctx.counts["inputs"] = input_id


def derive_last_interactions(ctx: Context) -> None:
    """Last interaction dates, derived from the normal consultations just written (executemany)."""
    # Restricted and confidential meetings are left out so the date never reveals them.
    for table, mapping in (("people", ctx.last_person), ("organisations", ctx.last_org)):
        rows = [{"row_id": key, "day": day} for key, day in mapping.items()]
        statement = text(f"UPDATE {table} SET last_interaction_on = :day WHERE id = :row_id")  # noqa: S608
        for start in range(0, len(rows), 20_000):
            db.session.execute(statement, rows[start : start + 20_000])
