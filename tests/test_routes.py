"""Walk every route of the app for every role, on seeded demo data.

Protection is checked for routes added later too: a GET or POST route nobody walks fails
`test_the_walk_covers_every_route`. Detail pages are walked with ids that exist, so they must
answer 200 (not an accepted 404); each write is performed by each role that may, with the data
the app's own form offers, and must change the database; every other role is refused and
changes nothing.
"""

import hashlib
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import exists, func, select

from engage import create_app
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import ADMIN, API, DOCUMENT, PERSONAL, PUBLIC, WRITE, required_level
from engage.briefings import services as briefings
from engage.consultations.models import Commitment, Consultation, Input
from engage.demo.seed import seed
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.forums.models import ForumMember
from engage.helplines.models import Helpline
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person
from engage.policies.models import Clause
from engage.topics.models import Topic
from engage.webhooks.events import EVENTS
from engage.webhooks.models import WebhookSubscription
from engage.webhooks.services import new_secret
from tests.briefings.helpers import plant_evidence_job
from tests.conftest import PASSWORD, csrf_from, login
from tests.forms import fill, forms_on

SAMPLES = Path(__file__).parent / "engagements" / "samples"
ROLES = ("viewer", "editor", "admin")
EMAIL = {role: f"{role}@example.org" for role in ROLES}


def _rules():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rows = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rows.append((rule.endpoint, method, rule, required_level(view, method)))
    return rows


RULES = [r for r in _rules() if r[3] != API]
API_RULES = [r for r in _rules() if r[3] == API]  # the JSON API: a token, never the session (walked below)
GETS = [r for r in RULES if r[1] == "GET"]
POSTS = [r for r in RULES if r[1] != "GET"]


def _placeholder_path(rule) -> str:
    numeric = ("IntegerConverter", "IdConverter")
    args = {n: "1" if type(rule._converters[n]).__name__ in numeric else "x" for n in rule.arguments}
    return rule.build(args, append_unknown=False)[1]


# --- the seeded world: real ids for every argument a route takes ---------------------------


def _first(stmt):
    value = db.session.execute(stmt.limit(1)).scalar_one()
    return value


def _world_ids() -> dict:
    normal = Consultation.confidentiality == "normal"
    consultation = _first(
        select(Consultation.id)
        .where(normal, exists().where(Input.consultation_id == Consultation.id))
        .where(exists().where(Commitment.consultation_id == Consultation.id))
        .order_by(Consultation.id)
    )
    clause = db.session.execute(select(Clause).order_by(Clause.id).limit(1)).scalar_one()
    member = db.session.execute(select(ForumMember).order_by(ForumMember.id).limit(1)).scalar_one()
    admin = db.session.execute(select(User).where(User.email == EMAIL["admin"])).scalar_one()
    engagement = _first(select(Engagement.id).order_by(Engagement.id))
    # Two current affiliations at one organisation, the first of a person who may be written to:
    # one is ended from the person's page, the other from the organisation's.
    current = (
        select(Affiliation)
        .join(Person, Person.id == Affiliation.person_id)
        .where(Affiliation.end_on.is_(None), Person.do_not_contact.is_(False), Person.archived.is_(False))
        .where(Person.consent_basis.is_not(None), Person.consent_on.is_not(None))  # a letter may name them
        .order_by(Affiliation.organisation_id, Affiliation.id)
    )
    by_org = {}
    for aff in db.session.execute(current).scalars():
        by_org.setdefault(aff.organisation_id, []).append(aff)
    first, second = next(affs for affs in by_org.values() if len(affs) >= 2)[:2]
    person = first.person_id
    document = briefings.generate_letter(Actor(admin), person, date(2020, 1, 1), date.today())
    commitment = db.session.execute(
        select(Commitment).where(Commitment.consultation_id == consultation).order_by(Commitment.id).limit(1)
    ).scalar_one()
    commitment.status = "open"  # so that it can be completed
    unused_topic = Topic(slug="walk-unused", name="Walked topic, not yet used")  # edited, toggled, deleted
    db.session.add(unused_topic)
    # A webhook to every event on a local address (its host allowed): the walk's writes fill its outbox.
    hook = WebhookSubscription(
        name="Walked webhook",
        url="http://127.0.0.1:9/walk",
        events=list(EVENTS),
        secret=new_secret(),
        allowed_host="127.0.0.1",
        active=True,
    )
    db.session.add(hook)
    db.session.flush()
    names = {  # of records the walk does not rename
        "person_name": _first(  # a name only one person has (namesakes are named by email)
            select(Person.name)
            .where(Person.id != person)
            .group_by(Person.name)
            .having(func.count() == 1)
            .order_by(Person.name)
        ),
        "organisation_name": _first(
            select(Organisation.name).where(Organisation.id != first.organisation_id).order_by(Organisation.id)
        ),
    }
    in_forum = select(ForumMember.person_id).where(
        ForumMember.forum_id == member.forum_id, ForumMember.person_id.is_not(None)
    )
    # Two people no other write uses: one merged away into the walked person, one erased.
    spare = list(
        db.session.execute(
            select(Person.id).where(Person.id.not_in([person, second.person_id])).order_by(Person.id.desc()).limit(2)
        ).scalars()
    )
    privacy = {"person_id": spare[1]}
    return (
        names
        | {
            "other_id": spare[0],
            "people_privacy.page": privacy,
            "people_privacy.export": privacy,
            "people_privacy.erase": privacy,
            "new_member_id": _first(select(Person.id).where(Person.id.not_in(in_forum)).order_by(Person.id)),
            "person_id": person,
            "record_id": person,  # the JSON API's detail routes (tests/api walks each resource with its own)
            "organisation_id": first.organisation_id,
            "affiliation_id": first.id,
            "organizations.end_affiliation": {"affiliation_id": second.id},
            "forum_id": member.forum_id,
            "member_id": member.id,
            "helpline_id": _first(select(Helpline.id).order_by(Helpline.id)),
            "policy_id": clause.version.policy_id,
            "version_id": clause.version_id,
            "clause_id": clause.id,
            "key": clause.key,
            "topic_id": unused_topic.id,
            "subscription_id": hook.id,
            "consultation_id": consultation,
            "input_id": _first(select(Input.id).where(Input.consultation_id == consultation).order_by(Input.id)),
            "commitment_id": commitment.id,
            "engagement_id": engagement,
            "document_id": document.id,
            "job_id": plant_evidence_job(admin, clause.version.policy.topic_id),
            "user_id": _first(select(User.id).where(User.email == EMAIL["viewer"])),
            "token": admin.feed_token,
            "filename": "css/app.css",
        }
        | _written(person)
    )


def _saved_views(own: dict) -> int:
    """A private saved view of each writer to delete, and of each reader to rename (issue 14: only its
    owner may delete or rename it); the admin's are the walk's (`view_id` and the rename's own id),
    which every other reader finds missing."""
    from engage.savedviews.models import SavedView

    def planted(role: str, name: str) -> int:
        user = db.session.execute(select(User).where(User.email == EMAIL[role])).scalar_one()
        view = SavedView(owner_id=user.id, list_key="people.index", name=name, query="country=GB")
        db.session.add(view)
        db.session.flush()
        return view.id

    for role in ("editor", "admin"):
        own[role]["savedviews.delete"] = {"view_id": planted(role, "Walked view")}
    own["viewer"] = dict(own["admin"])  # the viewer's walk otherwise reads the admin's records
    for role in ("viewer", "editor", "admin"):
        own[role]["savedviews.edit"] = {"view_id": planted(role, "Walked view to rename")}
    return own["admin"]["savedviews.delete"]["view_id"]


def _written(person_id: int) -> dict:
    """Written input to walk (issue 12): a document on the walked person, and for each writer a note
    and two email drafts of their own (only a note's author edits it; a draft is its user's alone)."""
    from email.message import EmailMessage

    from engage.documents import store
    from engage.documents.models import Attachment, Note
    from engage.inbox.models import EmailDraft

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = EMAIL["admin"], "log@localhost", "Walked email"
    message["Date"] = "Tue, 03 Mar 2026 09:15:00 +0000"
    message.set_content("A walked message.")
    sha = store.put(message.as_bytes())
    attachment = Attachment(
        person_id=person_id, filename="walked.txt", sha256=store.put(b"Walked document"), size=15, file_type="text"
    )
    db.session.add(attachment)
    own = {}
    for role in ("editor", "admin"):
        user = db.session.execute(select(User).where(User.email == EMAIL[role])).scalar_one()
        note = Note(person_id=person_id, body=f"Walked note by {role}", author_id=user.id)
        drafts = [EmailDraft(user_id=user.id, sha256=sha, filename="walked.eml", subject="Walked email") for _ in "12"]
        db.session.add_all([note, *drafts])
        db.session.flush()
        own[role] = {
            "documents.edit_note": {"note_id": note.id},
            "documents.delete_note": {"note_id": note.id},
            "inbox.draft": {"draft_id": drafts[0].id},
            "inbox.discard": {"draft_id": drafts[1].id},
        }
    db.session.flush()
    return {"attachment_id": attachment.id, "note_id": own["admin"]["documents.edit_note"]["note_id"]} | {
        "draft_id": own["admin"]["inbox.draft"]["draft_id"],
        "view_id": _saved_views(own),
        "savedviews.edit": own["admin"]["savedviews.edit"],
        "own": own,
    }


def own_records(ids: dict, role: str) -> dict:
    """The walk's ids with the records that are `role`'s own (a viewer has none: the admin's)."""
    return ids | ids["own"].get(role, ids["own"]["admin"])


@pytest.fixture
def world(app):
    with app.app_context():
        seed(people=30, password=PASSWORD)
        ids = _world_ids()
        db.session.commit()
    return ids


def _path(rule, ids) -> str:
    """The rule's path with the world's ids (some endpoints get ids of their own, keyed by endpoint)."""
    own = ids.get(rule.endpoint, {})
    return rule.build({n: own.get(n, ids[n]) for n in rule.arguments}, append_unknown=False)[1]


def _fingerprint() -> str:
    """A digest of every row of every table: equal before and after means nothing was written (the
    tests' task queue makes evidence packs before the request that asked for them answers)."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    db.session.remove()
    return digest.hexdigest()


# --- who may see what ---------------------------------------------------------------------


@pytest.mark.parametrize(("endpoint", "method", "rule", "level"), RULES, ids=[f"{m} {r.rule}" for _, m, r, _ in RULES])
def test_anonymous_requests_end_at_login(client, endpoint, method, rule, level):
    response = client.open(_placeholder_path(rule), method=method)
    if level == PUBLIC:
        assert response.status_code != 302 or not response.headers["Location"].startswith("/login")
        return
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# The GET routes a role may be refused although it may sign in: admin pages, and a document
# made by someone else (it holds what its maker could see).
def _may_read(role: str, endpoint: str, level: str) -> bool:
    if level == ADMIN:
        return role == "admin"
    if level == WRITE:  # pages only writers use (likely duplicates, the merge screen)
        return role != "viewer"
    if endpoint in ("briefings.download", "briefings.evidence_job"):
        return role == "admin"  # the seeded document and evidence-pack job were made by the admin
    return True


REDIRECTS = {"policies.clause_by_key"}  # /policies/<id>/clauses/<key> → the clause's page
REDIRECTS |= {"documents.show", "documents.show_note"}  # a document's (a note's) place: its record's page
# A briefing.pdf GET with no up-to-date pack for the reader goes to the page that makes one.
REDIRECTS |= {"briefings.briefing_pdf"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_every_page_it_may(app, client, world, role):
    login(client, EMAIL[role])
    world = own_records(world, role)
    wrong = []
    for endpoint, _, rule, level in GETS:
        if level == PUBLIC:
            continue
        path = _path(rule, world)
        response = client.get(path)
        status = response.status_code
        if endpoint in REDIRECTS and status in (302, 303):  # a permanent address: must land on a page
            status = client.get(response.headers["Location"]).status_code
        expected = 200 if _may_read(role, endpoint, level) else (403 if level in (ADMIN, WRITE) else 404)
        if status != expected:
            wrong.append(f"{path}: {status}, expected {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_public_routes_answer_without_sign_in(client, world):
    for endpoint, _, rule, level in GETS:
        if level == PUBLIC and endpoint != "auth.login":
            assert client.get(_path(rule, world)).status_code == 200, rule.rule


# --- who may write what -------------------------------------------------------------------

# Data no page can fill in: a file to upload, the signed-in user's own password.
NEW_PASSWORD = "a new walk-test password"
EXTRA = {
    "engagement_import.upload": lambda ids: {"file": (SAMPLES.joinpath("outlook.ics").open("rb"), "invite.ics")},
    "auth.account": lambda ids: {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    # Fields a script on the page fills from a look-up as the user types:
    "people.add_affiliation": lambda ids: {"organisation": ids["organisation_name"], "role": "Adviser"},
    "organizations.add_affiliation": lambda ids: {"person": ids["person_name"], "role": "Adviser"},
    "forums.new_member": lambda ids: {"person": str(ids["new_member_id"])},
    "people.add_honorarium": lambda ids: {"amount": "250.00"},
    # The register's bulk action: the rows a user ticks (the walk's open commitment), marked done.
    "commitments.bulk": lambda ids: {"ids": [str(ids["commitment_id"])], "action": "done"},
    "webhooks.new": lambda ids: {
        "url": "http://127.0.0.1:9/new",
        "allowed_host": "127.0.0.1",
        "events": ["person.updated"],
    },
    # Written input (issue 12): a file to upload on each kind of record, an email to read.
    **{
        f"documents.upload_{kind}": lambda ids: {"file": (io.BytesIO(b"Walked notes."), "walked-notes.txt")}
        for kind in ("people", "organisations", "consultations", "engagements")
    },
    "inbox.new_from_email": lambda ids: {
        "file": (
            io.BytesIO(b"From: admin@example.org\r\nTo: log@localhost\r\nSubject: Walked upload\r\n\r\nHello.\r\n"),
            "walked.eml",
        )
    },
    "helplines.new": lambda ids: {"channel": "phone", "contact": "+44 20 7946 0958"},
    "transfer.import_people": lambda ids: {
        "file": (io.BytesIO(b"Name,Email,Country\nWalked Importee,walked.importee@example.org,GB\n"), "people.csv")
    },
    "transfer.import_organizations": lambda ids: {
        "file": (io.BytesIO(b"Name,Country\nWalked Imported Organisation,GB\n"), "organisations.csv")
    },
}
# Writes that change the session rather than the database, and how to see that they happened.
SESSION_WRITES = {"auth.logout": lambda client: client.get("/").headers.get("Location", "").startswith("/login")}
# Writes whose form appears only after another write (unarchive after archive …), then the ones
# that remove what others need, then signing out.
UNDO = {"unarchive", "restore", "activate", "unfollow", "sent"}


def _rank(endpoint: str) -> int:
    leaf = endpoint.split(".")[-1]
    if endpoint == "auth.logout":
        return 3
    if leaf.startswith(("delete", "remove")):
        return 2
    return 1 if leaf in UNDO else 0


# Pages opened with a query as well: forms that only a filtered list offers ("Save this view").
FILTERED_PAGES = ["/people?country=GB"]


def _offered_forms(client, ids) -> dict:
    """The page that offers each POST form the signed-in user can see, by the path the form posts to."""
    offered = {}
    pages = [_path(rule, ids) for _, _, rule, level in GETS if level != PUBLIC]
    for path in [*pages, *FILTERED_PAGES]:
        if path.split("?")[0].endswith((".pdf", ".ics", ".csv", ".vcf")):
            continue  # pages only: files carry no forms
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for form in forms_on(response.get_data(as_text=True)):
            offered.setdefault(form.action.split("?")[0] or path, path)
    return offered


def _plan(ids) -> list[tuple[str, str, str]]:
    """(endpoint, path, level) for every POST route, ordered so that each finds its form."""
    rows = [(e, _path(rule, ids), level) for e, _, rule, level in POSTS if level != PUBLIC]
    return sorted(rows, key=lambda row: _rank(row[0]))


def _post_as_a_user_would(client, offered, ids, endpoint, path, token):
    """Post the form a page offers for `path`, as filled in; None when no page offers one."""
    if path not in offered:
        offered.update(_offered_forms(client, ids))  # an earlier write may have brought it
    if path not in offered:
        return None
    form = _form_for(client.get(offered[path]).get_data(as_text=True), path, offered[path])  # as it is now
    extra = EXTRA[endpoint](ids) if endpoint in EXTRA else {}
    response = client.post(path, data={**fill(form), **extra, "csrf_token": token})
    if response.status_code == 200 and (confirm := _form_for(response.get_data(as_text=True), path, path)):
        response = client.post(path, data={**fill(confirm), "csrf_token": token})  # a preview: confirm it
    return response


def _form_for(html: str, action: str, page: str):
    return next((f for f in forms_on(html) if (f.action.split("?")[0] or page) == action), None)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_each_role_performs_every_write_it_may(app, client, world, role):
    token = login(client, EMAIL[role])
    world = own_records(world, role)
    offered = _offered_forms(client, world)
    failed, refused = [], []
    for endpoint, path, level in _plan(world):
        with app.app_context():
            before = _fingerprint()
        if level == ADMIN and role != "admin":
            response = client.post(path, data={"csrf_token": token, "name": "Written"})
        else:
            response = _post_as_a_user_would(client, offered, world, endpoint, path, token)
            if response is None:
                failed.append(f"{endpoint} {path}: no page offers its form")
                continue
        with app.app_context():
            changed = _fingerprint() != before
        if endpoint in SESSION_WRITES:
            changed = SESSION_WRITES[endpoint](client)
        if level == ADMIN and role != "admin":
            if response.status_code != 403 or changed:
                refused.append(f"{endpoint}: {response.status_code}, changed={changed}")
        elif response.status_code >= 400 or not changed:
            body = response.get_data(as_text=True)
            hint = [
                line.strip()[:200] for line in body.splitlines() if "invalid-feedback" in line or "alert-danger" in line
            ]
            failed.append(f"{endpoint} {path}: {response.status_code}, changed={changed} {hint[:3]}")
    assert not refused, f"{role} was not refused: " + "; ".join(refused)
    assert not failed, f"{role} could not perform:\n" + "\n".join(failed)


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_roles_are_refused_writes_above_them_and_nothing_changes(app, client, world, role):
    token = login(client, EMAIL[role])
    wrong = []
    for endpoint, method, rule, level in POSTS:
        # DOCUMENT: making a briefing or evidence pack is a read every role may do (tests/briefings).
        if level in (PUBLIC, PERSONAL, DOCUMENT) or (role == "editor" and level != ADMIN):
            continue
        with app.app_context():
            before = _fingerprint()
        response = client.open(_path(rule, world), method=method, data={"csrf_token": token, "name": "Written"})
        with app.app_context():
            changed = _fingerprint() != before
        if response.status_code != 403 or changed:
            wrong.append(f"{endpoint}: {response.status_code}, changed={changed}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_csrf_token_is_needed_for_every_write(app, client, world):
    login(client, EMAIL["admin"])
    for _, method, rule, _ in POSTS:
        assert client.open(_path(rule, world), method=method, data={"name": "x"}).status_code == 400, rule.rule
    assert csrf_from(client.get("/").get_data(as_text=True))


def test_the_walk_covers_every_route(app):
    """Every route is walked by someone who may use it: each non-public GET by the read walk, each
    public GET by the public test, each non-public POST by the write walk (which fails when no page
    offers its form), and every route by the anonymous and CSRF walks."""
    every = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert {(e, m) for e, m, _, _ in RULES + API_RULES} == every
    planned = {e for e, _, _ in _plan(dict.fromkeys(_arguments(), "1"))}
    assert planned == {e for e, m, _, level in RULES if m == "POST" and level != PUBLIC}
    assert {e for e, m, _, level in RULES if m == "POST" and level == PUBLIC} == {"auth.login"}


def _arguments() -> set[str]:
    return {name for _, _, rule, _ in RULES for name in rule.arguments}


# --- the JSON API: walked with each role's token (tests/api has the hidden-record walk) -------------


API_IDS = {
    "people": "person_id",
    "organisations": "organisation_id",
    "affiliations": "affiliation_id",
    "forums": "forum_id",
    "helplines": "helpline_id",
    "policies": "policy_id",
    "consultations": "consultation_id",
    "commitments": "commitment_id",
    "engagements": "engagement_id",
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_every_api_route_with_a_token(app, client, world, role):
    from tests.api.conftest import bearer, make_token

    token = make_token(app, EMAIL[role], "read", f"{role} walk")
    wrong = []
    for _, method, rule, _ in API_RULES:
        own = world.get(API_IDS.get(rule.endpoint.split(".")[-1].removesuffix("_detail")), 1)
        path = _path(rule, world | {"record_id": own})
        if method != "GET":
            response = client.open(path, method=method, json={}, headers=bearer(token))
            expected = 403  # a read token never writes
        else:
            response = client.get(path, headers=bearer(token))
            expected = 200
        if response.status_code != expected or client.open(path, method=method).status_code != 401:
            wrong.append(f"{method} {path}: {response.status_code}, expected {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
