"""The renderer: tagged, titled, fonts embedded, and no way out of the static folder."""

import pytest

from engage.briefings.pdf import STATIC_DIR, RefusedResource, StaticOnlyFetcher, render_pdf
from tests.briefings import pdftools

SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/%3E"


def _html(body: str, head: str = "") -> str:
    return (
        '<!doctype html><html lang="en-GB"><head><title>Renderer test</title>'
        '<style>@font-face { font-family: T; src: url("fonts/DejaVuSansCondensed.ttf"); } '
        "html { font-family: T; }</style>" + head + "</head><body>" + body + "</body></html>"
    )


def test_tagged_titled_with_language_and_embedded_fonts():
    pdf = render_pdf(_html("<h1>Zoë Ødegård, Łukasz, Σωκράτης, Дмитрий, Oğuz</h1>"))
    info = pdftools.info(pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Renderer test"
    assert b"/Lang (en-GB)" in pdftools.raw_objects(pdf)
    fonts = pdftools.fonts(pdf)
    assert fonts and all(" yes yes yes " in row for row in fonts), fonts
    # The page's own font, and the print stylesheet's (its running headers): no system font.
    assert all(row.split("+", 1)[1].startswith(("T", "Engage-Sans")) for row in fonts), "only shipped fonts are used"
    assert "Zoë Ødegård, Łukasz, Σωκράτης, Дмитрий, Oğuz" in pdftools.flat(pdf)


def test_untrusted_html_fetches_nothing_embeds_nothing(listener):
    port, hits = listener
    body = (
        f'<img src="http://127.0.0.1:{port}/img.png">'
        '<img src="file:///etc/passwd"><img src="/static/../../../../etc/passwd">'
        '<img src="../../../../../etc/passwd">'
        '<a href="file:///etc/passwd">passwd link</a>'
        f'<iframe src="http://127.0.0.1:{port}/frame"></iframe>'
        f'<object data="http://127.0.0.1:{port}/object"></object>'
        f'<div style="background: url(http://127.0.0.1:{port}/bg.png)">x</div>'
        f'<img src="{SVG}" alt="inline">'
        '<a rel="attachment" href="file:///etc/passwd">attachment</a>'
        '<a rel="attachment" href="data:text/plain,inline-attachment">data attachment</a>'
    )
    head = (
        '<link rel="attachment" href="file:///etc/hostname">'
        '<link rel="attachment" href="data:text/plain,hello">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
        f'<style>@import url("http://127.0.0.1:{port}/import.css");</style>'
    )
    pdf = render_pdf(_html(body, head))
    assert hits == []
    assert b"/EmbeddedFile" not in pdftools.raw_objects(pdf)
    assert "root:" not in pdftools.text(pdf)


def test_the_embedded_file_check_would_see_an_attachment():
    from weasyprint import HTML

    pdf = HTML(string=_html('<link rel="attachment" href="data:text/plain,hello">')).write_pdf()
    assert b"/EmbeddedFile" in pdftools.raw_objects(pdf)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "https://example.org/x.png",
        "ftp://example.org/x",
        "file:///etc/passwd",
        "file:///static/../etc/passwd",
        "file://" + STATIC_DIR + "/../pyproject.toml",
        "file://evil.example/" + STATIC_DIR + "/css/app.css",
        "file://" + STATIC_DIR + "/nope.css",
    ],
)
def test_fetcher_refuses_everything_but_static_and_data(url):
    with pytest.raises(RefusedResource):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_static_files_and_data_urls():
    fetcher = StaticOnlyFetcher()
    font = fetcher.fetch("file://" + STATIC_DIR + "/fonts/DejaVuSansCondensed.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"
    assert fetcher.fetch("file:///static/css/app.css").read(10)
    assert b"svg" in fetcher.fetch(SVG).read()


def test_streams_are_deflated_at_the_chosen_level_and_still_read(monkeypatch):
    """pydyf's own level 9 cost a tenth of a pack's CPU: streams go out at PDF_STREAM_LEVEL, through the
    one zlib call pydyf makes (if a pydyf upgrade stops calling it, this test says so)."""
    import zlib

    import pydyf

    from engage.briefings import pdf as renderer

    levels = []
    real = zlib.compressobj
    monkeypatch.setattr(zlib, "compressobj", lambda level, *a, **k: levels.append(level) or real(level, *a, **k))
    pdf = render_pdf(_html("<h1>Zoë Ødegård</h1><p>" + "Deflated stream text. " * 200 + "</p>"))
    assert pydyf.zlib is renderer._StreamZlib
    assert levels and set(levels) == {renderer.PDF_STREAM_LEVEL}
    assert "Zoë Ødegård" in pdftools.flat(pdf) and "Deflated stream text." in pdftools.flat(pdf)


def test_documents_rendered_from_new_threads_reuse_one_stylesheet_and_font_load(monkeypatch):
    """Each document job runs in a thread of its own: the fonts are still loaded once, not per job."""
    import threading

    from engage.briefings import pdf as renderer

    render_pdf(_html("<p>warm</p>"))
    loads = []
    real = renderer.FontConfiguration
    monkeypatch.setattr(renderer, "FontConfiguration", lambda: loads.append(1) or real())
    results = []
    for _ in range(2):
        worker = threading.Thread(target=lambda: results.append(render_pdf(_html("<p>Zoë from a job</p>"))))
        worker.start()
        worker.join()
    assert len(results) == 2 and all("Zoë from a job" in pdftools.flat(pdf) for pdf in results)
    assert loads == [], "a new thread loaded the print stylesheet and its fonts again"
