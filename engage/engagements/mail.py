"""Sending mail: SMTP when MAIL_SERVER is set, else an .eml file in <instance>/outbox/."""

import os
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app


def message(to: str, subject: str, body: str, attachments=(), now: datetime | None = None) -> EmailMessage:
    """An EmailMessage from MAIL_FROM, dated `now` (mail clients sort and thread by Date and
    Message-ID); attachments are (filename, maintype, subtype, bytes)."""
    sender = current_app.config["MAIL_FROM"]
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or "engage")
    msg.set_content(body)
    for filename, maintype, subtype, data in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def send(msg: EmailMessage, name: str) -> str:
    """Deliver `msg`; returns where it went (the SMTP server or the outbox file)."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=30) as smtp:
            if config.get("MAIL_USE_TLS", True) and smtp.has_extn("starttls"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(msg)
        return config["MAIL_SERVER"]
    outbox = os.path.join(current_app.instance_path, "outbox")
    os.makedirs(outbox, exist_ok=True)
    path = os.path.join(outbox, f"{name}.eml")
    with open(path, "wb") as handle:
        handle.write(msg.as_bytes())
    return path
