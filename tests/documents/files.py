"""Files made in the tests: a real (small) PDF with a line of text, a DOCX, emails."""

import io
from email.message import EmailMessage


def pdf_with(text: str) -> bytes:
    """A one-page PDF 1.4 whose page shows `text` in Helvetica, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_with(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Written submission")
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


OUTLOOK_BODY = """Thanks for the call. We think clause 4 should carve out news reporting about self-harm.

Kind regards,
Amara Okafor
Director, Safer Web Coalition
+44 20 7946 0000

-----Original Message-----
From: Priya Shah <priya@team.example>
Sent: Monday, March 2, 2026 10:00 AM
To: Amara Okafor <amara@saferweb.example>
Subject: Clause 4 question

Could you look at clause 4 before Friday? QUOTEDCHAINWORD
"""


def outlook_eml(
    sender="Amara Okafor <amara@saferweb.example>",
    to="Priya Shah <priya@team.example>",
    cc="Unknown Person <stranger@elsewhere.example>",
    subject="RE: Clause 4 question",
    date="Tue, 03 Mar 2026 09:15:00 +0100",
    attachment: tuple[str, bytes] | None = ("submission.pdf", None),
    body: str = OUTLOOK_BODY,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = date
    message["Message-ID"] = "<test-1@saferweb.example>"
    message.set_content(body)
    if attachment:
        name, data = attachment
        data = data if data is not None else pdf_with("Written evidence about newsworthy exceptions")
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message.as_bytes()
