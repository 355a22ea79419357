"""Email drafts: a message uploaded or received, kept (its bytes in the document store) until its
user confirms it as a consultation or discards it. Nothing else is written before the confirmation.

`propose` reads the stored message into what the proposal page shows: title, instant, the people
matched by address, the unknown addresses, our staff, the trimmed body, the attachments.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.written import can_add_written, can_see_draft
from engage.documents import filetypes, store
from engage.documents.messages import Address, Message, parse
from engage.errors import ForbiddenError, NotFoundError, ValidationError
from engage.extensions import db
from engage.inbox.models import EmailDraft
from engage.people.models import Person, PersonEmail, email_key
from engage.zones import reader_zone, to_local

NOT_EMAIL = "This is not an email message: upload an .eml file (or an Outlook .msg)."


def _size(limit: int) -> str:
    return f"{limit / 1024 / 1024:.0f} MB"


def read_message(filename: str, data: bytes | None, field_name: str = "file") -> tuple[str, Message]:
    """The type ('eml' or 'msg') and the parsed message; ValidationError on `field_name` otherwise."""
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    if not data:
        raise ValidationError({field_name: "Choose an email file (.eml or .msg) to upload."})
    if len(data) > limit:
        raise ValidationError({field_name: f"The message is larger than {_size(limit)}."})
    try:
        kind = filetypes.sniff(data)
    except filetypes.Refused as refused:
        raise ValidationError({field_name: f"{NOT_EMAIL} {refused}"})
    if kind not in ("eml", "msg"):
        raise ValidationError({field_name: f"{NOT_EMAIL} This file is {filetypes.TYPES[kind].label}."})
    try:
        message = parse(data)
    except Exception:  # a damaged message: refused with a message, never a 500
        raise ValidationError({field_name: "This email could not be read. Save it again from your mail program."})
    return kind, message


def receive(user: User, filename: str, data: bytes | None, source: str = "upload") -> EmailDraft:
    """Keep a message as `user`'s draft (refused unless it reads as an email)."""
    if not can_add_written(user):
        raise ForbiddenError()
    kind, message = read_message(filename, data)
    extension = filetypes.TYPES[kind].extensions[0]
    name = (filename or "").strip() or f"message{extension}"
    draft = EmailDraft(
        user_id=user.id,
        source=source,
        filename=name[:255],
        sha256=store.put(data),
        subject=(message.subject or "(no subject)")[:250],
    )
    db.session.add(draft)
    db.session.flush()
    audit.record(Actor(user), "receive", EmailDraft, draft.id, f"Email draft {draft.subject[:150]}")
    return draft


def drafts_of(user: User) -> list[EmailDraft]:
    stmt = select(EmailDraft).where(EmailDraft.user_id == user.id).order_by(EmailDraft.received_at.desc())
    return list(db.session.execute(stmt).scalars())


def get_draft(user: User, draft_id: int) -> EmailDraft:
    draft = db.session.get(EmailDraft, draft_id)
    if draft is None or not can_see_draft(user, draft):
        raise NotFoundError()
    return draft


@dataclass
class Attached:
    filename: str
    data: bytes
    file_type: str | None  # None: refused
    refusal: str = ""


@dataclass
class Proposal:
    draft: EmailDraft
    message: Message
    kind: str
    title: str
    sent_at: datetime | None
    local: datetime | None  # the instant in the reader's zone
    zone: str
    people: list[tuple[Address, Person]] = field(default_factory=list)
    unknown: list[Address] = field(default_factory=list)
    staff: list[User] = field(default_factory=list)
    attachments: list[Attached] = field(default_factory=list)


def _people_by_address(keys: list[str]) -> dict[str, Person]:
    if not keys:
        return {}
    stmt = (
        select(PersonEmail.email_key, Person)
        .join(Person, Person.id == PersonEmail.person_id)
        .where(PersonEmail.email_key.in_(keys), Person.erased_at.is_(None))
        .order_by(Person.archived, Person.id)
    )
    found: dict[str, Person] = {}
    for key, person in db.session.execute(stmt):
        found.setdefault(key, person)
    return found


def _users_by_address(keys: list[str]) -> dict[str, User]:
    if not keys:
        return {}
    stmt = select(User).where(func.lower(User.email).in_(keys), User.active.is_(True))
    return {user.email.lower(): user for user in db.session.execute(stmt).scalars()}


def _attachments(message: Message) -> list[Attached]:
    out = []
    for name, data in message.attachments:
        try:
            out.append(Attached(name, data, filetypes.check(name, data)))
        except filetypes.Refused as refused:
            out.append(Attached(name, data, None, str(refused)))
    return out


def propose(user: User, draft: EmailDraft) -> Proposal:
    try:
        data = store.get(draft.sha256)
    except OSError:
        raise NotFoundError("The message of this draft is missing from the document store.")
    kind, message = read_message(draft.filename, data)
    zone = reader_zone(user)
    capture = current_app.config["CAPTURE_ADDRESS"]
    addresses = [a for a in message.addresses if email_key(a.email) != capture]  # not the BCC itself
    keys = [email_key(a.email) for a in addresses]
    people, users = _people_by_address(keys), _users_by_address(keys)
    proposal = Proposal(
        draft=draft,
        message=message,
        kind=kind,
        title=message.subject or "Email",
        sent_at=message.sent_at,
        local=to_local(message.sent_at, zone) if message.sent_at else None,
        zone=zone,
        attachments=_attachments(message),
    )
    for address, key in zip(addresses, keys, strict=True):
        if key in users:
            proposal.staff.append(users[key])
        elif key in people:
            proposal.people.append((address, people[key]))
        else:
            proposal.unknown.append(address)
    return proposal
