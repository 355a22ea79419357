"""The one way Engage turns HTML into a PDF: WeasyPrint with a fetcher that cannot leave the app.

User text reaches the PDFs (bios, key messages, inputs). Even though Markdown is sanitised
before it gets here, the renderer itself refuses every resource that is not one of the
app's own static files or a `data:` URL: no network, no local paths, no attachments. The
fetcher is the second wall, not the only one.
"""

import mimetypes
import os
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..", "static"))
PRINT_CSS = os.path.realpath(
    os.path.join(os.path.dirname(__file__), "..", "..", "templates", "briefings", "pdf", "print.css")
)


# pydyf (WeasyPrint's PDF writer) deflates every stream at zlib level 9, a tenth of a 25-participant
# briefing pack's CPU; level 6, zlib's own default, takes about a third less time for 3 % more bytes
# (docs/PERFORMANCE.md "Briefing pack"). Output stays deterministic: same data, same bytes.
PDF_STREAM_LEVEL = 6


class _StreamZlib:
    """zlib as pydyf sees it: the same functions, with streams deflated at PDF_STREAM_LEVEL."""

    compress = staticmethod(zlib.compress)
    decompress = staticmethod(zlib.decompress)
    error = zlib.error

    @staticmethod
    def compressobj(level=PDF_STREAM_LEVEL, *args, **kwargs):
        return zlib.compressobj(PDF_STREAM_LEVEL, *args, **kwargs)


pydyf.zlib = _StreamZlib


class RefusedResource(ValueError):
    """A document asked for something outside the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serve `/static/…` and `file://<static dir>/…` from the static folder and `data:` URLs.

    Anything else (http, https, ftp, other file paths, `..` escapes) raises, so WeasyPrint
    skips the resource: an image is not drawn, an attachment is not embedded.
    """

    def __init__(self, static_dir: str = STATIC_DIR):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.static_dir = os.path.realpath(static_dir)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        if scheme == "file":
            path = self._static_path(url)
            if path is not None:
                with open(path, "rb") as handle:
                    body = handle.read()
                mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": mimetype})
        self.refused.append(url)
        raise RefusedResource(f"Refused to fetch {url[:200]}: only the app's static files are served")

    def _static_path(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        raw = unquote(parts.path)
        # `/static/x` resolved against a file: base becomes file:///static/x; map it to the folder.
        candidate = os.path.join(self.static_dir, raw[len("/static/") :]) if raw.startswith("/static/") else raw
        real = os.path.realpath(candidate)
        if os.path.commonpath([real, self.static_dir]) != self.static_dir:
            return None
        return real if os.path.isfile(real) else None


def static_base_url(static_dir: str = STATIC_DIR) -> str:
    """The base URL print templates resolve relative paths against (e.g. `fonts/x.ttf`)."""
    return "file://" + os.path.realpath(static_dir) + "/"


_cache = threading.local()


def print_stylesheet() -> tuple[CSS, FontConfiguration]:
    """The print stylesheet, parsed once per thread with its fonts loaded (about a fifth of a
    briefing pack's render went on loading fourteen @font-face files again for every document).
    Read again when the file changes."""
    stamp = os.stat(PRINT_CSS).st_mtime_ns
    if getattr(_cache, "stamp", None) != stamp:
        fonts = FontConfiguration()
        with open(PRINT_CSS, encoding="utf-8") as handle:
            css = CSS(
                string=handle.read(), base_url=static_base_url(), url_fetcher=StaticOnlyFetcher(), font_config=fonts
            )
        _cache.stamp, _cache.sheet = stamp, (css, fonts)
    return _cache.sheet


def _new_renderer() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-render")


# Every PDF is rendered on one long-lived thread per process, so the stylesheet and fonts that
# print_stylesheet keeps per thread are loaded once, not once per document job (each job runs in a
# thread of its own, and so does each request under `flask run`): a cold thread costs a
# 25-participant pack about 0.5 s more CPU. Renders are serialised, which costs little: they hold
# the GIL nearly all the time anyway. A forked child starts its own thread.
_renderer = _new_renderer()


def _reset_renderer_after_fork() -> None:
    global _renderer
    _renderer = _new_renderer()


os.register_at_fork(after_in_child=_reset_renderer_after_fork)


def render_pdf(html: str, created: datetime | None = None) -> bytes:
    """HTML in, tagged PDF/UA-1 bytes out, with only the app's static files reachable, styled by
    templates/briefings/pdf/print.css.

    `created` fixes the document's creation and modification dates (so the same data renders
    the same metadata); the title and language come from the HTML's <title> and `lang`.
    Runs on the renderer thread (see `_renderer`); the caller waits for the bytes.
    """
    return _renderer.submit(_render, html, created).result()


def _render(html: str, created: datetime | None) -> bytes:
    if created is not None:
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        meta = f'<meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">'
        html = html.replace("<head>", "<head>" + meta, 1)
    options = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "pdf_identifier": b"engage"}
    fetcher = StaticOnlyFetcher()
    css, fonts = print_stylesheet()
    page = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher)
    document = page.render(stylesheets=[css], font_config=fonts, **options)
    # No attachments, whatever the HTML says: neither <link rel="attachment"> (even a data: URL,
    # which the fetcher would serve) nor <a rel="attachment"> links.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf(**options)
