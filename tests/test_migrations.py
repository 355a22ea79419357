"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import re
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from engage import create_app
from engage.extensions import db
from engage.fulltext.models import include_object
from engage.topics.models import SEED_TOPICS, Topic


def _fresh_database_url(tmp_path):
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{tmp_path / 'migrated.db'}", None
    base = make_url(re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url))
    name = f"engage_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return base.set(database=name).render_as_string(hide_password=False), (admin, name)


def test_migrations_match_the_models(tmp_path):
    url, cleanup = _fresh_database_url(tmp_path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path)})
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                opts = {"compare_type": True, "include_object": include_object}
                context = MigrationContext.configure(conn, opts=opts)
                diff = compare_metadata(context, db.metadata)
            assert diff == [], diff
            # The taxonomy is data the migrations write: a production database needs no seed for it.
            slugs = set(db.session.execute(select(Topic.slug).where(Topic.active)).scalars())
            assert slugs == {slug for slug, _ in SEED_TOPICS}
            db.session.remove()
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_the_vocabulary_migration_fills_it_from_the_entries(tmp_path):
    url, cleanup = _fresh_database_url(tmp_path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path)})
    entry = (
        "INSERT INTO search_entries (kind, record_id, title, meta, body, folded_title, folded_body, names, archived) "
        "VALUES ('people', :id, 't', '', '', 't', '', :names, false)"
    )
    try:
        with app.app_context():
            upgrade(revision="a12d0c5e7b31")
            with db.engine.begin() as conn:
                for record_id, names in ((1, "ana lopez"), (2, "ana lopez lopez"), (3, "")):
                    conn.execute(text(entry), {"id": record_id, "names": names})
            upgrade()
            with db.engine.connect() as conn:
                words = dict(conn.execute(text("SELECT word, uses FROM search_words")).all())
            assert words == {"ana": 2, "lopez": 2}
            db.session.remove()
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_the_outcome_counts_migration_fills_them_as_a_recount_would_and_goes_down(tmp_path):
    from datetime import date

    from flask_migrate import downgrade
    from sqlalchemy import func, insert, inspect

    from engage.consultations.models import Consultation, Decision, Input
    from engage.policies import outcomes
    from engage.policies.models import Clause, OutcomeCount, Policy, PolicyVersion

    url, cleanup = _fresh_database_url(tmp_path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path)})
    try:
        with app.app_context():
            upgrade(revision="c5d2e8f1a7b9")
            with db.engine.begin() as conn:
                for pid in (1, 2):
                    conn.execute(insert(Policy.__table__).values(id=pid, code=f"MH-M{pid}", title="P"))
                    conn.execute(insert(PolicyVersion.__table__).values(id=pid, policy_id=pid, label="v1"))
                    conn.execute(insert(Clause.__table__).values(id=pid, version_id=pid, key=f"K{pid}", text="t"))
                for cid, (day, level) in enumerate(
                    [(date(2026, 10, 1), "normal"), (date(2026, 10, 1), "restricted"), (date(2026, 11, 3), "normal")], 1
                ):
                    conn.execute(
                        insert(Consultation.__table__).values(id=cid, title="C", held_on=day, confidentiality=level)
                    )
                points = [(1, 1, 1, "adopted", None, 2), (2, 1, 1, None, None, None), (3, 2, 2, "parked", 1, None)]
                points += [(4, 3, None, "adapted", None, 1), (5, 3, 2, "declined", 2, 2)]
                for iid, cid, clause, outcome, changed, produced in points:
                    conn.execute(
                        insert(Input.__table__).values(id=iid, consultation_id=cid, text="x", clause_id=clause)
                    )
                    if outcome:
                        decision = {"input_id": iid, "outcome": outcome, "clause_id": changed}
                        conn.execute(insert(Decision.__table__).values(**decision, policy_version_id=produced))
            upgrade()
            assert db.session.execute(select(func.sum(OutcomeCount.n))).scalar() == 7  # point 1 and 3 count twice
            assert outcomes.differences(db.session) == []
            db.session.remove()  # PostgreSQL: the downgrade's DROP waits for every reader's transaction
            downgrade(revision="c5d2e8f1a7b9")
            db.session.remove()
            assert "outcome_counts" not in inspect(db.engine).get_table_names()
            db.session.remove()
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
