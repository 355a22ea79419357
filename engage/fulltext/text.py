"""Text as the index sees it: folded to ASCII lower-case words, on the way in and the way out.

Folding in Python (anyascii: accents dropped, Cyrillic and CJK transliterated) gives both databases
the same words, so `zoe odegard` finds "Zoë Ødegård" on SQLite and PostgreSQL with one code path.
"""

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from engage.text import to_ascii

WORD = re.compile(r"[a-z0-9]+")
MAX_TERMS = 8
MAX_ALTERNATIVES = 8
SNIPPET_WORDS = 28


def words(text: str | None) -> list[str]:
    """The folded words of `text`: `MH-SSH 3.2` → mh, ssh, 3, 2; `Zoë` → zoe; `Дмитрий` → dmitrii."""
    text = text or ""
    return WORD.findall(to_ascii(text).lower())


def fold(*texts: str | None) -> str:
    return " ".join(words(" ".join(text for text in texts if text)))


@dataclass
class Term:
    """One thing the query asks for: a word (a prefix while typing) or a phrase of adjacent words."""

    tokens: list[str]
    prefix: bool
    alternatives: list[str] = field(default_factory=list)  # near spellings of a single word

    @property
    def single_word(self) -> bool:
        """A bare word of letters (not a phrase, not a code): typos and infixes may stand in for it."""
        return self.prefix and len(self.tokens) == 1 and self.tokens[0].isalpha()


def parse(q: str) -> list[Term]:
    """Quoted text is a phrase; a word holding punctuation (a code, an email) is a phrase of its parts.
    The last part of a word matches as a prefix unless it holds digits, so codes stay exact."""
    terms = []
    for quoted, bare in re.findall(r'"([^"]*)"?|(\S+)', q or ""):
        tokens = words(quoted or bare)
        if not tokens:
            continue
        # One letter alone as a prefix would match nearly everything: a lone letter is a whole word;
        # after other parts of a code ("mh-s" while typing MH-SSH) it is a prefix like any other.
        prefix = not quoted and (len(tokens[-1]) > 1 or len(tokens) > 1) and not any(ch.isdigit() for ch in tokens[-1])
        terms.append(Term(tokens, prefix))
    return terms[:MAX_TERMS]


def _matches(term: Term, word: str) -> bool:
    return any(word == t or (term.prefix and word.startswith(t)) for t in term.tokens) or word in term.alternatives


def snippet(text: str, terms: list[Term], size: int = SNIPPET_WORDS) -> Markup:
    """A few words of `text` around the first match, escaped, with the matching words in <mark>."""
    pieces = re.split(r"(\s+)", text or "")
    spots = [i for i, piece in enumerate(pieces) if piece.strip() and _marked(piece, terms)]
    start = max(0, (spots[0] if spots else 0) - size // 2 * 2)
    shown = pieces[start : start + size * 2]
    out = [Markup("… ")] if start else []
    for piece in shown:
        out.append(
            Markup("<mark>{}</mark>").format(piece) if piece.strip() and _marked(piece, terms) else escape(piece)
        )
    if start + size * 2 < len(pieces):
        out.append(Markup(" …"))
    return Markup("").join(out)


def _marked(piece: str, terms: list[Term]) -> bool:
    return any(_matches(term, w) for w in words(piece) for term in terms)


def highlight(text: str, terms: list[Term]) -> Markup:
    """All of a short `text` (a title), escaped, with matching words marked."""
    return snippet(text, terms, size=10_000)
