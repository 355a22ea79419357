"""Body and upload limits, enforced before the body is parsed; a cap on events per invitation file."""

import io
import time

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from engage import config as config_module
from engage.engagements.models import Engagement
from engage.extensions import db
from tests.conftest import csrf_from

MB = 1024 * 1024


class Body(io.RawIOBase):
    """A request body of `size` bytes made as it is read, counting what the server read."""

    def __init__(self, size: int, chunk: bytes = b"a=" + b"x" * 1022):
        self.size, self.position, self.read_bytes, self.chunk = size, 0, 0, chunk

    def readable(self):
        return True

    def seekable(self):  # the test client measures the body's length by seeking to its end
        return True

    def seek(self, offset, whence=0):
        self.position = self.size if whence == 2 else offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.position)
        buffer[:n] = (self.chunk * (n // len(self.chunk) + 1))[:n]
        self.position += n
        self.read_bytes += n
        return n


def _form_post(client, path, body: Body, declared: bool = True, **headers):
    chunked = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    return client.post(
        path,
        input_stream=body,
        content_type="application/x-www-form-urlencoded",
        headers=headers,
        environ_overrides={} if declared else chunked,
    )


def _multipart(client, path, fields: dict, upload: bytes | None = None):
    """A multipart POST encoded here, in memory (the test client spools big ones to a file)."""
    data = MultiDict(fields)
    if upload is not None:
        data.add("file", FileStorage(io.BytesIO(upload), "invite.ics", content_type="text/calendar"))
    boundary, body = encode_multipart(data)
    return client.post(path, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def test_a_200_mb_anonymous_login_post_is_refused_before_it_is_read(client):
    body = Body(200 * MB)
    response = _form_post(client, "/login", body)
    assert response.status_code == 413
    assert "larger than Engage accepts here (20.0 MB)" in response.get_data(as_text=True)
    assert body.read_bytes == 0  # refused on the declared length: nothing parsed


def test_a_chunked_body_without_a_length_is_stopped_at_the_limit(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2 * MB
    body = Body(100 * MB)
    response = _form_post(client, "/login", body, declared=False)
    assert response.status_code == 413
    assert body.read_bytes <= 3 * MB  # read up to the limit, not to the end


def test_one_huge_form_field_is_refused(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = _multipart(client, "/login", {"csrf_token": token, "email": "x" * (2 * MB), "password": "p"})
    assert response.status_code == 413


def test_htmx_gets_the_413_as_a_fragment(client):
    response = _form_post(client, "/login", Body(50 * MB), **{"HX-Request": "true"})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<html" not in html and "larger than Engage accepts" in html


def test_the_limit_is_configurable_and_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("ENGAGE_MAX_CONTENT_LENGTH", "1048576")
    assert config_module.load(str(tmp_path), {"TESTING": True})["MAX_CONTENT_LENGTH"] == MB
    monkeypatch.setenv("ENGAGE_MAX_CONTENT_LENGTH", "lots")
    with pytest.raises(config_module.ConfigError, match="ENGAGE_MAX_CONTENT_LENGTH"):
        config_module.load(str(tmp_path), {"TESTING": True})


# --- the invitation upload ----------------------------------------------------------------


def _ics(events: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for n in range(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:cap-{n}@example.org",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:2026{(n % 12) + 1:02d}10T100000Z",
            f"DTEND:2026{(n % 12) + 1:02d}10T110000Z",
            f"SUMMARY:Panel {n}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def _engagements(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Engagement.id))).scalar_one()


def _import(client, token, data: bytes, **fields):
    return _multipart(client, "/engagements/import", {"csrf_token": token, **fields}, data)


def test_an_invitation_upload_over_its_own_limit_is_refused_before_parsing(app, client, as_role):
    token = as_role("editor")
    app.config["INVITATION_MAX_BYTES"] = 10_000  # the route's limit: 3 copies + 64 KB
    response = _import(client, token, _ics(1) + b" " * 200_000)
    assert response.status_code == 413
    assert "larger than Engage accepts here (93 KB)" in response.get_data(as_text=True)
    assert _engagements(app) == 0


def test_an_invitation_with_10000_events_is_refused_quickly_and_creates_nothing(app, client, as_role):
    token = as_role("editor")
    started = time.monotonic()
    response = _import(client, token, _ics(10_000), direct="1")
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert "holds 10,000 events; Engage imports at most 200 from one file" in response.get_data(as_text=True)
    assert _engagements(app) == 0


def test_the_event_cap_is_configurable(app, client, as_role):
    token = as_role("editor")
    app.config["INVITATION_MAX_EVENTS"] = 3
    response = _import(client, token, _ics(4), direct="1")
    assert response.status_code == 400
    assert "holds 4 events; Engage imports at most 3" in response.get_data(as_text=True)
    assert _engagements(app) == 0
    response = _import(client, token, _ics(3), direct="1")
    assert response.status_code == 302
    assert _engagements(app) == 3
