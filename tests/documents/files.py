"""Files made in the tests: a real (small) PDF with a line of text (the demo's), a DOCX, emails."""

import io
from email.message import EmailMessage

from engage.demo.written import pdf_with

__all__ = ["docx_with", "outlook_eml", "pdf_with"]


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
