"""Demo written input (issue 12): a few email threads logged as consultations with the message and
a PDF submission as documents, notes on people and organisations, and an email draft waiting for
the demo editor (as if forwarded to the capture address)."""

import io
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import select

from engage.auth.models import User
from engage.consultations.models import Consultation
from engage.documents import filetypes, store
from engage.documents.models import Attachment, Note
from engage.extensions import db
from engage.inbox.models import EmailDraft
from engage.people.models import Person, PersonEmail

EDITOR, ADMIN = 2, 1  # the demo users' ids (seed_users: admin, editor, viewer first)
THREADS = [
    (
        "RE: Draft guidance on self-harm imagery",
        "We support the carve-out for recovery stories, but the age gate should apply to the "
        "close-up imagery too. Our written submission is attached.",
        "Submission on self-harm imagery: recovery stories should stay visible; close-up imagery needs an age gate.",
        "normal",
    ),
    (
        "Follow-up: helpline signposting in search",
        "Thanks for the call. The signposting banner should name the local helpline first, and "
        "the wording should avoid 'suicide' in the headline.",
        "Evidence note on helpline signposting: local helpline first, headline wording without method terms.",
        "normal",
    ),
    (
        "RE: Eating-disorder content — confidential data",
        "As discussed, the figures in the attached note are not for publication until our board signs them off.",
        "Confidential figures on eating-disorder content exposure among under-18s, pending board sign-off.",
        "confidential",
    ),
]
NOTES = [
    "**Prefers email** to calls; replies within a day.\n\n- Happy to review drafts\n- Not available in August",
    "Met at the *Online Harms* roundtable. Interested in the appeals process.",
    "Asked us to route requests through their comms team from now on.",
]


def pdf_with(text: str) -> bytes:
    """A one-page PDF 1.4 showing `text` in Helvetica, with a correct cross-reference table (what a
    written submission would carry; the tests read it back with pypdf)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
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


def _message(sender: str, subject: str, body: str, when, pdf: bytes | None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "editor@example.org", subject
    message["Date"] = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(f"{body}\n\nBest wishes,\n{sender.split('@')[0]}\n\n> Earlier message quoted here.\n")
    if pdf:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename="submission.pdf")
    return message.as_bytes()


def _document(record: dict, filename: str, data: bytes, when) -> Attachment:
    kind = filetypes.sniff(data)
    return Attachment(
        filename=filename,
        sha256=store.put(data),
        size=len(data),
        file_type=kind,
        text=filetypes.extract_text(kind, data),
        added_by_id=EDITOR,
        added_at=when,
        **record,
    )


def seed_written(ctx) -> None:
    """Run after the bulk steps (and their sequences reset): ORM inserts."""
    people = ctx.ids["people"][:6]
    addresses = dict(
        db.session.execute(
            select(PersonEmail.person_id, PersonEmail.email).where(PersonEmail.person_id.in_(people))
        ).all()
    )
    rows = []
    # Three seeded consultations become email threads (the counts of the demo stay as they are).
    threads = list(
        db.session.execute(
            select(Consultation).where(Consultation.created_by_id == EDITOR).order_by(Consultation.id).limit(3)
        ).scalars()
    ) or list(db.session.execute(select(Consultation).order_by(Consultation.id).limit(3)).scalars())
    for number, (consultation, (subject, body, summary, level)) in enumerate(zip(threads, THREADS, strict=False)):
        person_id = people[number]
        sender = addresses.get(person_id, f"expert{number}@example.org")
        when = ctx.now - timedelta(days=3 + 9 * number, hours=number)
        consultation.title = f"Email thread: {subject}"
        consultation.held_on, consultation.held_at, consultation.kind = when.date(), when, "email"
        consultation.confidentiality, consultation.summary = level, summary
        if all(p.id != person_id for p in consultation.people):
            consultation.people.append(db.session.get(Person, person_id))
        if all(u.id != EDITOR for u in consultation.staff):
            consultation.staff.append(db.session.get(User, EDITOR))
        pdf = pdf_with(summary[:90])
        record = {"consultation_id": consultation.id}
        rows.append(_document(record, "submission.pdf", pdf, when))
        rows.append(_document(record, "thread.eml", _message(sender, subject, body, when, pdf), when))
    for number, text in enumerate(NOTES):
        record = {"person_id": people[number]} if number < 2 else {"organisation_id": ctx.ids["organisations"][0]}
        rows.append(Note(body=text, author_id=EDITOR, created_at=ctx.now - timedelta(days=number), **record))
    forwarded = _message("editor@example.org", "Fwd: Notes from the coalition call", THREADS[1][1], ctx.now, None)
    rows.append(
        EmailDraft(
            user_id=EDITOR,
            source="mail",
            filename="message.eml",
            sha256=store.put(forwarded),
            subject="Fwd: Notes from the coalition call",
            received_at=ctx.now - timedelta(hours=2),
        )
    )
    db.session.add_all(rows)
    ctx.counts["documents"] = sum(isinstance(r, Attachment) for r in rows)
    ctx.counts["notes"] = len(NOTES)
