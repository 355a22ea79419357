"""An email read from an .eml (the standard library's parser, policy.default) or an Outlook .msg
(extract-msg): subject, instant, addresses, the body as plain text with the quoted reply chain and
the signature trimmed (mail-parser-reply), and the attachments.

HTML bodies are turned into text through nh3 with no tags allowed: nothing in them is fetched
(no images, no stylesheets) and no markup survives.
"""

import email
import email.policy
import email.utils
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import nh3

MAX_BODY = 100_000
BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/tr|/li|/h[1-6]|/blockquote)\s*>")
DROPPED = {"script", "style", "head", "title"}


@dataclass
class Address:
    name: str
    email: str


@dataclass
class Message:
    subject: str = ""
    sent_at: datetime | None = None
    sender: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    body: str = ""  # the newest message only: quoted replies and signature trimmed
    full_body: str = ""  # the whole text, as sent
    attachments: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def addresses(self) -> list[Address]:
        """Everyone on the message, the sender first, each address once."""
        seen, out = set(), []
        for address in [*([self.sender] if self.sender else []), *self.to, *self.cc]:
            key = address.email.lower()
            if key and key not in seen:
                seen.add(key)
                out.append(address)
        return out


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body: block ends become line breaks, every tag and script goes."""
    marked = BLOCK_END.sub("\n", markup)
    text = nh3.clean(marked, tags=set(), clean_content_tags=DROPPED, strip_comments=True)
    text = html.unescape(text).replace("\xa0", " ")
    return re.sub(r"\n[ \t]*\n(\s*\n)+", "\n\n", text).strip()


def trim(text: str) -> str:
    """The newest reply of a thread, without the quoted messages below it or the signature."""
    from mailparser_reply import EmailReplyParser

    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    try:
        replies = EmailReplyParser(languages=["en", "de", "fr", "es", "it", "nl"]).read(text).replies
    except Exception:  # the parser failing on odd text: keep the whole body
        return text[:MAX_BODY]
    newest = replies[0].body.strip() if replies else ""
    return (newest or text)[:MAX_BODY]


def _addresses(values) -> list[Address]:
    pairs = email.utils.getaddresses([str(v) for v in values if v])
    return [Address(name.strip(), addr.strip()) for name, addr in pairs if "@" in addr]


def _instant(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _finish(message: Message, plain: str, markup: str) -> Message:
    message.full_body = (plain or (html_to_text(markup) if markup else "")).replace("\r\n", "\n")[:MAX_BODY]
    message.body = trim(message.full_body)
    message.subject = " ".join((message.subject or "").split())[:250]
    return message


def parse_eml(data: bytes) -> Message:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    message = Message(subject=str(parsed.get("Subject", "") or ""), sent_at=_instant(parsed.get("Date")))
    senders = _addresses([parsed.get("From")])
    message.sender = senders[0] if senders else None
    message.to = _addresses(parsed.get_all("To") or [])
    message.cc = _addresses(parsed.get_all("Cc") or [])
    plain_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    plain = _content(plain_part)
    markup = _content(html_part) if not plain else ""
    for part in parsed.iter_attachments():
        name = part.get_filename()
        payload = part.get_payload(decode=True)
        if name and payload:
            message.attachments.append((_safe_name(name), payload))
    return _finish(message, plain, markup)


def _content(part) -> str:
    if part is None:
        return ""
    try:
        return part.get_content()
    except (LookupError, ValueError):  # an unknown charset: the bytes as best we can
        return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")


def parse_msg(data: bytes) -> Message:
    import extract_msg

    msg = extract_msg.openMsg(data, delayAttachments=False)
    try:
        header = msg.header
        message = Message(subject=msg.subject or "", sent_at=_instant(msg.date or (header and header.get("Date"))))
        senders = _addresses([msg.sender or (header and header.get("From"))])
        message.sender = senders[0] if senders else None
        message.to = _addresses([msg.to]) if msg.to else []
        message.cc = _addresses([msg.cc]) if msg.cc else []
        plain = msg.body or ""
        markup = ""
        if not plain and msg.htmlBody:
            markup = msg.htmlBody.decode("utf-8", "replace") if isinstance(msg.htmlBody, bytes) else msg.htmlBody
        for attachment in msg.attachments:
            payload = getattr(attachment, "data", None)
            name = getattr(attachment, "longFilename", None) or getattr(attachment, "shortFilename", None)
            if name and isinstance(payload, bytes) and payload:
                message.attachments.append((_safe_name(name), payload))
    finally:
        msg.close()
    return _finish(message, plain, markup)


def _safe_name(name: str) -> str:
    name = re.split(r"[\\/]", str(name))[-1].replace("\x00", "").strip()
    return name[:200] or "attachment"


def parse(data: bytes) -> Message:
    """An .eml or a .msg, told apart by content (an OLE compound file is a .msg)."""
    from engage.documents.filetypes import OLE

    return parse_msg(data) if data.startswith(OLE) else parse_eml(data)


__all__ = ["Address", "Message", "html_to_text", "parse", "parse_eml", "parse_msg", "trim"]
