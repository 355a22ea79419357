"""Hostile text in every free-text field: stored XSS, PDF fetch probes, CSV formulas, calendar injection.

Every free-text column of every table (FREE_TEXT) is overwritten, on every row of the seeded world,
with text an attacker (a malicious expert's submitted words, a careless import) could save: script
and event-handler markup, Markdown images, `<link rel=attachment>`, CSS `@import`, `file://` paths
and URLs of a real listener on the loopback interface, spreadsheet formulas and iCalendar line
breaks. Then every page is read and the briefing pack, a letter and an evidence pack are rendered:
- no page carries the markup as markup (only escaped), no handler, no script without `src`;
- the listener gets no connection and no PDF embeds a file or shows /etc/passwd;
- no CSV cell starts with a formula character; no calendar gains a property or an event.
"""

import csv
import io
import re
import socket
import threading
from html.parser import HTMLParser

import icalendar
import pytest
from sqlalchemy import String, cast, column, func, literal, select, table, update

from engage.auth.permissions import PUBLIC
from engage.briefings.models import Document
from engage.extensions import db
from tests.briefings.helpers import ask_evidence
from tests.security.world import build, module_app, pdf_text, signed_in
from tests.test_routes import GETS, _path

FREE_TEXT = {
    "forums": ["name", "description"],
    "organisations": ["name", "description"],
    "topics": ["name", "description"],
    "users": ["name"],
    "consultations": ["title", "summary"],
    "engagements": ["title", "venue", "objectives", "key_messages", "sensitivities", "logistics"],
    "helplines": ["name", "contact", "hours", "ages", "escalation_name", "escalation_contact", "notes"],
    "people": ["name", "pronouns", "title", "bio", "lived_experience"],
    "policies": ["title", "description"],
    "affiliations": ["role"],
    "agenda_items": ["time_label", "title", "notes"],
    "commitments": ["description"],
    "conflict_declarations": ["description"],
    "forum_members": ["role"],
    "honoraria": ["purpose"],
    "person_emails": ["label"],
    "person_phones": ["label"],
    "policy_versions": ["label", "change_summary"],
    "stakeholder_assessments": ["note"],
    "clauses": ["heading", "text"],
    "inputs": ["text"],
    "decisions": ["rationale"],
}
FORMULAS = ("=", "+", "-", "@", "\t=", "\r=")


def payload(port: int) -> str:
    here = f"http://127.0.0.1:{port}"
    return (
        "<script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)>\"'>"
        "<a href=javascript:alert(1)>j</a>"
        f' ![probe]({here}/markdown) <img src="{here}/img"> <img src="file:///etc/passwd">'
        f' <link rel="attachment" href="file:///etc/passwd"><link rel=stylesheet href="{here}/link">'
        f"<style>@import url({here}/import); @import 'file:///etc/passwd';</style>"
        f' <iframe src="{here}/iframe"></iframe><object data="file:///etc/passwd"></object>'
        "\r\nX-INJECTED:1\r\nATTENDEE:mailto:evil@example.org\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
    )


class Listener:
    """A real TCP server on the loopback interface that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.hits.append(conn.recv(1024) or b"(connected)")
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/css\r\n\r\nbody{}")
                except OSError:
                    self.hits.append(b"(connected)")

    def close(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()


def poison(text: str) -> None:
    """Every free-text column of every row: the hostile text (numbered by row, cut to the column's length)."""
    for name, columns in FREE_TEXT.items():
        model = db.metadata.tables[name]
        values = {}
        for col in columns:
            length = getattr(model.c[col].type, "length", None)
            value = cast(model.c.id, String) + literal(" ") + literal(text)  # unique where names must be
            values[col] = func.substr(value, 1, length) if length else value
        db.session.execute(update(model).values(**values))
    # What CSV exports show, each starting with a formula character (one per row, in turn).
    for name in ("inputs", "consultations", "people", "decisions", "organisations"):
        tab = table(name, column("id"))
        col = FREE_TEXT[name][0]
        for (row_id,) in db.session.execute(select(tab.c.id)):
            start = FORMULAS[row_id % len(FORMULAS)]
            db.session.execute(
                update(db.metadata.tables[name])
                .where(db.metadata.tables[name].c.id == row_id)
                .values({col: f'{start}HYPERLINK("http://evil.example") {text}'[:200]})
            )
    db.session.commit()


@pytest.fixture(scope="module")
def hostile(database, tmp_path_factory):
    listener = Listener()

    def make():
        world = build()
        poison(payload(listener.port))
        return world

    with module_app(database, tmp_path_factory.mktemp("hostile"), make) as (app, world):
        yield app, world, listener
    listener.close()


class _Markup(HTMLParser):
    """Elements that would run or fetch something in a browser."""

    def __init__(self):
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and not a.get("src"):
            self.bad.append("inline <script>")
        if tag in ("svg", "iframe", "object", "embed", "style") or (tag == "link" and a.get("rel") == "attachment"):
            self.bad.append(f"<{tag}>")
        if tag == "img" and not (a.get("src") or "").startswith(("/static/", "data:")):
            self.bad.append(f"<img src={a.get('src')}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"<{tag} {name}={value}>")


def _markup_in(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    return parser.bad


def test_no_page_runs_stored_markup(hostile):
    app, world, _ = hostile
    client, _ = signed_in(app, world.emails["admin"])
    app.config["SECURITY_SUITE_ABANDON"]["on"] = True
    found = []
    try:
        for _, _, rule, level in GETS:
            if level == PUBLIC:
                continue
            path = _path(rule, world.ids)
            response = client.get(path)
            assert response.status_code < 500, (path, response.status_code)
            if "html" in response.content_type:
                found += [f"{path}: {bad}" for bad in _markup_in(response.get_data(as_text=True))]
            response.close()
    finally:
        app.config["SECURITY_SUITE_ABANDON"]["on"] = False
    assert not found, "stored markup rendered as markup:\n" + "\n".join(sorted(set(found)))


def _documents(app, client, token, world) -> list[bytes]:
    """The briefing pack, a letter and an evidence pack (PDF and CSV), as the admin gets them: a pack
    is rendered on the Generate button's POST, and its GET downloads what was stored."""
    engagement = f"/engagements/{world.ids['engagement_id']}"
    made = client.post(f"{engagement}/briefing", data={"csrf_token": token})
    assert made.status_code == 302, made.get_data(as_text=True)[:300]
    briefing = client.get(f"{engagement}/briefing.pdf")
    assert briefing.status_code == 200, briefing.status_code
    period = {"csrf_token": token, "date_from": "2020-01-01", "date_to": "2029-12-31"}
    letter = client.post(f"/people/{world.ids['person_id']}/letters", data=period)
    assert letter.status_code == 302, re.findall(
        r"invalid-feedback[^<]*<[^<]*|alert[^<]*<[^<]*", letter.get_data(as_text=True)
    )
    with app.app_context():
        topic = db.session.execute(select(func.min(db.metadata.tables["consultation_topics"].c.topic_id))).scalar()
    evidence = ask_evidence(client, {**period, "topic": str(topic)})
    assert evidence.status_code in (200, 302, 303), evidence.get_data(as_text=True)[:300]
    with app.app_context():
        ids = db.session.execute(select(Document.id).order_by(Document.id.desc()).limit(3)).scalars().all()
    return [briefing.get_data()] + [client.get(f"/documents/{i}").get_data() for i in ids]


def test_documents_fetch_nothing_embed_nothing_and_neutralise_formulas(hostile):
    app, world, listener = hostile
    client, token = signed_in(app, world.emails["admin"])
    documents = _documents(app, client, token, world)
    pdfs = [d for d in documents if d.startswith(b"%PDF")]
    csvs = [d for d in documents if not d.startswith(b"%PDF")]
    assert len(pdfs) == 3 and len(csvs) == 1
    assert not listener.hits, f"a PDF fetched from the network: {listener.hits[:3]}"
    for pdf in pdfs:
        assert b"/EmbeddedFile" not in pdf and b"/FileAttachment" not in pdf
        text = pdf_text(pdf)
        assert "root:x:0:0" not in text
        assert f"127.0.0.1:{listener.port}" in text, "the probes did not reach this PDF (shown as text)"
    rows = list(csv.reader(io.StringIO(csvs[0].decode("utf-8-sig"))))
    assert len(rows) > 1
    cells = [cell for row in rows for cell in row]
    assert any("HYPERLINK" in cell for cell in cells), "the planted formulas did not reach the CSV"
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], "a cell a spreadsheet would run"


def test_calendars_gain_no_property_and_no_event(hostile):
    app, world, _ = hostile
    client, _ = signed_in(app, world.emails["admin"])
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(db.metadata.tables["engagements"])).scalar()
    single = client.get(f"/engagements/{world.ids['engagement_id']}.ics")
    feed = app.test_client().get(f"/calendar/{world.ids['token']}.ics")
    for response, events in ((single, 1), (feed, None)):
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        calendar = icalendar.Calendar.from_ical(body)
        found = list(calendar.walk("VEVENT"))
        assert len(found) == (events or len(found)) and len(found) <= count
        unfolded = re.sub(r"\r\n[ \t]", "", body)
        assert not re.search(r"^(X-INJECTED|ATTENDEE:mailto:evil|SUMMARY:injected)", unfolded, re.M), "injected"
        assert len(re.findall(r"^BEGIN:VEVENT", unfolded, re.M)) == len(found)
