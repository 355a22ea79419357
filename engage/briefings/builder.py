"""Builders: data in, bytes out. Briefing packs, letters and evidence packs (PDF and CSV).

They render print templates (templates/briefings/pdf/) and hand the HTML to the one PDF
renderer; they never query, and the PDF's dates are the data's freeze time (`data.as_of`, the
latest change to what the document reads), so the same data always gives the same bytes.
"""

import csv
import io

from flask import render_template

from engage.briefings.evidence import PDF_POINTS_EACH
from engage.briefings.pdf import render_pdf


def build_briefing(data) -> bytes:
    """The briefing pack for one engagement and one reader (see data.gather_briefing)."""
    html = render_template("briefings/pdf/briefing.html", d=data)
    return render_pdf(html, created=data.as_of)


def build_letter(data) -> bytes:
    """A "You said, we did" letter (see letters.gather_letter)."""
    html = render_template("briefings/pdf/letter.html", d=data)
    return render_pdf(html, created=data.as_of)


def build_evidence_pdf(data) -> bytes:
    """The regulator evidence pack as a PDF (see evidence.gather_evidence)."""
    html = render_template("briefings/pdf/evidence.html", d=data, points_each=PDF_POINTS_EACH)
    return render_pdf(html, created=data.as_of)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def build_csv(header: list[str], rows: list[list]) -> bytes:
    """CSV (UTF-8 with BOM so spreadsheets read accents), formula injection neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
