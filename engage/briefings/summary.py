"""Page one of a briefing: what a speaker who reads nothing else needs.

Built from what data.gather_briefing already gathered (never a query of its own), so page one
holds nothing the rest of the pack does not: the PDF and the HTML briefing both show it.
"""

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from engage.briefings.dossiers import Dossier
from engage.briefings.helplines import Helplines
from engage.briefings.points import Point
from engage.text import render_markdown

KEY_MESSAGES_SHOWN = 3
QUESTIONS_SHOWN = 3
QUESTIONS_IN_PACK = 8
HELPLINES_SHOWN = 3

_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(.*)$")


@dataclass
class PageOne:
    key_messages: list[Markup] = field(default_factory=list)
    more_key_messages: int = 0
    questions: list[Point] = field(default_factory=list)
    more_questions: int = 0  # beyond page one's
    coming: list[Dossier] = field(default_factory=list)  # who will be there, one line each
    not_coming: list[str] = field(default_factory=list)  # the names (or consent labels) of those who declined
    helplines: list[str] = field(default_factory=list)  # "Samaritans — phone +44 116 123"


def messages(text: str | None) -> list[str]:
    """The key messages as written: the items of a Markdown list, else the paragraphs."""
    lines = (text or "").splitlines()
    items: list[str] = []
    for line in lines:
        found = _LIST_ITEM.match(line)
        if found:
            items.append(found.group(1).strip())
        elif items and line.strip():
            items[-1] += " " + line.strip()  # a list item wrapped onto the next line
    if items:
        return [i for i in items if i]
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _helpline_lines(helplines: Helplines | None) -> list[str]:
    if helplines is None:
        return []
    rows = [*helplines.national, *helplines.international][:HELPLINES_SHOWN]
    return [f"{r.name} — {r.channel.lower()} {r.contact}" for r in rows]


def top_questions(likely: list[Point], count: int = QUESTIONS_SHOWN) -> list[Point]:
    """The newest question from each person in turn, so page one is not one person's list."""
    chosen: list[Point] = []
    while len(chosen) < min(count, len(likely)):
        askers = {q.raised_by for q in chosen}
        fresh = [q for q in likely if q not in chosen and q.raised_by not in askers] or [
            q for q in likely if q not in chosen
        ]
        chosen.append(fresh[0])
    return sorted(chosen, key=likely.index)


def page_one(key_messages: str, participants: list[Dossier], likely: list[Point], helplines) -> PageOne:
    said = messages(key_messages)
    return PageOne(
        key_messages=[render_markdown(m) for m in said[:KEY_MESSAGES_SHOWN]],
        more_key_messages=max(0, len(said) - KEY_MESSAGES_SHOWN),
        questions=top_questions(likely),
        more_questions=max(0, len(likely) - QUESTIONS_SHOWN),
        # On stage first (the full dossiers), then everyone else who is coming, in the engagement's order.
        coming=sorted((p for p in participants if p.coming), key=lambda p: not p.full),
        not_coming=[p.name for p in participants if not p.coming],
        helplines=_helpline_lines(helplines),
    )
