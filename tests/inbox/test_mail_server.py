"""`engage mail-server`: staff mail to the capture address is filed as a draft within seconds; a
stranger's is refused with a 5xx reply and nothing is stored."""

import os
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.inbox import mailserver
from engage.inbox.models import EmailDraft
from tests.conftest import login
from tests.documents.files import outlook_eml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _drafts(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(select(EmailDraft.subject, EmailDraft.source).order_by(EmailDraft.id)).all()
        db.session.remove()
        return [tuple(r) for r in rows]


def _mail(sender: str, subject: str) -> bytes:
    return outlook_eml(sender=sender, to="log@localhost", cc="", subject=subject, attachment=None)


def _wait_for(predicate, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _connects(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def server(app, users):
    """The real command, `flask --app wsgi engage mail-server`, on a free port and the test's database."""
    port = _free_port()
    env = dict(os.environ)
    env |= {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ENGAGE_SECRET_KEY": "test-secret",
        "SECRET_KEY": "test-secret",
        "ENGAGE_DOCUMENTS_PATH": os.path.join(app.instance_path, "documents"),
    }
    process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "flask", "--app", "wsgi", "engage", "mail-server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Starting the app is a few seconds on a quiet machine; a loaded CI box may take much longer.
        started = _wait_for(lambda: _connects(port) or process.poll() is not None, 240)
        if not started or process.poll() is not None:
            process.kill()
            pytest.fail(f"the mail server did not start: {process.communicate(timeout=10)[1].decode()[-2000:]}")
        yield port
    finally:
        process.terminate()
        process.wait(10)
        process.stderr.close()


def test_staff_mail_is_filed_and_a_strangers_refused(app, client, users, server):
    with smtplib.SMTP("127.0.0.1", server, timeout=30) as smtp:
        smtp.sendmail(users["editor"], ["log@localhost"], _mail(users["editor"], "Call notes with Amara"))
    assert _wait_for(lambda: _drafts(app) == [("Call notes with Amara", "mail")], 10)
    with smtplib.SMTP("127.0.0.1", server, timeout=30) as smtp:
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp.sendmail("stranger@elsewhere.example", ["log@localhost"], _mail("stranger@elsewhere.example", "Hi"))
        assert 500 <= refused.value.smtp_code < 600
    # a viewer is not staff who log consultations
    with smtplib.SMTP("127.0.0.1", server, timeout=30) as smtp, pytest.raises(smtplib.SMTPSenderRefused):
        smtp.sendmail(users["viewer"], ["log@localhost"], _mail(users["viewer"], "Viewer"))
    with smtplib.SMTP("127.0.0.1", server, timeout=30) as smtp:  # the envelope says staff, the From a stranger
        with pytest.raises(smtplib.SMTPDataError) as forged:
            smtp.sendmail(users["editor"], ["log@localhost"], _mail("stranger@elsewhere.example", "Forged"))
        assert forged.value.smtp_code == 550
    with smtplib.SMTP("127.0.0.1", server, timeout=30) as smtp, pytest.raises(smtplib.SMTPRecipientsRefused):
        smtp.sendmail(users["editor"], ["someone@localhost"], _mail(users["editor"], "Elsewhere"))
    assert _drafts(app) == [("Call notes with Amara", "mail")]
    token = login(client, users["editor"])
    page = client.get("/consultations/drafts").get_data(as_text=True)
    assert "Call notes with Amara" in page and "By mail" in page and token


def test_lmtp_and_the_size_limit(app, users):
    app.config["CAPTURE_MAX_BYTES"] = 50_000
    port = _free_port()
    controller = mailserver.start(app, "127.0.0.1", port, lmtp=True)
    try:
        with smtplib.LMTP("127.0.0.1", port) as lmtp:
            lmtp.sendmail(users["admin"], ["LOG@localhost"], _mail(users["admin"], "Via LMTP"))
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = users["admin"], "log@localhost", "Too big"
        message.set_content("x" * 80_000)
        with smtplib.LMTP("127.0.0.1", port) as lmtp:
            with pytest.raises(smtplib.SMTPException) as too_big:
                lmtp.sendmail(users["admin"], ["log@localhost"], message.as_bytes())
            assert "552" in str(too_big.value)
    finally:
        controller.stop()
    assert _drafts(app) == [("Via LMTP", "mail")]
