"""Text helpers every layer shares: user-written Markdown into safe HTML (pages and PDFs share this
one path), and text folded to ASCII (search, duplicate keys)."""

from functools import lru_cache

import markdown
import nh3
from anyascii import anyascii
from markupsafe import Markup

# An allow-list: formatting and links only. No images (they would fetch), no raw HTML.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, then sanitised with an allow-list; safe to put in a page or a PDF."""
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised above with an allow-list


@lru_cache(maxsize=1 << 16)
def _ascii_word(word: str) -> str:
    return anyascii(word)


def to_ascii(text: str | None) -> str:
    """`text` transliterated to ASCII (anyascii: "Zoë Ødegård" → "Zoe Odegard", "Дмитрий" → "Dmitrii").

    Word by word, remembering the words already seen: names, organisations and places repeat, and at
    100,000 imported people anyascii's per-character work was a large share of the import. Folding is
    per character, so folding words apart and joining them with spaces reads the same to anything that
    splits on whitespace."""
    text = text or ""
    if text.isascii():
        return text
    return " ".join(word if word.isascii() else _ascii_word(word) for word in text.split())
