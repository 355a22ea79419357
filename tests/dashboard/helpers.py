"""Reading the home page's numbers and counting the rows of the lists they link to."""

import html
import re

FIGURE = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*\bdata-figure="([^"]+)"[^>]*>(.*?)</a>', re.S)
NEXT = re.compile(r'<a class="page-link" href="([^"#]+)" rel="next">')


def figures(page: str) -> dict[str, tuple[int, str]]:
    """{key: (the number shown, the link)} of every number on the home page."""
    found = {}
    for href, key, inner in FIGURE.findall(page):
        text = re.sub(r"<[^>]+>", " ", inner)
        number = re.search(r"\d[\d,]*", text)
        assert number, (key, inner)
        found[key] = (int(number.group().replace(",", "")), html.unescape(href))
    return found


def rows_behind(client, href: str, limit: int = 50) -> int:
    """The rows the list at `href` shows, over all its pages."""
    rows, pages = 0, 0
    while href:
        response = client.get(href)
        assert response.status_code == 200, (href, response.status_code)
        body = response.get_data(as_text=True)
        if "<tbody>" in body:
            tbody = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
            rows += len(re.findall(r"<tr\b", tbody))
        following = NEXT.search(body)
        href = html.unescape(following.group(1)) if following else None
        pages += 1
        assert pages < limit
    return rows
