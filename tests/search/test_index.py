"""Issue 13: the full-text index finds what people type, by any spelling (acceptance 1), shows
only what the reader may see (2), and every write path keeps it in step with the tables (4)."""

from datetime import date

from sqlalchemy import select

from engage.audit.services import Actor
from engage.auth.models import User
from engage.extensions import db
from engage.fulltext import index, query
from engage.fulltext.models import SearchEntry, SearchWord
from engage.people import merge, privacy
from engage.people import services as people
from engage.people.models import Person
from tests.conftest import login
from tests.factories import (
    make_consultation,
    make_helpline,
    make_input,
    make_organisation,
    make_person,
    make_policy,
    make_user,
    make_version,
)
from tests.search.test_views import page

POINT = "Memorial pages for young people who died by suicide should not recommend similar content."


def _world(app) -> dict:
    with app.app_context():
        staff = make_user(role="editor")
        make_person("Zoë Ødegård", title="Researcher")
        make_person("Chloé Gagnon", title="Clinician")
        make_person("Дмитрий Соколов")
        policy = make_policy("MH-SSH", title="Suicide and self-harm")
        make_version(policy, "v1", clauses={"MH-SSH 3.2": "Recovery stories stay up.", "MH-SSH 3.21": "Other."})
        open_ = make_consultation("Bereaved parents roundtable", summary="Families on memorial pages.")
        make_input(open_, POINT, decision={"outcome": "adopted", "rationale": "Agreed with the bereaved parents."})
        secret = make_consultation(
            "Zephyrine takedown strategy", confidentiality="restricted", staff=[staff], summary="Quasar summary."
        )
        make_input(secret, "A point about the xylophonic escalation channel.")
        make_consultation("Vellichor confidential call", confidentiality="confidential")
        make_helpline("NZ", name="Youthline")
        make_helpline("GB", name="Samaritans")
        make_person("Quiet Expert", lived_experience="Oubliette recovery story")
        db.session.commit()
        return {"staff": staff.email}


def test_spellings_codes_phrases_and_countries_find_their_records(app, client, users):
    _world(app)
    login(client, users["viewer"])
    assert "Zoë Ødegård" in page(client, "/search?q=zoe+odegard")
    assert "Chloé Gagnon" in page(client, "/search?q=gagnom")  # one letter wrong
    assert "Chloé Gagnon" in page(client, "/search?q=chloe+gangon")  # two letters swapped
    assert "Chloé Gagnon" in page(client, "/search?q=chlo")  # a prefix while typing
    assert "Дмитрий Соколов" in page(client, "/search?q=dmitrii+sokolov")  # Cyrillic, transliterated
    html = page(client, "/search?q=MH-SSH+3.2&kind=clauses")
    assert "Recovery stories stay up" in html and "MH-SSH 3.21" not in html  # a code is exact
    html = client.get('/search?q="recommend+similar+content"').get_data(as_text=True)
    assert "Bereaved parents roundtable" in html
    assert "<mark>recommend</mark> <mark>similar</mark> <mark>content.</mark>" in html
    assert "Youthline" in page(client, "/search?q=new+zealand") and "Samaritans" not in page(
        client, "/search?q=new+zealand"
    )


def test_a_phrase_matches_only_words_in_that_order(app, client, users):
    _world(app)
    login(client, users["viewer"])
    assert "Bereaved parents roundtable" not in page(client, '/search?q="content+similar+recommend"')


def test_results_are_ranked_by_where_and_how_the_words_are_found(app, users):
    """A word in the title beats the same word in a body; an exact name beats a near spelling of it;
    the newest entry is not first for being newest (the engine hands candidates over newest first)."""
    with app.app_context():
        make_person("Harriet Lindqvist", title="Researcher")  # the exact name, added first
        make_consultation("Quarterly check-in", summary="Harriet Lindqvist mentioned the lindqvist archive.")
        make_person("Harriet Lindkvist", title="Clinician")  # one letter away, added last
        db.session.commit()
        reader = db.session.execute(select(User).where(User.email == users["viewer"])).scalar_one()
        found = query.search(db.session, "lindqvist", reader)
        order = [(hit.kind, hit.title) for hit in sorted(found.hits, key=lambda h: -h.score)]
        assert order.index(("people", "Harriet Lindqvist")) < order.index(("consultations", "Quarterly check-in"))
        assert order.index(("people", "Harriet Lindqvist")) < order.index(("people", "Harriet Lindkvist"))
        people_hits = [h.title for h in found.hits if h.kind == "people"]
        assert people_hits[0] == "Harriet Lindqvist", people_hits


def test_restricted_text_is_never_returned_counted_or_snippeted(app, client, users):
    world = _world(app)
    for role in ("viewer", "editor"):
        reader = app.test_client()
        login(reader, users[role])
        for word in ("zephyrine", "quasar", "xylophonic"):
            html = reader.get(f"/search?q={word}").get_data(as_text=True)
            assert "takedown strategy" not in html and "escalation channel" not in html and "Quasar summary" not in html
            assert "Nothing you may see matches" in html  # not even a count
        jump = reader.get("/search/jump?q=zephyrine").get_data(as_text=True)
        assert "takedown" not in jump and "Nothing found" in jump
    viewer = app.test_client()
    login(viewer, users["viewer"])
    assert "Vellichor" not in page(viewer, "/search?q=vellichor")
    editor = app.test_client()
    login(editor, users["editor"])
    assert "Vellichor" in page(editor, "/search?q=vellichor")  # confidential: editors see it
    for email in (users["admin"], world["staff"]):
        own = app.test_client()
        login(own, email)
        html = own.get("/search?q=xylophonic").get_data(as_text=True)
        assert "Zephyrine takedown strategy" in html and "<mark>xylophonic</mark>" in html


def test_lived_experience_is_not_found_by_anyone(app, client, users):
    _world(app)
    login(client, users["admin"])
    assert "Quiet Expert" not in page(client, "/search?q=oubliette")
    with app.app_context():
        bodies = db.session.execute(select(SearchEntry.folded_body)).scalars()
        assert not any("oubliette" in body for body in bodies)


def test_odd_queries_are_answered_not_refused(app, client, users):
    _world(app)
    login(client, users["viewer"])
    for q in ('"', "*", "NEAR(a b)", "a OR b AND", "-x", "'; drop", "%00", "((", ":*", "<->", "x" * 500):
        response = client.get("/search", query_string={"q": q})
        assert response.status_code == 200, q
    assert client.get("/search?q=gagnon&kind=nonsense&page=zz").status_code == 200
    assert client.get("/search?q=gagnon&kind=people&page=999").status_code == 200
    assert client.get("/search/jump?q=zoe").status_code == 200


def test_search_pages_by_kind_with_counts(app, client, users):
    with app.app_context():
        for n in range(25):
            make_person(f"Ravensworth Person {n}")
        db.session.commit()
    login(client, users["viewer"])
    html = page(client, "/search?q=ravensworth")
    assert "All 25 matching people" in html and html.count("Ravensworth Person") == 5
    second = page(client, "/search?q=ravensworth&kind=people&page=2")
    assert "21–25 of 25" in second and second.count("Ravensworth Person") == 5
    # A page past the end (a bookmark from when there were more) shows the last page, counted.
    past = page(client, "/search?q=ravensworth&kind=people&page=9")
    assert "21–25 of 25" in past and past.count("Ravensworth Person") == 5


def _actor(app, email):
    return Actor(db.session.execute(select(User).where(User.email == email)).scalar_one())


def _consistent():
    assert index.stale(db.session) == []


def test_every_write_path_keeps_the_index_in_step(app, client, users, tmp_path):
    _world(app)
    with app.app_context():
        _consistent()
        actor = _actor(app, users["admin"])
        created = people.create_person(actor, people.PersonData(name="Ingrid Halvorsen", organisation="Fjord Lab"))
        db.session.commit()
        _consistent()
        people.update_person(
            actor, created, created.version, people.PersonData(name="Ingrid Halvorsen-Berg", bio="Sleep science.")
        )
        db.session.commit()
        _consistent()
        org = make_organisation("Fjord Lab renamed")
        db.session.commit()
        people.set_archived(actor, created, True)
        db.session.commit()
        _consistent()
        entry = db.session.execute(select(SearchEntry).where(SearchEntry.record_id == created.id)).scalar_one()
        assert entry.archived and "halvorsen" in entry.folded_title
        keep = make_person("José Pérez", email="jose@example.org")
        other = make_person("Jose Perez", email="other@example.org")
        db.session.commit()
        merge.merge_people(actor, keep, other, (keep.version, other.version), {}, may_see_lived=False)
        db.session.commit()
        _consistent()
        assert "other example org" in db.session.get(SearchEntry, _entry_id("people", keep.id)).folded_body
        victim = db.session.execute(select(Person).where(Person.name == "Chloé Gagnon")).scalar_one()
        privacy.erase_person(actor, victim, "Request 2026-1", now=None)
        db.session.commit()
        _consistent()
        assert not db.session.execute(select(SearchEntry).where(SearchEntry.folded_title.contains("gagnon"))).first()
        assert _uses("gagnon") is None and _uses("chloe") is None  # no near spelling can offer the name
        assert _uses("halvorsen") == 1 and _uses("fjord") == 2  # Fjord Lab and Fjord Lab renamed
        assert org.id
    path = tmp_path / "people.csv"
    path.write_text("name,email\nAstrid Lindqvist,astrid@example.org\n")
    result = app.test_cli_runner().invoke(args=["engage", "import-people", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        _consistent()
        assert _entry_id(
            "people", db.session.execute(select(Person.id).where(Person.name == "Astrid Lindqvist")).scalar()
        )


def _uses(word):
    return db.session.execute(select(SearchWord.uses).where(SearchWord.word == word)).scalar()


def test_the_vocabulary_counts_the_names_using_each_word(app, client, users):
    with app.app_context():
        for n in range(3):
            make_person(f"Oksana Marchetti {n}")
        make_organisation("Marchetti Foundation")
        db.session.commit()
        assert _uses("marchetti") == 4 and _uses("oksana") == 3 and _uses("foundation") == 1
        assert index.stale(db.session) == []
        db.session.execute(SearchWord.__table__.delete().where(SearchWord.word == "oksana"))
        db.session.commit()
        assert ("words", "oksana") in index.stale(db.session)  # a drift is reported …
        index.reindex(db.session)
        db.session.commit()
        assert index.stale(db.session) == [] and _uses("oksana") == 3  # … and the rebuild mends it
    login(client, users["viewer"])
    assert "Oksana Marchetti 1" in page(client, "/search?q=marchetto")  # one letter wrong
    assert "Oksana Marchetti 1" in page(client, "/people?q=oksanna")  # one letter added, on the list page


def test_a_list_filtered_by_q_counts_up_to_the_cap_and_says_so(app, client, users, monkeypatch):
    import engage.fulltext.query
    import engage.web

    with app.app_context():
        for n in range(5):
            make_person(f"Ravensworth Person {n}")
        db.session.commit()
    login(client, users["viewer"])
    assert "of 5 people" in page(client, "/people?q=ravensworth")
    monkeypatch.setattr(engage.fulltext.query, "CAP", 3)
    monkeypatch.setattr(engage.web, "CAP", 3)
    html = page(client, "/people?q=ravensworth")
    assert "of 3+ people" in html and html.count("Ravensworth Person") == 3
    assert "of 5 people" in page(client, "/people?sort=name")  # no q: no cap


def _entry_id(kind, record_id):
    return db.session.execute(
        select(SearchEntry.id).where(SearchEntry.kind == kind, SearchEntry.record_id == record_id)
    ).scalar_one()


def test_reindex_rebuilds_what_was_lost(app, users):
    _world(app)
    with app.app_context():
        db.session.execute(SearchEntry.__table__.delete())
        db.session.commit()
        assert index.stale(db.session)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["engage", "reindex", "--check"]).exit_code == 1
    result = runner.invoke(args=["engage", "reindex"])
    assert result.exit_code == 0 and "Indexed" in result.output
    assert runner.invoke(args=["engage", "reindex", "--check"]).exit_code == 0
    with app.app_context():
        _consistent()
        assert date.today()


def test_search_and_list_pages_run_the_same_statements_whatever_the_data_size(app, client, users):
    from tests.sqlcount import statements_for

    paths = [
        "/search?q=halvorsen",
        "/search?q=halvorsen&kind=people",
        "/search?q=halvorsn",
        "/search/jump?q=roundtab",
        "/people?q=halvorsen",
        "/organizations?q=halvorsen",
        "/consultations?q=halvorsen",
    ]

    def grow(n):
        with app.app_context():
            organisation = make_organisation(f"Halvorsen Institute {n}")
            consultation = make_consultation(f"Halvorsen roundtable {n}")
            for i in range(n):
                person = make_person(f"Ingrid Halvorsen {n}-{i}", email=f"ingrid{n}-{i}@example.org")
                db.session.flush()
                make_input(consultation, f"Point {i} from Halvorsen", person=person)
                _ = organisation
            db.session.commit()

    login(client, users["editor"])
    grow(3)
    small = {p: statements_for(app, client, p) for p in paths}
    grow(40)
    assert {p: statements_for(app, client, p) for p in paths} == small
