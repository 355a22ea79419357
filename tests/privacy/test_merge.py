"""Likely duplicates and merging them (issue 18, acceptance 5): every link of both ends on the
survivor, nothing is counted twice, and the merged-away record can be rebuilt from the log."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.audit.services import Actor
from engage.briefings.models import Document
from engage.consultations.models import Commitment, Consultation, Input
from engage.documents.models import Attachment, Note
from engage.engagements.models import Engagement, EngagementParticipant
from engage.extensions import db
from engage.forums.models import ForumMember
from engage.organizations.models import Affiliation
from engage.people import consent, merge
from engage.people.models import (
    ConflictDeclaration,
    Honorarium,
    Person,
    PersonEmail,
    PersonPhone,
    StakeholderAssessment,
)
from tests.factories import (
    make_affiliation,
    make_consultation,
    make_engagement,
    make_forum,
    make_input,
    make_organisation,
    make_person,
    make_topic,
    make_user,
)


def _linked(person_id: int) -> dict[str, int]:
    """How many rows point at the person, by foreign key (found from the schema)."""
    return {
        f"{table.name}.{column.name}": db.session.execute(
            select(func.count()).select_from(table).where(column == person_id)
        ).scalar_one()
        for table, column in merge.person_links()
    }


def _totals() -> dict[str, int]:
    return {
        m.__name__: db.session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in (Consultation, Input, Engagement, Commitment)
    }


def _give_every_link(person: Person, shared: dict, mine: str) -> None:
    """One row of every kind that points at a person, some shared with the other record."""
    user = shared["user"]
    make_affiliation(person, shared["org"], role=f"Role {mine}")
    db.session.add(ForumMember(forum_id=shared["forum"].id, person_id=person.id, role="member"))
    own = make_consultation(f"Own consultation {mine}", people=[person])
    shared["consultation"].people.append(person)
    make_input(own, f"Point {mine}", person=person, decision={"outcome": "adopted", "rationale": "Yes"})
    make_input(shared["consultation"], f"Shared point {mine}", person=person)
    make_engagement(f"Own engagement {mine}", participants=[person])
    shared["engagement"].participants.append(EngagementParticipant(person_id=person.id))
    db.session.add(Commitment(description=f"Send {mine} the notes", person_id=person.id, status="open"))
    db.session.add(
        Document(
            kind="letter",
            filename=f"letter-{mine}.pdf",
            mimetype="application/pdf",
            sha256="0" * 64,
            size=1,
            content=b"x",
            params={},
            person_id=person.id,
        )
    )
    db.session.add(
        StakeholderAssessment(person_id=person.id, influence=3, stance="neutral", assessed_on=date(2026, 1, 1))
    )
    db.session.add(ConflictDeclaration(person_id=person.id, declared_on=date(2026, 1, 2), description=f"Grant {mine}"))
    db.session.add(Honorarium(person_id=person.id, paid_on=date(2026, 1, 3), amount=Decimal("100"), currency="EUR"))
    db.session.add(PersonPhone(person_id=person.id, number=f"+4420794609{len(mine):02d}", position=0))
    # Written input (issue 12): a document and a note on the person.
    db.session.add(
        Attachment(person_id=person.id, filename=f"{mine}.txt", sha256="1" * 64, size=1, file_type="text", text="x")
    )
    db.session.add(Note(person_id=person.id, body=f"Note on {mine}", author_id=user.id))
    person.topics.append(shared["topic"])
    consent.record_if_changed(Actor(user), person, consent.snapshot(None))
    db.session.flush()


def test_merge_moves_every_link_to_the_survivor_and_keeps_the_totals(app):
    with app.app_context():
        shared = {
            "user": make_user("editor"),
            "org": make_organisation("Mind the Gap"),
            "forum": make_forum(),
            "consultation": make_consultation("Shared roundtable"),
            "engagement": make_engagement("Shared panel"),
            "topic": make_topic(),
        }
        keep = make_person("José Pérez", email="jose@example.org", bio="")
        other = make_person("Jose Perez", email="JOSE@example.org", bio="Researcher in Lisbon.")
        _give_every_link(keep, shared, "keep")
        _give_every_link(other, shared, "other-record")
        db.session.commit()
        before_keep, before_other, totals = _linked(keep.id), _linked(other.id), _totals()
        # Every foreign key to people.id is exercised: a new one fails here until this test gives it a row.
        assert all(before_other.values()), {k: v for k, v in before_other.items() if not v}

        survivor = merge.merge_people(
            Actor(shared["user"]), keep, other, (keep.version, other.version), {"bio": "other"}, may_see_lived=False
        )
        db.session.commit()
        after = _linked(survivor.id)
        assert db.session.get(Person, other.id) is None
        assert all(v == 0 for v in _linked(other.id).values())
        assert _totals() == totals  # no consultation, point, engagement or commitment lost or doubled
        # The links both had are kept once; every other one is added.
        once = {
            "consultation_people.person_id": 1,
            "engagement_participants.person_id": 1,
            "person_topics.person_id": 1,
            "person_emails.person_id": 1,  # the same address in another case
            # No unique key, but the same row on both records: kept once (merge.SAME_ROW).
            "forum_members.person_id": 1,
            "stakeholder_assessments.person_id": 1,
        }
        for key in after:
            assert after[key] == before_keep[key] + before_other[key] - once.get(key, 0), key
        assert survivor.bio == "Researcher in Lisbon." and survivor.name == "José Pérez"
        assert [e.email for e in survivor.emails] == ["jose@example.org"]
        # The merged-away record is recoverable from the log, whole.
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == merge.MERGED_AWAY, AuditEvent.record_id == other.id)
        ).scalar_one()
        record = event.changes["details"]["record"]
        assert record["fields"]["name"] == "Jose Perez" and record["fields"]["bio"] == "Researcher in Lisbon."
        assert {row["email"] for row in record["links"]["person_emails.person_id"]} == {"JOSE@example.org"}
        assert len(record["links"]["inputs.person_id"]) == 2
        assert merge.merged_into(other.id) == survivor.id


def test_links_both_records_had_alike_are_kept_once_the_older_row_and_the_merge_says_so(app):
    with app.app_context():
        user, org, forum = make_user("editor"), make_organisation("Beat"), make_forum()
        roundtable = make_consultation("Roundtable on recovery")
        keep = make_person("Ana Lima", email="ana@example.org")
        other = make_person("Ana Lima", email="ana.lima@example.org")
        older = make_affiliation(other, org, role="Clinical Lead", start_on=date(2020, 1, 1))
        make_affiliation(keep, org, role="clinical  lead", start_on=date(2020, 1, 1))  # same, typed otherwise
        make_affiliation(other, org, role="Trustee", start_on=date(2018, 1, 1), end_on=date(2019, 1, 1))
        for person in (keep, other):
            db.session.add(ForumMember(forum_id=forum.id, person_id=person.id, role="member"))
            roundtable.people.append(person)
        db.session.commit()
        survivor = merge.merge_people(Actor(user), keep, other, (keep.version, other.version), {}, may_see_lived=False)
        db.session.commit()
        links = _linked(survivor.id)
        assert links["affiliations.person_id"] == 2  # the shared one once, and the other's old one
        assert links["forum_members.person_id"] == 1 and links["consultation_people.person_id"] == 1
        roles = db.session.execute(select(Affiliation.id, Affiliation.role).where(Affiliation.person_id == survivor.id))
        assert sorted(roles) == sorted([(older.id, "Clinical Lead"), (older.id + 2, "Trustee")])
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "merge")).scalar_one()
        collapsed = event.changes["details"]["collapsed"]
        assert [row["kept"] for row in collapsed["affiliations"]] == [older.id]
        assert len(collapsed["forum_members"]) == 1


def test_duplicate_pairs_are_found_by_email_in_any_case_and_by_name_at_the_same_organisation(app):
    with app.app_context():
        org, elsewhere = make_organisation("Beat"), make_organisation("Other NGO")
        a = make_person("Zoë Ångström", email="zoe@example.org")
        b = make_person("ANGSTROM, Zoe", email="z.a@example.org")
        c = make_person("Someone Else", email="ZOE@EXAMPLE.ORG")
        d = make_person("Zoe Angstrom", email="zoe2@example.org")  # same name, other organisation
        for person, organisation in ((a, org), (b, org), (d, elsewhere)):
            make_affiliation(person, organisation)
        make_person("Erased person", email="zoe@example.org", erased_at=datetime.now(UTC))
        db.session.commit()
        pairs, total = merge.duplicate_pairs()
        found = {(p.first.id, p.second.id): p.reasons for p in pairs}
        assert set(found) == {(a.id, b.id), (a.id, c.id)} and total == 2
        assert found[(a.id, b.id)] == ["Same name at Beat"]
        assert found[(a.id, c.id)] == ["Same email: zoe@example.org"]


def _pair(app):
    with app.app_context():
        keep = make_person("Ana Lima", email="ana@example.org", title="Director")
        other = make_person("Ana Lima", email="ANA@example.org", title="Psychologist")
        db.session.commit()
        return keep.id, keep.version, other.id, other.version


def test_editor_merges_from_the_duplicates_page_and_the_old_address_redirects(app, client, as_role):
    keep, keep_version, other, other_version = _pair(app)
    token = as_role("editor")
    page = client.get("/people/duplicates").get_data(as_text=True)
    assert f"/people/{keep}/merge/{other}" in page and "Same email: ana@example.org" in page
    form = client.get(f"/people/{keep}/merge/{other}")
    assert form.status_code == 200 and "Psychologist" in form.get_data(as_text=True)
    response = client.post(
        f"/people/{keep}/merge/{other}",
        data={"csrf_token": token, "version_keep": keep_version, "version_other": other_version, "title": "other"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/people/{keep}")
    old = client.get(f"/people/{other}")
    assert old.status_code == 301 and old.headers["Location"].endswith(f"/people/{keep}")
    with app.app_context():
        assert db.session.get(Person, keep).title == "Psychologist"
        assert db.session.execute(select(func.count()).select_from(PersonEmail)).scalar_one() == 1


def test_a_stale_merge_is_refused_and_changes_nothing(app, client, as_role):
    keep, keep_version, other, other_version = _pair(app)
    token = as_role("editor")
    response = client.post(
        f"/people/{keep}/merge/{other}",
        data={"csrf_token": token, "version_keep": keep_version, "version_other": other_version + 1},
    )
    assert response.status_code == 409 and "changed after you opened the merge" in response.get_data(as_text=True)
    missing = client.post(f"/people/{keep}/merge/{other}", data={"csrf_token": token, "version_keep": keep_version})
    assert missing.status_code == 409  # no version: never applied blindly
    with app.app_context():
        assert db.session.get(Person, other) is not None
        assert db.session.execute(select(func.count()).select_from(PersonEmail)).scalar_one() == 2


def test_viewers_cannot_see_duplicates_or_merge_and_self_merge_is_not_found(app, client, as_role):
    keep, keep_version, other, other_version = _pair(app)
    token = as_role("viewer")
    assert client.get("/people/duplicates").status_code == 403
    assert client.get(f"/people/{keep}/merge/{other}").status_code == 403
    data = {"csrf_token": token, "version_keep": keep_version, "version_other": other_version}
    assert client.post(f"/people/{keep}/merge/{other}", data=data).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    as_role("editor")
    assert client.get(f"/people/{keep}/merge/{keep}").status_code == 404
    assert client.get(f"/people/{keep}/merge/999999").status_code == 404
