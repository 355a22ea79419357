"""Reading an uploaded file: what it really is (by its bytes, not its name), its text encoding,
and its rows. A PDF renamed .csv or any other binary is refused with a message saying so."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from engage.errors import ValidationError

MAX_BYTES = 20_000_000  # 20 MB: about 100,000 contacts as CSV
ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252 (cp1252)"), ("latin-1", "Latin-1 (ISO 8859-1)"))
SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Office document (.xls or .doc); save it as .xlsx or CSV",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"MZ": "a Windows program",
    b"\x7fELF": "a program",
}


@dataclass
class Table:
    """A file's rows as text: `headers` and `rows` (CSV, XLSX), or `cards` (vCard, already read)."""

    kind: str  # csv / xlsx / vcard
    encoding: str  # what the page says was used
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number after the header, cells)
    cards: list[dict] = field(default_factory=list)
    header_line: int = 1  # the file's line of the header row (LinkedIn puts notes above it)


def refuse(message: str):
    raise ValidationError({"file": message})


def decode(data: bytes) -> tuple[str, str]:
    """(text, the encoding's name): UTF-8 with or without BOM, then cp1252, then latin-1 (UTF-16
    when the file starts with its BOM, as Outlook's "Unicode" export does)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            refuse("The file says it is UTF-16 text but is not readable as such.")
    for codec, label in ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf"):
            label = "UTF-8 (with BOM)"
        return text, label
    raise AssertionError("latin-1 decodes any bytes")


def what_it_is(data: bytes, filename: str) -> str:
    """csv / xlsx / vcard, from the bytes; a clear ValidationError for anything else."""
    if not data.strip():
        refuse("The file is empty.")
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    named = f"“{filename}”" if filename else "The file"
    for magic, kind in SIGNATURES.items():
        if data.startswith(magic):
            refuse(f"{named} is {kind}, not a CSV, Excel or vCard file.")
    head = data[:8192]
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
        if b"\x00" in head or controls > len(head) // 100:
            refuse(f"{named} is not a text file (it holds binary data). Export your contacts as CSV, Excel or vCard.")
    text_start = data.lstrip(b"\xef\xbb\xbf\xff\xfe\r\n\t ").replace(b"\x00", b"")[:20].upper()
    return "vcard" if text_start.startswith(b"BEGIN:VCARD") else "csv"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign ZIP
        refuse("The file is a ZIP archive but not a readable Excel workbook (.xlsx).")
    sheet = workbook.worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _read_csv(text: str) -> list[list[str]]:
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] if "\n" in sample else sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        refuse(f"The file is not valid CSV: {error}.")


def _header_row(rows: list[list[str]], recognise) -> int:
    """The index of the header row: the first of the first few rows that names known columns
    (LinkedIn writes a few lines of notes above its header), else the first non-empty row."""
    for index, row in enumerate(rows[:10]):
        if recognise(row):
            return index
    return next((i for i, row in enumerate(rows) if any(row)), 0)


def read(data: bytes, filename: str, recognise) -> Table:
    """The file's table. `recognise(row)` says whether a row looks like a header row."""
    if len(data) > MAX_BYTES:
        refuse(f"The file is larger than {MAX_BYTES // 1_000_000} MB. Split it and import the parts.")
    kind = what_it_is(data, filename)
    if kind == "vcard":
        from engage.transfer import vcard

        cards, encoding = vcard.parse(data)
        return Table("vcard", encoding, cards=cards)
    if kind == "xlsx":
        rows, encoding = _read_xlsx(data), "Excel workbook (Unicode)"
    else:
        text, encoding = decode(data)
        rows = _read_csv(text)
    start = _header_row(rows, recognise)
    headers = [h.strip() for h in rows[start]] if rows else []
    body = [(n, r) for n, r in enumerate(rows[start + 1 :], start=1) if any(c for c in r)]
    if not headers or not any(headers):
        refuse("The file has no header row naming its columns.")
    return Table(kind, encoding, headers=headers, rows=body, header_line=start + 1)
