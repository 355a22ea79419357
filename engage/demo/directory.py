"""Demo data for the directory: topics, organisations, people, affiliations, forums, helplines."""

from datetime import timedelta

from anyascii import anyascii
from sqlalchemy import select

from engage.demo import names
from engage.demo.base import Context, bulk_insert, bulk_link
from engage.extensions import db
from engage.forums.models import Forum, ForumMember, forum_representatives
from engage.helplines.models import Helpline, helpline_topics
from engage.organizations.models import Affiliation, Organisation, organisation_topics
from engage.people import models as person_models
from engage.topics.models import Topic
from engage.topics.services import ensure_seed_topics

STANCES = ["supportive", "supportive", "neutral", "neutral", "critical", "unknown"]


def seed_topics(ctx: Context) -> None:
    """The managed taxonomy: made by the migration; made here too for a schema built by create_all."""
    ensure_seed_topics()
    rows = db.session.execute(select(Topic.id, Topic.slug).order_by(Topic.id)).all()
    ctx.ids["topics"] = [r.id for r in rows]
    ctx.topic_slugs = {r.slug: r.id for r in rows}
    ctx.counts["topics"] = len(rows)


def _organisation_name(rng, kind: str, place: str, used: set[str]) -> str:
    """A realistic name, unique within the data set (a qualifier, then a number, when needed)."""
    words, nouns = names.ORG_WORDS[kind]
    for attempt in range(8):
        prefix = f"{rng.choice(names.ORG_QUALIFIERS)} {place}" if attempt >= 3 else place
        word = rng.choice(words)
        noun = rng.choice([n for n in nouns if n.split()[0] not in word.split()])  # no "Research Research Unit"
        name = f"{prefix} {word} {noun}"
        if name not in used:
            break
    else:
        name = f"{name} {len(used)}"
    used.add(name)
    return name


def seed_organisations(ctx: Context) -> None:
    rng = ctx.rng
    count = max(20, ctx.people // 5)
    kinds = [k for k, w in names.ORG_KINDS for _ in range(w)]
    rows, topic_links = [], []
    used: set[str] = set()
    countries = ctx.country_choices
    for i in range(1, count + 1):
        kind = rng.choice(kinds)
        country = rng.choice(countries)
        name = _organisation_name(rng, kind, names.CITIES[country], used)
        parent = rng.randrange(1, i) if i > 40 and rng.random() < 0.08 else None
        rows.append(
            dict(
                id=i,
                name=name,
                kind=kind,
                country=country,
                website=f"https://www.example.org/{kind}/{i}",
                description="",
                parent_id=parent,
                last_interaction_on=None,
                archived=i % 97 == 0,
                version=1,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
        for topic in rng.sample(ctx.ids["topics"], rng.randint(1, 3)):
            topic_links.append({"organisation_id": i, "topic_id": topic})
    bulk_insert(Organisation, rows)
    bulk_link(organisation_topics, topic_links)
    ctx.ids["organisations"] = [r["id"] for r in rows]
    ctx.helpline_orgs = {}
    for r in rows:
        if r["kind"] in ("helpline", "ngo"):
            ctx.helpline_orgs.setdefault(r["country"], []).append(r["id"])
    ctx.counts["organisations"] = len(rows)


NAMESAKE = "Aisha Okafor"


def _namesakes(people: list[dict], emails: list[dict]) -> None:
    """Two people of one name, as every real directory has: the pickers must tell them apart
    (by organisation, country and email), so the demo shows that they do."""
    pair = [p for p in people if p["country"] not in ("CN", "KR", "JP")][:2]
    if len(pair) < 2:
        return
    for person in pair:
        person["name"] = NAMESAKE
        for email in emails:
            if email["person_id"] == person["id"] and email["position"] == 0:
                email["email"] = f"okafor.{person['id']}@expert.example"


def _kept(value, keep: bool):
    """`value`, or None when not kept (the value is computed either way, so the random stream and
    with it the rest of the demo data stay the same)."""
    return value if keep else None


def seed_people(ctx: Context) -> None:
    rng, today = ctx.rng, ctx.today
    people, emails, phones, topics, assessments, affiliations = [], [], [], [], [], []
    conflicts, honoraria = [], []
    orgs = ctx.ids["organisations"]
    editors = ctx.ids["editors"]
    for i in range(1, ctx.people + 1):
        country, first_names, last_names = ctx.pick_region()
        first, last = rng.choice(first_names), rng.choice(last_names)
        name = (
            f"{last} {first}"
            if country in ("CN", "KR") or (country == "JP" and not first.isascii())
            else (f"{first} {last}")
        )
        consent_basis = rng.choice(["consent", "consent", "legitimate_interest"])
        internal = rng.random() < 0.93
        dnc = rng.random() < 0.03
        people.append(
            dict(
                id=i,
                name=name,
                pronouns=rng.choice(names.PRONOUNS),
                title=rng.choice(names.TITLES),
                country=country,
                languages=names.LANGUAGES[country],
                time_zone=names.ZONES[country],
                bio=" ".join(rng.sample(names.BIO_SENTENCES, 2)),
                links=[f"https://www.example.org/people/{i}"] if rng.random() < 0.4 else [],
                owner_id=rng.choice(editors),
                nda_status=rng.choice(["none", "none", "none", "signed", "requested"]),
                lived_experience=(
                    "Has spoken publicly about recovery from an eating disorder; prefers not to discuss it in meetings."
                    if rng.random() < 0.06
                    else ""
                ),
                # A few (one in 17) have no basis recorded yet: no document names them (issue 18).
                consent_basis=_kept(consent_basis, i % 17 != 3),
                consent_on=_kept(today - timedelta(days=rng.randint(10, 900)), i % 17 != 3),
                consent_contact=not dnc,
                consent_internal=internal,
                consent_public=rng.random() < 0.5,
                consent_regulator=rng.random() < 0.35,
                do_not_contact=dnc,
                last_interaction_on=None,
                archived=rng.random() < 0.01,
                erased_at=None,
                version=1,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
        ascii_last = "".join(c for c in anyascii(last).lower() if c.isalnum()) or "expert"
        emails.append(dict(person_id=i, email=f"{ascii_last}.{i}@expert.example", label="work", position=0))
        if rng.random() < 0.2:
            emails.append(dict(person_id=i, email=f"p{i}@mail.example", label="personal", position=1))
        if rng.random() < 0.6:
            phones.append(dict(person_id=i, number=ctx.phone_for(country), label="mobile", position=0))
        ctx.person_country[i] = country
        for topic in rng.sample(ctx.ids["topics"], rng.randint(1, 3)):
            topics.append({"person_id": i, "topic_id": topic})
        for k in range(rng.choice([1, 1, 1, 2])):
            assessments.append(
                dict(
                    person_id=i,
                    topic_id=None,
                    influence=rng.randint(1, 5),
                    stance=rng.choice(STANCES),
                    assessed_on=today - timedelta(days=rng.randint(0, 400) + 400 * k),
                    assessed_by_id=rng.choice(editors),
                    note="",
                )
            )
        org = rng.choice(orgs)
        affiliations.append(
            dict(
                person_id=i,
                organisation_id=org,
                role=people[-1]["title"],
                start_on=today - timedelta(days=rng.randint(100, 3000)),
                end_on=None,
                version=1,
            )
        )
        if rng.random() < 0.2:
            affiliations.append(
                dict(
                    person_id=i,
                    organisation_id=rng.choice(orgs),
                    role="Research Associate",
                    start_on=today - timedelta(days=rng.randint(3200, 5000)),
                    end_on=today - timedelta(days=rng.randint(3001, 3100)),
                    version=1,
                )
            )
        if rng.random() < 0.05:
            conflicts.append(
                dict(
                    person_id=i,
                    declared_on=today - timedelta(days=rng.randint(0, 500)),
                    description="Receives research funding from a technology company.",
                )
            )
        if rng.random() < 0.04:
            honoraria.append(
                dict(
                    person_id=i,
                    paid_on=today - timedelta(days=rng.randint(0, 500)),
                    amount=rng.choice([250, 500, 750, 1000]),
                    currency="EUR",
                    purpose="Advisory council session",
                )
            )
    _namesakes(people, emails)
    # One likely duplicate for the duplicates page: person 11 typed in again as person 12.
    work = {e["person_id"]: e for e in emails if e["position"] == 0}
    if 12 in work:
        people[11]["name"], work[12]["email"] = people[10]["name"], work[11]["email"]
    for person in people:  # the stored keys the duplicates page groups by (COPY fills no defaults)
        person["name_key"] = person_models.name_key(person["name"])
    for email in emails:
        email["email_key"] = person_models.email_key(email["email"])
    bulk_insert(person_models.Person, people)
    bulk_insert(person_models.PersonEmail, emails)
    bulk_insert(person_models.PersonPhone, phones)
    bulk_link(person_models.person_topics, topics)
    bulk_insert(person_models.StakeholderAssessment, assessments)
    bulk_insert(Affiliation, affiliations)
    bulk_insert(person_models.ConflictDeclaration, conflicts)
    bulk_insert(person_models.Honorarium, honoraria)
    ctx.ids["people"] = [p["id"] for p in people]
    ctx.person_org = {a["person_id"]: a["organisation_id"] for a in affiliations if a["end_on"] is None}
    ctx.counts["people"] = len(people)
    ctx.counts["affiliations"] = len(affiliations)


FORUMS = [
    ("Youth Safety Advisory Council", "advisory_council"),
    ("Eating Disorders Expert Working Group", "working_group"),
    ("Global Suicide Prevention Forum", "multi_stakeholder"),
    ("Safer Internet Day Conference Series", "conference_series"),
    ("Online Safety Act Consultation (Ofcom)", "regulator_consultation"),
    ("Body Image Research Network", "working_group"),
    ("LATAM Mental Health Partners Council", "advisory_council"),
    ("Asia-Pacific Well-being Roundtable", "multi_stakeholder"),
    ("DSA Systemic Risk Consultation", "regulator_consultation"),
    ("Crisis Services Collaborative", "working_group"),
]


def seed_forums(ctx: Context) -> None:
    rng, today = ctx.rng, ctx.today
    count = max(8, min(len(FORUMS) * 4, ctx.people // 200))
    forums, members, reps = [], [], []
    for i in range(1, count + 1):
        base, kind = FORUMS[(i - 1) % len(FORUMS)]
        name = base if i <= len(FORUMS) else f"{base} — {2020 + i // len(FORUMS)} cohort"
        forums.append(
            dict(
                id=i,
                name=name,
                kind=kind,
                description=f"{name}: where we meet experts on {kind.replace('_', ' ')}.",
                website="",
                archived=False,
                version=1,
                created_at=ctx.now,
                updated_at=ctx.now,
            )
        )
        for person in rng.sample(ctx.ids["people"], min(12, len(ctx.ids["people"]))):
            start = today - timedelta(days=rng.randint(30, 900))
            members.append(
                dict(
                    forum_id=i,
                    person_id=person,
                    organisation_id=None,
                    role="member",
                    term_start=start,
                    term_end=today + timedelta(days=rng.randint(-200, 700)),
                    version=1,
                )
            )
        for org in rng.sample(ctx.ids["organisations"], 3):
            members.append(
                dict(
                    forum_id=i,
                    person_id=None,
                    organisation_id=org,
                    role="member organisation",
                    term_start=today - timedelta(days=400),
                    term_end=None,
                    version=1,
                )
            )
        for user in rng.sample(ctx.ids["editors"], 2):
            reps.append({"forum_id": i, "user_id": user})
    bulk_insert(Forum, forums)
    bulk_insert(ForumMember, members)
    bulk_link(forum_representatives, reps)
    ctx.ids["forums"] = [f["id"] for f in forums]
    ctx.counts["forums"] = len(forums)


HELPLINE_COUNTRIES = [
    "GB",
    "US",
    "IE",
    "DE",
    "FR",
    "ES",
    "IT",
    "NL",
    "BE",
    "SE",
    "PL",
    "BR",
    "MX",
    "AR",
    "CO",
    "CL",
    "IN",
    "JP",
    "KR",
    "AU",
    "NZ",
    "CA",
    "ZA",
    "NG",
    "KE",
    "EG",
    "AE",
    "TR",
    "UA",
    "GR",
    "PH",
    "ID",
    "SG",
]


def seed_helplines(ctx: Context) -> None:
    rng, today = ctx.rng, ctx.today
    rows, links = [], []
    crisis = ctx.topic_slugs["suicide-self-harm"]
    eating = ctx.topic_slugs["disordered-eating"]
    helpline_orgs = ctx.ids["organisations"][:50]
    n = 0
    for country in [*HELPLINE_COUNTRIES, None]:
        city = names.CITIES.get(country, "Global")
        services = [
            (f"{city} Crisis Line", "phone", [crisis]),
            (f"{city} Crisis Text Service", "text", [crisis]),
            (f"{city} Eating Disorders Support", "chat", [eating]),
        ]
        if country is None:
            services = [
                ("International Crisis Directory", "web", [crisis, eating]),
                ("Global Youth Chat Support", "chat", [crisis]),
            ]
        for name, channel, topics in services[: rng.randint(2, 3) if country else 2]:
            n += 1
            if channel in ("phone", "text"):
                contact = ctx.phone_for(country)
            else:
                contact = f"https://help.example.org/{(country or 'intl').lower()}/{n}"
            stale = rng.random() < 0.18
            verified = today - timedelta(days=rng.randint(181, 400) if stale else rng.randint(0, 150))
            rows.append(
                dict(
                    id=n,
                    country=country,
                    name=name,
                    channel=channel,
                    contact=contact,
                    hours="24 hours, every day" if channel != "chat" else "18:00–midnight local time",
                    languages=names.LANGUAGES.get(country, ["en"]),
                    ages="All ages" if rng.random() < 0.7 else "Under 25",
                    organisation_id=rng.choice(ctx.helpline_orgs.get(country) or helpline_orgs),
                    escalation_name=f"Duty manager, {name}",
                    escalation_contact=f"duty-{n}@help.example.org",
                    notes="",
                    last_verified_on=verified,
                    verified_by_id=rng.choice(ctx.ids["editors"]),
                    archived=False,
                    version=1,
                    created_at=ctx.now,
                    updated_at=ctx.now,
                )
            )
            links.extend({"helpline_id": n, "topic_id": t} for t in topics)
    bulk_insert(Helpline, rows)
    bulk_link(helpline_topics, links)
    ctx.counts["helplines"] = len(rows)
