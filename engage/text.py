"""Text helpers every layer shares: user-written Markdown into safe HTML (pages and PDFs share this
one path), and text folded to ASCII (search, duplicate keys)."""

import re
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


NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=1 << 16)
def _ascii_run(run: str) -> str:
    return anyascii(run)


def to_ascii(text: str | None) -> str:
    """`text` transliterated to ASCII (anyascii: "Zoë Ødegård" → "Zoe Odegard", "Дмитрий" → "Dmitrii").

    Only its runs of non-ASCII characters go through anyascii, each run remembered once seen: names,
    organisations, places and the " · " between a record's parts repeat, and at 100,000 people
    anyascii's per-character work was a large share of an import and of a reindex. anyascii maps
    each character on its own, so folding the runs apart reads the same as folding the whole text."""
    text = text or ""
    if text.isascii():
        return text
    return NON_ASCII.sub(lambda run: _ascii_run(run.group()), text)
