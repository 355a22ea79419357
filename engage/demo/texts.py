"""What the demo's records say: titles that match their kind, points that speak to their topic.
Each is chosen by the position of a text drawn from names.py's lists, so the seed's random draws
(and everything seeded after them) stay as they were."""

from engage.demo.names import INPUT_TEXTS

ENGAGEMENT_TITLES_BY_KIND = {  # an engagement's title says what kind of engagement it is
    "speaking": ["{topic}: keynote at {city} Digital Health Summit", "Talk on {topic} at the University of {city}"],
    "panel": ["Panel on {topic} at {city} Safer Internet Forum", "Panel: {topic} and young people in {city}"],
    "roundtable": ["Roundtable with {city} clinicians on {topic}", "Roundtable: {topic} with {city} helplines"],
    "council_meeting": ["Advisory council meeting — {topic}", "Safety advisory council: {topic}"],
    "site_visit": ["Site visit: {city} crisis service", "Site visit: {city} helpline call centre"],
    "conference": ["Conference session: {topic} and young people", "{city} Trust & Safety Conference: {topic}"],
}


CONSULTATION_TITLES_BY_KIND = {  # a consultation's title says how the input came in
    "meeting": ["{topic} advisory council session", "{topic} meeting with clinicians", "Regulator briefing: {topic}"],
    "call": ["Call on {topic} policy draft", "Follow-up call on {topic} enforcement data"],
    "roundtable": ["{topic} expert roundtable", "{topic} roundtable with helplines"],
    "workshop": ["{topic} workshop with clinicians", "{topic} youth workshop"],
    "written_submission": ["Written submission on {topic}", "Written comments on the {topic} policy draft"],
    "survey": ["{topic} expert survey", "Survey of helplines on {topic}"],
    "email": ["Email follow-up on {topic} enforcement data", "Email comments on {topic} wording"],
}


def title_for(kind: str, drawn: str, drawn_from: list[str], by_kind: dict[str, list[str]]) -> str:
    """The title template for a record of `kind`, chosen by the position of the drawn one (so the
    seed's random draws, and everything seeded after them, stay as they were)."""
    titles = by_kind[kind]
    return titles[drawn_from.index(drawn) % len(titles)]


POINTS_BY_TOPIC = {  # what an expert says on each topic (a point's text is about its own topic)
    "suicide-self-harm": [  # the long lines are INPUT_TEXTS' own
        "Do not remove content where people describe their own suicidal feelings; offer support instead.",
        "Moderators need clearer guidance on memorial content for people who died by suicide.",
        "Show helpline information on searches for self-harm terms in the user's language, not only in English.",
        "Policy should distinguish between documenting self-harm scars and showing fresh wounds.",
        INPUT_TEXTS[0],
    ],
    "disordered-eating": [
        INPUT_TEXTS[1],
        "The definition of 'promotion' of disordered eating is too vague for moderators to apply consistently.",
        "Creators talking about their eating disorder recovery should not be demonetised automatically.",
        "Fasting challenges framed as 'discipline' should be treated as promotion of disordered eating.",
    ],
    "body-image": [
        "Consult young people directly before changing the body image policy; adult proxies miss how it feels.",
        "Before-and-after weight-loss images should be limited for under-18s.",
        "Cosmetic surgery content aimed at teenagers should carry the risks, not only the results.",
    ],
    "emotionally-vulnerable": [
        "Recommendation systems should avoid repeated exposure to sad or hopeless content in a short session.",
        "Content that romanticises loneliness should not be recommended to teenagers late at night.",
        "Give people a way to see less sad content without digging through settings.",
    ],
    "product-wellbeing": [
        "Screen-time reminders should be on by default for under-16s and hard to dismiss unread.",
        "Autoplay after midnight keeps young people scrolling; pause it on teen accounts.",
        "Measure a feature's effect on well-being before launch, not only its engagement.",
    ],
    "commercial-content": [
        "Appearance filters should be labelled when used in commercial content.",
        "Paid promotion of diet supplements should carry a clear ad label and never target under-18s.",
        "Creators paid by wellness brands must disclose it in the video, not only in the caption.",
    ],
    "crisis-response": [
        "Crisis resources should be reachable in two taps from any live stream.",
        "When a live stream shows imminent risk, escalate to the local helpline within minutes.",
        "Keep a verified helpline list per country and re-check the numbers every quarter.",
    ],
    "regulation": [
        "Publish transparency data on how often the self-harm policy is enforced and appealed.",
        "The risk assessment for the regulator should show how expert input changed the policy.",
        "Age assurance rules differ by market; document which one applies where.",
    ],
}


def point_text(topic_slug: str, drawn: str) -> str:
    """A point on `topic_slug`, chosen by the position of the text drawn from INPUT_TEXTS."""
    return title_for(topic_slug, drawn, INPUT_TEXTS, POINTS_BY_TOPIC)
