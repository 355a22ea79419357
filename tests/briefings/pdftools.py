"""Reading PDFs back with poppler-utils (pdfinfo, pdftotext, pdftohtml, pdffonts)."""

import re
import subprocess
import tempfile


def _run(args: list[str], pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        command = [*args, handle.name, "-"] if args[0] == "pdftotext" else [*args, handle.name]
        result = subprocess.run(command, capture_output=True, check=True)  # noqa: S603 - poppler, fixed args
    return result.stdout.decode("utf-8", "replace")


def info(pdf: bytes) -> dict[str, str]:
    rows = {}
    for line in _run(["pdfinfo"], pdf).splitlines():
        key, _, value = line.partition(":")
        rows[key.strip()] = value.strip()
    return rows


def text(pdf: bytes, page: int | None = None) -> str:
    args = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return _run(args, pdf)


def flat(pdf: bytes) -> str:
    """All text with whitespace collapsed (so wrapped lines still match)."""
    return re.sub(r"\s+", " ", text(pdf))


def outline(pdf: bytes) -> list[tuple[int, str]]:
    """(page, title) of every bookmark, in order."""
    xml = _run(["pdftohtml", "-xml", "-i", "-stdout", "-q", "-f", "1", "-l", "1"], pdf)
    return [(int(p), t) for p, t in re.findall(r'<item page="(\d+)">(.*?)</item>', xml)]


def fonts(pdf: bytes) -> list[str]:
    return _run(["pdffonts"], pdf).splitlines()[2:]


def raw_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, for searching."""
    import zlib

    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def reading(pdf: bytes, page: int | None = None) -> str:
    """The text in reading order (each table cell kept whole), whitespace collapsed."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return re.sub(r"\s+", " ", _run(args, pdf))


def pages(pdf: bytes) -> int:
    return int(info(pdf)["Pages"])
