"""What an uploaded file really is, from its first bytes and structure, never from its name; and
the text inside it, for search.

The allow-list: PDF, DOCX, XLSX, PNG, JPEG, GIF, WebP, plain text, and email (.eml, Outlook .msg).
Anything else (HTML, executables, legacy Office files, archives) is refused with a message that
says what it is; so is a file whose name claims another type than its content (a PDF called
report.docx), since whoever opens it later would be misled by the name.
"""

import io
import os
import zipfile
from dataclasses import dataclass

MAX_TEXT = 200_000  # characters of extracted text kept per document


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extensions: tuple[str, ...]
    mimetype: str


TYPES = {
    t.key: t
    for t in (
        FileType("pdf", "a PDF document", (".pdf",), "application/pdf"),
        FileType(
            "docx",
            "a Word document (DOCX)",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileType(
            "xlsx",
            "an Excel workbook (XLSX)",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileType("png", "a PNG image", (".png",), "image/png"),
        FileType("jpeg", "a JPEG image", (".jpg", ".jpeg"), "image/jpeg"),
        FileType("gif", "a GIF image", (".gif",), "image/gif"),
        FileType("webp", "a WebP image", (".webp",), "image/webp"),
        FileType("eml", "an email message (.eml)", (".eml",), "message/rfc822"),
        FileType("msg", "an Outlook message (.msg)", (".msg",), "application/vnd.ms-outlook"),
        FileType("text", "a plain-text file", (".txt", ".text", ".md", ".csv", ".log"), "text/plain"),
    )
}
ALLOWED = "PDF, Word (DOCX), Excel (XLSX), PNG, JPEG, GIF, WebP, plain text, or an email (.eml, .msg)"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<svg", b"<?xml")


class Refused(ValueError):
    """The file is not on the allow-list, or its name says otherwise: the message says which."""


def _zip_kind(data: bytes) -> str | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _ole_kind(data: bytes) -> str | None:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError):
        return None
    try:
        streams = ["/".join(entry) for entry in ole.listdir()]
    finally:
        ole.close()
    return "msg" if any(s.startswith("__substg1.0_") for s in streams) else None


def _text_kind(data: bytes) -> str:
    """'text', 'eml', or raise Refused for HTML and binary data."""
    if b"\x00" in data[:8192]:
        raise Refused(f"This file is binary data of a kind Engage does not keep. Upload {ALLOWED}.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise Refused(f"This file is binary data of a kind Engage does not keep. Upload {ALLOWED}.")
    head = text.lstrip("\ufeff \t\r\n")[:512].lower().encode()
    if head.startswith(HTML_STARTS) or (b"<html" in head and not _looks_like_email(text)):
        raise Refused("This is an HTML page. Engage does not keep HTML files (they can run scripts); save it as PDF.")
    if _looks_like_email(text):
        return "eml"  # an HTML body inside is read as text (messages.html_to_text), never served as HTML
    return "text"


def _looks_like_email(text: str) -> bool:
    headers = text.replace("\r\n", "\n").split("\n\n", 1)[0].lower().splitlines()
    names = {line.split(":", 1)[0] for line in headers if ":" in line and not line.startswith((" ", "\t"))}
    return "from" in names and ("subject" in names or "date" in names) and ("to" in names or "message-id" in names)


def sniff(data: bytes) -> str:
    """The key of TYPES that `data` is; Refused when it is none of them."""
    if not data:
        raise Refused("The file is empty.")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind:
            return kind
        raise Refused(f"This is a ZIP archive (or an Office file of another kind). Upload {ALLOWED}.")
    if data.startswith(OLE):
        kind = _ole_kind(data)
        if kind:
            return kind
        raise Refused("This is an old-style Office file (.doc or .xls). Save it as DOCX, XLSX or PDF first.")
    if data.startswith((b"MZ", b"\x7fELF")):
        raise Refused(f"This is a program. Upload {ALLOWED}.")
    return _text_kind(data)


def check(filename: str, data: bytes) -> str:
    """The file's type key, when its content is allowed and its name does not claim another type."""
    kind = sniff(data)
    extension = os.path.splitext(filename or "")[1].lower()
    known = TYPES[kind]
    if extension not in known.extensions:
        claimed = next((t for t in TYPES.values() if extension in t.extensions), None)
        what = f"named as {claimed.label}" if claimed else f"named “{filename}”"
        raise Refused(
            f"This file is {what}, but its content is {known.label}. Rename it to end in "
            f"{known.extensions[0]} (or upload the right file)."
        )
    return kind


def extract_text(kind: str, data: bytes) -> str:
    """The searchable text of a file of type `kind` (empty for images, or when it cannot be read)."""
    try:
        text = _EXTRACTORS[kind](data) if kind in _EXTRACTORS else ""
    except Exception:  # a damaged file still uploads; it is only not searchable
        return ""
    return text.replace("\x00", "")[:MAX_TEXT]


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages[:500])


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(p for p in parts if p)


def _xlsx(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(v) for v in row if v is not None)
            if len(cells) > 50_000:
                break
    book.close()
    return " ".join(cells)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _email(data: bytes) -> str:
    from engage.documents.messages import parse

    message = parse(data)
    return f"{message.subject}\n{message.body}"


_EXTRACTORS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "text": _text, "eml": _email, "msg": _email}
