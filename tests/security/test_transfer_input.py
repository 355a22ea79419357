"""Hostile files into the import engine, hostile text out through the vCard and CSV exports.

Hypothesis feeds random bytes and random CSV/vCard structure to the import parsers and to the
upload itself: never an exception other than a refusal with a message, never a 5xx, and the
preview writes nothing. Text that a vCard reader could take as a new property or card (CR, LF,
CRLF, `;`, `,`, `:`) stays inside its property.
"""

import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.errors import ValidationError
from engage.extensions import db
from engage.transfer import files, mapping, vcard
from tests.factories import make_person
from tests.security.seeded import row_counts

cell = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
csv_text = st.lists(st.lists(cell, max_size=6), max_size=8).map(
    lambda rows: "\r\n".join(",".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows)
)
vcard_line = st.one_of(
    cell,
    st.sampled_from(
        [
            "FN;CHARSET=nowhere:Zoë",
            "N;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=",
            "=",
            " folded",
            "EMAIL;TYPE=pref:not an email",
            "TEL:++--",
            "item1.EMAIL:a@b.example",
            "VERSION:9.9",
            "BEGIN:VCARD",
            "END:VCARD",
        ]
    ),
)
vcard_text = st.lists(vcard_line, max_size=10).map(lambda ls: "BEGIN:VCARD\r\n" + "\r\n".join(ls) + "\r\nEND:VCARD\r\n")
payload = st.one_of(
    st.binary(max_size=600),
    csv_text.map(lambda t: t.encode("utf-8")),
    csv_text.map(lambda t: t.encode("cp1252", "replace")),
    vcard_text.map(lambda t: t.encode("utf-8")),
    vcard_text.map(lambda t: t.encode("latin-1", "replace")),
)
name = st.sampled_from(["people.csv", "people.vcf", "people.xlsx", "people.txt", "people", "ünïcode.CSV"])


@settings(max_examples=300, deadline=None, database=None)
@given(data=payload, filename=name, kind=st.sampled_from(["people", "organizations"]))
def test_the_import_parsers_read_or_refuse_with_a_message(data, filename, kind):
    try:
        table = files.read(data, filename, lambda row: mapping.looks_like_header(kind, row))
    except ValidationError as error:
        assert all(str(message).strip() for message in error.errors.values())
    else:
        assert table.kind in ("csv", "xlsx", "vcard")


@settings(max_examples=200, deadline=None, database=None)
@given(text=vcard_text)
def test_the_vcard_parser_never_raises(text):
    for raw in (text.encode("utf-8"), text.encode("utf-16")):
        cards, encoding = vcard.parse(raw)
        assert isinstance(cards, list) and encoding


def test_random_uploads_never_error_and_the_preview_writes_nothing(app, client, as_role):
    token = as_role("editor")
    with app.app_context():
        before = row_counts()
    failures = []

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=payload, filename=name, path=st.sampled_from(["/import/people", "/import/organizations"]))
    def upload(data, filename, path):
        form = {"csrf_token": token, "step": "upload", "file": (io.BytesIO(data), filename)}
        response = client.post(path, data=form, content_type="multipart/form-data")
        body = response.get_data(as_text=True)
        if response.status_code >= 500:
            failures.append(f"{path} {filename}: {response.status_code} for {data[:80]!r}")
        elif response.status_code == 400 and "invalid-feedback" not in body and 'role="alert"' not in body:
            failures.append(f"{path} {filename}: 400 without a message for {data[:80]!r}")

    upload()
    assert not failures, "\n".join(failures[:20])
    with app.app_context():
        assert row_counts() == before  # a preview is not an import


HOSTILE = "Evil\rEND:VCARD\rBEGIN:VCARD\rFN:Injected\nTEL:+1\r\nNOTE:x;y,z:w"


def test_hostile_text_stays_inside_its_vcard_property(app, client, as_role):
    with app.app_context():
        person = make_person(name="Vera Card", email="vera.card@example.org")
        person.title = HOSTILE
        person.bio = HOSTILE
        db.session.commit()
    as_role("editor")
    for version in ("4.0", "3.0"):
        response = client.get(f"/export/people.vcf?q=Vera+Card&version={version}")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        lines = re.split(r"\r\n|\r|\n", body)  # every line break any reader might honour
        assert sum(line == "BEGIN:VCARD" for line in lines) == 1, body
        assert not any(line.startswith(("FN:Injected", "TEL:+1", "NOTE:x")) for line in lines), body
