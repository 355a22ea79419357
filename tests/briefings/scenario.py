"""A realistic engagement for briefing tests, the benchmark and the demo pack (factories only)."""

from datetime import date

from engage.consultations.models import Commitment
from engage.engagements.models import AgendaItem
from engage.extensions import db
from engage.people.models import ConflictDeclaration, StakeholderAssessment
from tests import factories

NAMES = [
    "Zoë Ødegård",
    "Łukasz Wójcik",
    "Σωκράτης Παπαδόπουλος",
    "Дмитрий Иванов",
    "Amélie Fontaine",
    "Siobhán Ní Bhriain",
    "Jürgen Müller",
    "Ngozi Okafor",
    "Mateo García",
    "Aiyana Redcloud",
    "Priya Raman",
    "Oğuz Yılmaz",
]
ORGS = [
    ("Samaritans-like Listening Service", "helpline"),
    ("Institute of Youth Mental Health", "academic"),
    ("Beat-style Eating Disorders Charity", "ngo"),
    ("Royal College of Psychiatry (demo)", "clinical"),
    ("Online Safety Regulator (demo)", "government"),
]
OUTCOMES = ["adopted", "adapted", "declined", "parked", "under_review"]


def build(
    participants: int = 6,
    country: str = "GB",
    staff=None,
    topics=("suicide-self-harm",),
    policy_code: str = "MH-SSH",
    helplines: bool = True,
    names=NAMES,
):
    """An engagement with `participants` experts, each with affiliations, inputs, decisions and
    commitments; policies on the topics; GB and international helplines. `names` are used in turn
    (numbered once they run out). Returns the engagement."""
    staff = staff or factories.make_user("editor", name="Alex Morgan")
    topic_objs = [factories.topic_by_slug(t) for t in topics]
    policy = factories.make_policy(code=policy_code, title="Suicide and self-harm", topic_id=topic_objs[0].id)
    factories.make_version(
        policy,
        "v2",
        {"MH-SSH 3.1": "We remove content that shows methods.", "MH-SSH 3.2": "Recovery stories stay up."},
        effective_on=date(2025, 3, 1),
        change_summary="Recovery content explicitly allowed.",
    )
    v2 = factories.make_version(
        policy,
        "v3",
        {
            "MH-SSH 3.1": "We remove content that shows or describes methods.",
            "MH-SSH 3.2": "Recovery stories stay up.",
        },
        effective_on=date(2026, 6, 1),
        change_summary="Method descriptions in text now covered; helpline prompt on search.",
    )
    orgs = [factories.make_organisation(name, kind=kind) for name, kind in ORGS]
    people = []
    for n in range(participants):
        name = names[n % len(names)] + ("" if n < len(names) else f" {n // len(names) + 1}")
        person = factories.make_person(
            name,
            title="Clinical psychologist" if n % 2 else "Director of research",
            pronouns="she/her" if n % 3 == 0 else "",
            bio=f"**{name}** leads work on *youth mental health* and online harms. "
            "Co-author of the 2024 guidance on reporting.",
            owner_id=staff.id if n % 4 == 0 else None,
            lived_experience="Has spoken publicly about recovery." if n % 4 == 0 else "",
        )
        person.assessments.append(
            StakeholderAssessment(
                influence=1 + n % 5,
                stance=["supportive", "neutral", "critical"][n % 3],
                assessed_on=date(2026, 1, 10),
            )
        )
        if n % 5 == 1:
            person.conflicts.append(
                ConflictDeclaration(declared_on=date(2025, 9, 1), description="Advises a rival platform.")
            )
        factories.make_affiliation(person, orgs[n % len(orgs)], role="Trustee" if n % 2 else "Head of policy")
        people.append(person)
    for n, person in enumerate(people):
        consultation = factories.make_consultation(
            f"Roundtable on method content {n + 1}",
            staff=[staff],
            people=[person],
            topics=topic_objs,
            held_on=date(2026, 2, 1 + n % 27),
        )
        for k in range(3):
            outcome = OUTCOMES[(n + k) % len(OUTCOMES)]
            decision = {
                "outcome": outcome,
                "rationale": f"Rationale {k + 1}: weighed against reach and evidence.",
                "decided_on": date(2026, 3, 1),
            }
            if outcome in ("adopted", "adapted"):
                decision.update(policy_version_id=v2.id, clause_id=v2.clauses[0].id)
            elif outcome == "declined":
                decision["no_change"] = True
            factories.make_input(
                consultation,
                f"Point {k + 1} from {person.name}: label recovery content clearly.",
                person=person,
                decision=decision,
            )
        db.session.add(
            Commitment(
                description=f"Send the v3 summary to {person.name}",
                person_id=person.id,
                assignee_id=staff.id,
                due_on=date(2026, 11, 20),
                status="open",
            )
        )
    engagement = factories.make_engagement(
        "Safer Internet Forum: youth mental health panel",
        speakers=[staff],
        participants=people,
        topics=topic_objs,
        country=country,
        venue="QEII Centre, London",
        objectives="- Explain how expert input shaped **MH-SSH v3**\n- Hear concerns about recovery content",
        key_messages="- Suicide is preventable, and support works.\n- We worked with experts on **MH-SSH 3.1**.",
        logistics="Arrive 30 minutes early. Green room on level 2. Contact: events team.",
        sensitivities="A bereaved parent is on the panel. Avoid case details.",
    )
    engagement.agenda_items.extend(
        [
            AgendaItem(
                position=1,
                time_label="09:00",
                title="Welcome and safety note",
                notes="Moderator reads the helpline slide.",
            ),
            AgendaItem(position=2, time_label="09:10", title="Panel discussion", notes="15 minutes per panellist."),
            AgendaItem(position=3, time_label="10:30", title="Audience questions"),
        ]
    )
    if not helplines:
        db.session.flush()
        return engagement
    factories.make_helpline("GB", "Listening Line UK", contact="116123", hours="24/7", languages=["en", "cy"])
    factories.make_helpline(
        "GB",
        "Youth Text Service",
        channel="text",
        contact="85258",
        hours="24/7",
        last_verified_on=date(2024, 1, 5),
    )
    factories.make_helpline(
        None, "International Crisis Directory", channel="web", contact="https://findahelpline.example"
    )
    db.session.flush()
    return engagement
