"""The reports' maintained counts (reports.counts, reports.coverage_counts, kept by reports.hooks):
after every kind of write they equal a count from scratch, and what each reader gets from them is
exactly what the old query over the base tables gives that reader (the leak test), on the counts'
day, on a later day (meetings and affiliation ends since), and on an earlier one."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from engage.audit.services import Actor
from engage.consultations.models import Consultation, consultation_topics
from engage.engagements.models import EngagementParticipant
from engage.extensions import db
from engage.organizations.models import Affiliation
from engage.people.merge import merge_people
from engage.people.models import Person
from engage.reports import counts, coverage_counts, queries
from engage.reports.models import CoverageState
from tests.factories import (
    make_affiliation,
    make_consultation,
    make_engagement,
    make_organisation,
    make_person,
    make_topic,
    make_user,
)

TODAY = date.today()


def _stale() -> int:
    return counts.month_differences(db.session) + coverage_counts.differences(db.session)


def _readers() -> dict:
    return {
        "viewer": make_user(role="viewer"),
        "staff viewer": make_user(role="viewer"),
        "editor": make_user(role="editor"),
        "staff editor": make_user(role="editor"),
        "admin": make_user(role="admin"),
    }


def _world():
    """People of several regions and kinds met in consultations of each confidentiality (some with
    staff), on two topics, inside and outside the 12 months and the eight quarters, and in engagements."""
    readers = _readers()
    alpha, beta = make_topic(name="Alpha"), make_topic(name="Beta")
    ngo, academic = make_organisation(kind="ngo", country="GB"), make_organisation(kind="academic", country="BR")
    gb, br, ke, nowhere = (make_person(country=c) for c in ("GB", "BR", "KE", None))
    make_affiliation(gb, ngo)
    make_affiliation(br, academic)
    make_affiliation(br, ngo, start_on=TODAY - timedelta(days=4000), end_on=TODAY - timedelta(days=3000))
    staff = [readers["staff viewer"], readers["staff editor"]]
    days = [TODAY - timedelta(days=d) for d in (2, 40, 200, 364, 366, 500, 800)]
    for i, held in enumerate(days):
        for confidentiality in ("normal", "confidential", "restricted"):
            make_consultation(
                held_on=held,
                confidentiality=confidentiality,
                staff=staff if i % 2 else [readers["staff editor"]],
                topics=[alpha] if i % 3 else [alpha, beta],
                people={"normal": [gb][: i % 2], "confidential": [br, nowhere][i % 2 :], "restricted": [ke]}[
                    confidentiality
                ],
            )
    make_consultation(held_on=TODAY - timedelta(days=10), topics=[])  # no topic, no one
    make_consultation(held_on=TODAY - timedelta(days=10), confidentiality="restricted", staff=staff, people=[ke])
    starts = datetime.combine(TODAY, time(9), UTC)
    make_engagement(topics=[beta], participants=[nowhere], starts_at=starts - timedelta(days=5))
    make_engagement(topics=[alpha], participants=[ke], starts_at=starts + timedelta(days=5))  # still to come
    make_engagement(topics=[alpha], participants=[(gb, "speaker", "declined")], starts_at=starts - timedelta(days=1))
    make_engagement(topics=[beta], participants=[br], starts_at=starts - timedelta(days=9), status="cancelled")
    db.session.flush()
    return {"readers": readers, "topics": (alpha, beta), "people": (gb, br, ke, nowhere), "orgs": (ngo, academic)}


def _figures(user, today: date):
    """(coverage from the counts, from scratch; consultations by topic from the counts, from scratch)."""
    spans = queries.quarters(today)

    def bucket(column):
        return queries._quarter_of(column, spans)

    kept = {k: v for k, v in counts.month_counts(db.session, user, spans[0].start, spans[-1].end, bucket).items() if v}
    fresh = counts.recount_months(db.session, user, spans[0].start, spans[-1].end, bucket)
    return (
        coverage_counts.cells(db.session, user, today),
        coverage_counts.recount_cells(db.session, user, today),
        kept,
        fresh,
    )


def _same_for_everyone(readers, today: date = TODAY) -> None:
    for name, user in readers.items():
        kept_cells, fresh_cells, kept_months, fresh_months = _figures(user, today)
        assert kept_cells == fresh_cells, name
        assert kept_months == fresh_months, name


def test_each_reader_gets_exactly_the_old_querys_figures(app):
    with app.app_context():
        world = _world()
        readers = world["readers"]
        assert _stale() == 0
        _same_for_everyone(readers)
        # The figures differ by reader (so the test can tell a leak from a match) …
        by_reader = {name: _figures(user, TODAY)[0] for name, user in readers.items()}
        assert by_reader["viewer"] != by_reader["editor"] != by_reader["admin"] != by_reader["viewer"]
        assert by_reader["staff editor"] != by_reader["editor"]
        # … and a restricted meeting never reaches a reader who may not see it: Kenya (met in
        # restricted consultations, and in an engagement still to come) is not on the viewer's table.
        assert not any(region == "Africa" for (_, region, _) in by_reader["viewer"])
        assert any(region == "Africa" for (_, region, _) in by_reader["staff viewer"])


def test_a_later_day_counts_what_happened_since_live_and_an_earlier_day_whole(app):
    with app.app_context():
        world = _world()
        # The counts are as of yesterday: today's meetings and an affiliation ending yesterday came after.
        db.session.execute(update(CoverageState).values(asof=TODAY - timedelta(days=6)))
        coverage_counts.rebuild(db.session, TODAY - timedelta(days=6))
        db.session.get(Affiliation, db.session.execute(select(Affiliation.id).limit(1)).scalar()).end_on = (
            TODAY - timedelta(days=2)
        )
        db.session.flush()
        for today in (TODAY, TODAY + timedelta(days=7), TODAY - timedelta(days=30)):
            _same_for_everyone(world["readers"], today)
        assert coverage_counts.roll(db.session, TODAY) > 0
        assert coverage_counts.asof_day(db.session) == TODAY
        assert _stale() == 0
        _same_for_everyone(world["readers"])


def _edits():
    """Each write path the hooks must follow: (name, function of the world making the change)."""

    def held_on(w):
        c = db.session.execute(select(Consultation).where(Consultation.confidentiality == "normal")).scalars().first()
        c.held_on = TODAY - timedelta(days=90)

    def confidentiality(w):
        c = db.session.execute(select(Consultation).where(Consultation.confidentiality == "restricted")).scalars()
        c.first().confidentiality = "normal"

    def topic_added_and_removed(w):
        c = db.session.execute(select(Consultation).where(Consultation.held_on >= TODAY - timedelta(days=50)))
        first, second = c.scalars().all()[:2]
        first.topics = []
        second.topics.append(w["topics"][1])

    def person_added_and_removed(w):
        c = db.session.execute(select(Consultation).where(Consultation.confidentiality != "normal")).scalars().all()
        c[0].people = []
        c[1].people.append(w["people"][3])

    def deleted(w):
        for c in db.session.execute(select(Consultation).where(Consultation.held_on >= TODAY - timedelta(days=3))):
            db.session.delete(c[0])

    def created(w):
        make_consultation(held_on=TODAY - timedelta(days=1), topics=[w["topics"][0]], people=[w["people"][2]])

    def engagement_changed(w):
        engagement = make_engagement(topics=[w["topics"][0]], participants=[w["people"][3]])
        db.session.flush()
        engagement.status = "cancelled"
        participant = db.session.execute(select(EngagementParticipant)).scalars().first()
        participant.rsvp = "declined"

    def engagement_deleted(w):
        participant = db.session.execute(select(EngagementParticipant)).scalars().first()
        db.session.delete(participant.engagement)

    def country(w):
        w["people"][0].country = "JP"

    def affiliation(w):
        make_affiliation(w["people"][2], w["orgs"][1])

    def affiliation_ended(w):
        db.session.execute(select(Affiliation)).scalars().first().end_on = TODAY - timedelta(days=1)

    def organisation_kind(w):
        w["orgs"][0].kind = "government"

    def person_deleted(w):
        person = make_person(country="FR")
        make_consultation(held_on=TODAY - timedelta(days=5), topics=[w["topics"][0]], people=[person])
        db.session.flush()
        db.session.delete(person)

    def merged(w):
        admin = w["readers"]["admin"]
        gb, br = w["people"][0], w["people"][1]
        merge_people(Actor(admin), gb, br, (gb.version, br.version), {}, True)

    def core_link(w):  # a statement beside the ORM recounts what it moved itself
        c = db.session.execute(select(Consultation).where(Consultation.held_on >= TODAY - timedelta(days=50)))
        c = c.scalars().first()
        db.session.execute(consultation_topics.delete().where(consultation_topics.c.consultation_id == c.id))
        counts.refresh_months(db.session, {(c.held_on, c.confidentiality)})
        coverage_counts.refresh(db.session, {p.id for p in c.people})

    return [
        f
        for f in (
            held_on,
            confidentiality,
            topic_added_and_removed,
            person_added_and_removed,
            deleted,
            created,
            engagement_changed,
            engagement_deleted,
            country,
            affiliation,
            affiliation_ended,
            organisation_kind,
            person_deleted,
            merged,
            core_link,
        )
    ]


@pytest.mark.parametrize("edit", _edits(), ids=lambda f: f.__name__)
def test_after_each_write_the_counts_equal_a_count_from_scratch(app, edit):
    with app.app_context():
        world = _world()
        assert _stale() == 0
        edit(world)
        db.session.flush()
        assert _stale() == 0, edit.__name__
        _same_for_everyone(world["readers"])


def test_a_rolled_back_write_leaves_nothing_noted(app):
    with app.app_context():
        world = _world()
        db.session.commit()
        world["people"][0].country = "JP"
        db.session.rollback()
        assert "report_counts_noted" not in db.session.info
        assert _stale() == 0


def test_recount_rebuilds_and_checks(app):
    runner = app.test_cli_runner()
    with app.app_context():
        _world()
        db.session.commit()
        db.session.execute(update(CoverageState).values(asof=TODAY - timedelta(days=400)))
        db.session.commit()
    assert runner.invoke(args=["engage", "recount", "--check"]).exit_code == 1
    result = runner.invoke(args=["engage", "recount"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["engage", "recount", "--check"]).exit_code == 0
    with app.app_context():
        assert coverage_counts.asof_day(db.session) == TODAY


def test_the_demo_seeder_fills_the_counts(app):
    from engage.demo.seed import seed

    with app.app_context():
        seed(people=40)
        db.session.commit()
        assert _stale() == 0
        assert db.session.execute(select(Person.id)).first()
