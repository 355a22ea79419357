"""The capture address: an SMTP (or LMTP) receiver, on aiosmtpd, that files staff mail as drafts.

Postfix (or any MTA) hands mail for ENGAGE_CAPTURE_ADDRESS to `flask --app wsgi engage mail-server`
(see the README). The conversation refuses, with a 5xx reply and nothing stored:
- MAIL FROM an address that is not an active editor's or admin's (`auth.written.may_send_to_capture`);
- RCPT TO any address but the capture address;
- DATA larger than ENGAGE_CAPTURE_MAX_BYTES (aiosmtpd answers 552), whose From header is not the
  same user, or that does not read as an email.
Accepted mail becomes an email draft of that user (`drafts.receive`), committed at once: this
server is its own edge, like the command line, one transaction per message.
"""

import email
import email.policy
import email.utils

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from sqlalchemy import func, select

from engage.auth.models import User
from engage.auth.written import may_send_to_capture
from engage.errors import ValidationError
from engage.extensions import db
from engage.inbox import drafts

REFUSED_SENDER = "550 5.7.1 Only Engage staff may send mail to this address"
REFUSED_RECIPIENT = "550 5.1.1 This server takes mail for {address} only"
NOT_READ = "554 5.6.0 The message could not be read as an email; nothing was stored"


def _sender(address: str) -> User | None:
    user = db.session.execute(select(User).where(func.lower(User.email) == (address or "").strip().lower()))
    user = user.scalar_one_or_none()
    return user if may_send_to_capture(user) else None


class CaptureHandler:
    def __init__(self, app):
        self.app = app
        self.address = app.config["CAPTURE_ADDRESS"]

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.app.app_context():
            allowed = _sender(address) is not None
            db.session.remove()
        if not allowed:
            return REFUSED_SENDER
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if (address or "").strip().lower() != self.address:
            return REFUSED_RECIPIENT.format(address=self.address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return self.file(envelope.mail_from, envelope.original_content or envelope.content)

    def file(self, mail_from: str, data: bytes) -> str:
        """Keep the message as the sender's draft; the SMTP reply to give."""
        header = email.message_from_bytes(data, policy=email.policy.compat32).get("From", "")
        header_address = email.utils.parseaddr(str(header))[1].lower()
        with self.app.app_context():
            try:
                user = _sender(mail_from)
                if user is None or header_address != user.email.lower():
                    return REFUSED_SENDER
                draft = drafts.receive(user, "message.eml", data, source="mail")
                db.session.commit()
                return f"250 2.0.0 Filed as draft {draft.id}"
            except ValidationError:
                db.session.rollback()
                return NOT_READ
            finally:
                db.session.remove()


class LMTPController(Controller):
    def factory(self):
        return LMTP(self.handler, **self.SMTP_kwargs)


class SMTPController(Controller):
    def factory(self):
        return SMTP(self.handler, **self.SMTP_kwargs)


def start(app, host: str = "127.0.0.1", port: int = 8025, lmtp: bool = False) -> Controller:
    """Start the receiver in its own thread; `stop()` the returned controller to end it."""
    kind = LMTPController if lmtp else SMTPController
    controller = kind(
        CaptureHandler(app),
        hostname=host,
        port=port,
        data_size_limit=app.config["CAPTURE_MAX_BYTES"],
        ready_timeout=30,
    )
    controller.start()
    return controller
