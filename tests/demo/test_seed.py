import hashlib
import itertools
from datetime import date

from sqlalchemy import func, select

from engage import create_app
from engage.auth.models import User
from engage.consultations.models import Consultation, Decision, Input
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.helplines.models import Helpline
from engage.organizations.models import Organisation
from engage.people.models import Person
from tests.conftest import csrf_from


def _count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_seed_demo_creates_demo_logins_and_proportional_data(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["engage", "seed-demo", "--people", "200"])
    assert result.exit_code == 0, result.output
    assert "editor@example.org" in result.output
    with app.app_context():
        roles = dict(db.session.execute(select(User.email, User.role)).all())
        assert roles["admin@example.org"] == "admin"
        assert roles["editor@example.org"] == "editor"
        assert roles["viewer@example.org"] == "viewer"
        assert _count(Person) == 200
        assert _count(Organisation) == 40
        assert _count(Consultation) == 600
        assert 5 * 600 > _count(Input) > 2 * 600
        assert _count(Decision) == _count(Input)
        assert _count(Engagement) >= 30
        helpline_countries = db.session.execute(select(func.count(func.distinct(Helpline.country)))).scalar_one()
        assert helpline_countries >= 30
        helplines = db.session.execute(select(Helpline)).scalars().all()
        today = db.session.execute(select(func.max(Helpline.last_verified_on))).scalar_one()
        assert any(h.is_stale(today) for h in helplines) and not all(h.is_stale(today) for h in helplines)
        confidentiality = set(db.session.execute(select(Consultation.confidentiality)).scalars())
        assert confidentiality == {"normal", "confidential", "restricted"}
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"email": "editor@example.org", "password": "engage-demo", "csrf_token": token})
    assert r.status_code == 302
    # A second run refuses (the database is not empty), and --if-empty succeeds doing nothing.
    assert runner.invoke(args=["engage", "seed-demo"]).exit_code == 1
    again = runner.invoke(args=["engage", "seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not seeding" in again.output
    with app.app_context():
        assert _count(User) == len(roles)


def _fingerprint(app) -> str:
    with app.app_context():
        rows = db.session.execute(select(Person.name, Person.country, Person.title).order_by(Person.id)).all()
        rows += db.session.execute(select(Input.text, Input.person_id).order_by(Input.id)).all()
        return hashlib.sha256(repr(rows).encode()).hexdigest()


def _sqlite_app(folder):
    folder.mkdir()
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'o.db'}",
            "INSTANCE_PATH": str(folder),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
    return app


def test_seed_is_deterministic(tmp_path):
    apps = [_sqlite_app(tmp_path / "one"), _sqlite_app(tmp_path / "two")]
    for target in apps:
        assert target.test_cli_runner().invoke(args=["engage", "seed-demo", "--people", "60"]).exit_code == 0
    assert _fingerprint(apps[0]) == _fingerprint(apps[1])
    for target in apps:
        with target.app_context():
            db.engine.dispose()


def test_demo_names_read_true(app):
    """E-mail addresses spell the surname in ASCII without dropping letters (Fernández →
    fernandez, Дмитриев → dmitriev), no decision is dated in the future, and no organisation is
    called "… Research Research Unit"."""
    from anyascii import anyascii

    from engage.demo.seed import seed
    from engage.people.models import PersonEmail

    with app.app_context():
        seed(people=300)
        work = PersonEmail.email.like("%@expert.example")
        rows = db.session.execute(select(Person.name, PersonEmail.email).join(PersonEmail).where(work)).all()
        for name, address in rows:
            local = address.split("@")[0].rsplit(".", 1)[0]
            parts = name.split()
            tails = [" ".join(parts[i:]) for i in range(len(parts))]  # "Ó Briain" as well as "Briain"
            spelled = {"".join(c for c in anyascii(part).lower() if c.isalnum()) for part in parts + tails}
            assert local in spelled, (name, address)  # the family name, wherever the script puts it
        accented = [a for n, a in rows if any(ord(c) > 127 for c in n.split()[-1])]
        assert accented and all(a.isascii() for a in accented)
        assert not db.session.execute(select(Decision).where(Decision.decided_on > date.today())).first()
        for (org,) in db.session.execute(select(Organisation.name)):
            words = org.split()
            assert all(a != b for a, b in itertools.pairwise(words)), org
        db.session.rollback()


def test_demo_points_are_on_their_consultations_topics(app):
    """Every point raised is on one of its consultation's topics (the secondary ones too), and a
    decision that changes a policy changes the policy of the point's own topic."""
    from engage.consultations.models import consultation_topics
    from engage.demo.seed import seed
    from engage.policies.models import Policy, PolicyVersion

    with app.app_context():
        seed(people=200)
        tagged = select(consultation_topics.c.topic_id).where(
            consultation_topics.c.consultation_id == Input.consultation_id
        )
        assert _count(Input) > 0
        off = select(func.count()).select_from(Input).where(Input.topic_id.not_in(tagged.scalar_subquery()))
        assert db.session.execute(off).scalar_one() == 0
        # Consultations on two topics have points on both (not all on the first).
        mixed = select(Input.consultation_id).group_by(Input.consultation_id)
        mixed = mixed.having(func.count(func.distinct(Input.topic_id)) > 1).subquery()
        assert db.session.execute(select(func.count()).select_from(mixed)).scalar_one() > 0
        crossed = (
            select(func.count())
            .select_from(Decision)
            .join(Input, Input.id == Decision.input_id)
            .join(PolicyVersion, PolicyVersion.id == Decision.policy_version_id)
            .join(Policy, Policy.id == PolicyVersion.policy_id)
            .where(Policy.topic_id != Input.topic_id)
        )
        assert db.session.execute(crossed).scalar_one() == 0
        # And what the point says is about its topic: no eating-disorder point on a suicide policy.
        from engage.topics.models import Topic

        said = db.session.execute(select(Topic.slug, Input.text).join(Topic, Topic.id == Input.topic_id)).all()
        for slug, text in said:
            assert any(word in text.lower() for word in TOPIC_WORDS[slug]), (slug, text)
        db.session.rollback()


TOPIC_WORDS = {  # a point on a topic uses one of its words
    "suicide-self-harm": ("suicid", "self-harm"),
    "disordered-eating": ("eating", "diet", "fasting"),
    "body-image": ("body image", "weight", "cosmetic"),
    "emotionally-vulnerable": ("sad", "lonel", "hopeless"),
    "product-wellbeing": ("screen-time", "autoplay", "well-being"),
    "commercial-content": ("commercial", "paid", "ad label"),
    "crisis-response": ("crisis", "helpline", "imminent risk"),
    "regulation": ("regulator", "transparency", "age assurance"),
}


# The words a title must hold for each kind of record (one of them): a "Site visit" is not a panel.
CONSULTATION_KIND_WORDS = {
    "meeting": ("session", "meeting", "briefing"),
    "call": ("call",),
    "roundtable": ("roundtable",),
    "workshop": ("workshop",),
    "written_submission": ("written",),
    "survey": ("survey",),
    "email": ("email",),
}
ENGAGEMENT_KIND_WORDS = {
    "speaking": ("keynote", "talk"),
    "panel": ("panel",),
    "roundtable": ("roundtable",),
    "council_meeting": ("council",),
    "site_visit": ("site visit",),
    "conference": ("conference",),
}


def test_demo_titles_say_their_kind(app):
    """A consultation or engagement is of the kind its title says, and a site visit happens on site."""
    from engage.demo.seed import seed

    with app.app_context():
        seed(people=200)
        for words, model in ((CONSULTATION_KIND_WORDS, Consultation), (ENGAGEMENT_KIND_WORDS, Engagement)):
            rows = db.session.execute(select(model.title, model.kind)).all()
            assert {kind for _, kind in rows} == set(words)  # every kind appears
            for title, kind in rows:
                assert any(word in title.lower() for word in words[kind]), (title, kind)
        visits = select(Engagement.venue).where(Engagement.kind == "site_visit")
        assert all(venue for (venue,) in db.session.execute(visits))
        db.session.rollback()
