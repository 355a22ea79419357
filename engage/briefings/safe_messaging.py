"""A safe-messaging check of talking points on suicide, self-harm and eating disorders.

The rules are data (safe_messaging_rules.json): each has what to look for, the reason it
matters and a suggested alternative. The check is a prompt for a human, not a censor: it
points at the words and says why, and the speaker decides.

A rule looks for words in either of two ways:
- `near`: sets of terms that must all occur in one sentence within `within` consecutive
  words, in any order ("completed suicide", "suicides were completed"). A term is a word
  stem ("suicid" matches suicide, suicides, suicidal) or, after "=", an exact word
  ("=mentally"); "|" separates alternatives. Words are stemmed with the Snowball English
  stemmer, so inflections match without listing them.
- `pattern`: a case-insensitive regular expression on word boundaries, for what is not
  about words (numbers, units, sizes).
`safe_phrases` (sequences of terms, adjacent and in order) take their words out of every
`near` match: "suicide prevention" holds "suicide", but it is not a completed suicide.
"""

import json
import os
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

import snowballstemmer

RULES_FILE = os.path.join(os.path.dirname(__file__), "safe_messaging_rules.json")
WORD = re.compile(r"[^\W\d_]+")
SENTENCE_END = re.compile(r"[.!?;:]")
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    """The Snowball English stem of a lower-case word (memoised: talking points repeat words)."""
    return _stemmer.stemWord(word)


@dataclass(frozen=True)
class Word:
    text: str  # lower-case
    stem: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True)
class Term:
    stems: frozenset[str]
    words: frozenset[str]

    @classmethod
    def parse(cls, spec: str) -> "Term":
        parts = [p.strip().lower() for p in spec.split("|") if p.strip()]
        return cls(
            stems=frozenset(p for p in parts if not p.startswith("=")),
            words=frozenset(p[1:] for p in parts if p.startswith("=")),
        )

    def matches(self, word: Word) -> bool:
        return word.stem in self.stems or word.text in self.words


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    why: str
    suggestion: str
    pattern: re.Pattern | None = None
    near: tuple[tuple[Term, ...], ...] = ()
    within: int = 3


@dataclass(frozen=True)
class Finding:
    rule_id: str
    matched: str
    why: str
    suggestion: str
    line: int
    category: str = ""
    field: str = ""


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    safe_phrases: tuple[tuple[Term, ...], ...]


def _terms(specs: list[str]) -> tuple[Term, ...]:
    return tuple(Term.parse(spec) for spec in specs)


@lru_cache(maxsize=1)
def ruleset() -> RuleSet:
    """The rules and safe phrases, parsed once."""
    with open(RULES_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    return RuleSet(
        rules=tuple(
            Rule(
                id=r["id"],
                category=r["category"],
                why=r["why"],
                suggestion=r["suggestion"],
                pattern=re.compile(rf"\b(?:{r['pattern']})\b", re.IGNORECASE) if r.get("pattern") else None,
                near=tuple(_terms(group) for group in r.get("near", ())),
                within=int(r.get("within", 3)),
            )
            for r in data["rules"]
        ),
        safe_phrases=tuple(_terms(phrase) for phrase in data.get("safe_phrases", ())),
    )


def rules() -> tuple[Rule, ...]:
    return ruleset().rules


def words(line: str) -> list[Word]:
    """The words of a line, stemmed, each with the number of the sentence it is in."""
    found, sentence, last = [], 0, 0
    for match in WORD.finditer(line):
        sentence += len(SENTENCE_END.findall(line, last, match.start()))
        last = match.end()
        text = match.group(0).lower()
        found.append(Word(text, _stem(text), match.start(), match.end(), sentence))
    return found


def _masked(found: list[Word], phrases: tuple[tuple[Term, ...], ...]) -> set[int]:
    """Positions of words inside a safe phrase."""
    masked: set[int] = set()
    for phrase in phrases:
        size = len(phrase)
        for i in range(len(found) - size + 1):
            window = found[i : i + size]
            if window[0].sentence == window[-1].sentence and all(
                t.matches(w) for t, w in zip(phrase, window, strict=True)
            ):
                masked.update(range(i, i + size))
    return masked


def _near_spans(rule: Rule, found: list[Word], masked: set[int]) -> list[tuple[int, int]]:
    """(start, end) character spans where every term of one of the rule's sets occurs close together."""
    spans = []
    for group in rule.near:
        places = [[i for i, w in enumerate(found) if i not in masked and term.matches(w)] for term in group]
        taken: set[int] = set()
        for anchor in places[0]:
            # Only words within reach of the anchor: the work grows with the text, not its square.
            reach = (anchor - rule.within + 1, anchor + rule.within)
            nearby = [others[bisect_left(others, reach[0]) : bisect_left(others, reach[1])] for others in places[1:]]
            for rest in product(*nearby):
                combo = (anchor, *rest)
                if len(set(combo)) < len(combo) or taken & set(combo):
                    continue
                first, last = min(combo), max(combo)
                if last - first < rule.within and found[first].sentence == found[last].sentence:
                    taken.update(combo)
                    spans.append((found[first].start, found[last].end))
    return spans


def _spans(rule: Rule, line: str, found: list[Word], masked: set[int]) -> list[tuple[int, int]]:
    """Where the rule matches in the line; overlapping matches of one rule are one finding."""
    spans = [m.span() for m in rule.pattern.finditer(line)] if rule.pattern else []
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans + _near_spans(rule, found, masked)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def check(text: str | None, field: str = "") -> list[Finding]:
    """Every rule match in `text`, in reading order, with its 1-based line number."""
    loaded = ruleset()
    findings = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        found = words(line)
        masked = _masked(found, loaded.safe_phrases)
        hits = sorted(
            ((span, rule) for rule in loaded.rules for span in _spans(rule, line, found, masked)),
            key=lambda hit: hit[0],
        )
        findings.extend(
            Finding(
                rule_id=rule.id,
                matched=line[start:end],
                why=rule.why,
                suggestion=rule.suggestion,
                line=number,
                category=rule.category,
                field=field,
            )
            for (start, end), rule in hits
        )
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
