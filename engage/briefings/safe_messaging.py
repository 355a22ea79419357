"""A safe-messaging check of talking points on suicide, self-harm and eating disorders.

The rules are data (safe_messaging_rules.json): each has a pattern, the reason it matters and
a suggested alternative. The check is a prompt for a human, not a censor: it points at the
words and says why, and the speaker decides.
"""

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache

RULES_FILE = os.path.join(os.path.dirname(__file__), "safe_messaging_rules.json")


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    pattern: re.Pattern
    why: str
    suggestion: str


@dataclass(frozen=True)
class Finding:
    rule_id: str
    matched: str
    why: str
    suggestion: str
    line: int
    category: str = ""
    field: str = ""


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The rules, compiled once: case-insensitive, matched on word boundaries."""
    with open(RULES_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(
        Rule(
            id=r["id"],
            category=r["category"],
            pattern=re.compile(rf"\b(?:{r['pattern']})\b", re.IGNORECASE),
            why=r["why"],
            suggestion=r["suggestion"],
        )
        for r in data["rules"]
    )


def check(text: str | None, field: str = "") -> list[Finding]:
    """Every rule match in `text`, in reading order, with its 1-based line number."""
    findings = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        for rule in rules():
            for match in rule.pattern.finditer(line):
                findings.append(
                    Finding(
                        rule_id=rule.id,
                        matched=match.group(0),
                        why=rule.why,
                        suggestion=rule.suggestion,
                        line=number,
                        category=rule.category,
                        field=field,
                    )
                )
    findings.sort(key=lambda f: (f.line, (text or "").splitlines()[f.line - 1].find(f.matched)))
    return findings


def check_fields(fields: dict[str, str | None]) -> list[Finding]:
    """Check several texts (e.g. key messages, objectives, agenda notes), labelled by field."""
    found = []
    for label, text in fields.items():
        found.extend(check(text, field=label))
    return found


def engagement_texts(engagement) -> dict[str, str]:
    """The talking points of an engagement that the check reads."""
    texts = {
        "Key messages": engagement.key_messages,
        "Objectives": engagement.objectives,
    }
    for item in engagement.agenda_items:
        if item.notes or item.title:
            texts[f"Agenda: {item.title}"] = f"{item.title}\n{item.notes}" if item.notes else item.title
    return texts
