"""Property-based tests (Hypothesis): random text and structure into every form and the invitation parser.

Every POST form the admin is offered on any page is sent with its fields kept, replaced by random
text (NUL bytes, any non-surrogate unicode, huge and negative numbers, very long strings), left out
or sent twice. Whatever is sent: never a 5xx; a refusal (4xx) writes nothing (row counts of every
table unchanged) and says why, next to a field or above the form.
"""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.engagements import invites
from tests.conftest import login
from tests.forms import fill
from tests.security.seeded import offered_forms, row_counts

SKIP = {"/logout"}  # signing out would end the walk, not test a form
EXAMPLES_PER_FORM = 6

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
nasty = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        str(2**31),
        str(2**63),
        str(2**64),
        "-1",
        "0",
        "-" + str(2**63),
        "1e309",
        "NaN",
        "9" * 400,
        "x" * 5000,
        "٣",
        "²",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%_\\",
        "2026-02-30",
        "99999-01-01",
        (date.today() + timedelta(days=1)).isoformat(),
        "",
        " ",
    ]
)
value = st.one_of(texts, nasty)
change = st.one_of(
    st.just(("keep",)), st.tuples(st.just("set"), value), st.just(("drop",)), st.tuples(st.just("twice"), value)
)


def _offered_forms(client, world) -> dict:
    """{action: form} of every POST form with fields on every page the signed-in admin can open."""
    return offered_forms(client, world, lambda form: bool(form.fields) and form.action not in SKIP)


def _has_message(body: str) -> bool:
    return "invalid-feedback" in body or 'role="alert"' in body or "<h1" in body


def test_random_input_to_every_form_never_errors_and_never_half_writes(app, client, world):
    token = login(client, "admin@example.org")
    forms = _offered_forms(client, world)
    assert len(forms) >= 30, sorted(forms)
    failures = []

    def check(action, form):
        base = fill(form)
        names = [n for n in base if n != "csrf_token"]
        if not names:
            return

        @settings(
            max_examples=EXAMPLES_PER_FORM,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(changes=st.fixed_dictionaries({n: change for n in names}))
        def post(changes):
            data = {}
            for name, (kind, *rest) in changes.items():
                if kind == "keep":
                    data[name] = base[name]
                elif kind == "set":
                    data[name] = rest[0]
                elif kind == "twice":
                    data[name] = [rest[0], base[name] if isinstance(base[name], str) else rest[0]]
            data["csrf_token"] = token
            with app.app_context():
                before = row_counts()
            response = client.post(action, data=data)
            status, body = response.status_code, response.get_data(as_text=True)
            if status >= 500:
                failures.append(f"{action}: {status} for {data!r:.300}")
            elif 400 <= status < 500:
                with app.app_context():
                    after = row_counts()
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                if changed and status != 401:
                    failures.append(f"{action}: {status} but wrote {changed} for {data!r:.300}")
                if status in (400, 409) and not _has_message(body):
                    failures.append(f"{action}: {status} without a message for {data!r:.300}")

        post()

    for action, form in sorted(forms.items()):
        check(action, form)
    assert not failures, "\n".join(failures[:40])


# --- the invitation parser -----------------------------------------------------------------

PROPERTIES = ["UID", "SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "SEQUENCE", "LOCATION", "ORGANIZER", "ATTENDEE"]
line_value = st.one_of(value, st.sampled_from(["20260101T100000Z", "20260101", "TZID=Nowhere:20260101T1000", "-1"]))


@settings(max_examples=150, deadline=None, database=None)
@given(
    props=st.lists(st.tuples(st.sampled_from(PROPERTIES), line_value), max_size=12),
    raw=st.one_of(st.none(), st.binary(max_size=400)),
    zone=st.sampled_from(["Europe/London", "UTC", "America/New_York"]),
)
def test_the_invitation_parser_reads_or_refuses_with_a_message(props, raw, zone):
    if raw is not None:
        data = raw
    else:
        body = "\r\n".join(f"{name}:{text}" for name, text in props)
        data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".encode(
            "utf-8", "surrogatepass"
        )
    try:
        events = invites.parse(data, zone)
    except invites.InviteError as error:
        assert str(error).strip()
    else:
        assert all(e.starts_at.tzinfo is not None for e in events)


def test_a_nul_byte_in_a_field_is_refused_next_to_it(app, client, world):
    """PostgreSQL cannot store NUL in text (a 500 there, found by the test above); both databases refuse it."""
    token = login(client, "admin@example.org")
    with app.app_context():
        before = row_counts()
    response = client.post("/people/new", data={"csrf_token": token, "name": "Ada\x00Lovelace", "country": "GB"})
    assert response.status_code == 400
    assert "contains a NUL character" in response.get_data(as_text=True)
    with app.app_context():
        assert row_counts() == before


def test_a_nul_byte_in_a_row_of_a_form_is_refused_next_to_it(app):
    """Participant rows are FieldLists of FormFields: a NUL there reached a PostgreSQL lookup (a 500)."""
    from flask_wtf import FlaskForm
    from werkzeug.datastructures import MultiDict
    from wtforms import FieldList, Form, FormField, StringField

    from engage.web import NUL, refuse_nul

    class Row(Form):
        person = StringField()

    class Rows(FlaskForm):
        title = StringField()
        participants = FieldList(FormField(Row), min_entries=1)

    with app.test_request_context(method="POST"):
        form = Rows(formdata=MultiDict({"title": "ok", "participants-0-person": "a\x00b"}), meta={"csrf": False})
        assert refuse_nul(form)
        assert form.participants.entries[0].form.person.errors == [NUL]
        assert not form.title.errors


def test_a_nul_byte_in_a_participant_finds_no_one(app):
    from engage.engagements.records import find_person

    with app.app_context():
        assert find_person("a\x00b") is None and find_person("\x00") is None
