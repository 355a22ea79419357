"""Deterministic synthetic demo data, written with bulk inserts in one transaction.

The same `--people N` gives the same records, dated relative to the day it runs (so the
demo always has upcoming engagements, recent consultations and a few stale helplines).
Volumes scale with N as in SPEC §5: N/5 organisations, 3N consultations, about 10N inputs.
"""

import random
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from engage.auth.models import User, random_token
from engage.demo import activity, directory, engagements, stances, views, webhooks, written
from engage.demo.base import Context, bulk_insert, indexes_set_aside, large_page_cache, reset_sequences
from engage.extensions import db
from engage.fulltext import hooks as fulltext_hooks
from engage.fulltext import index as fulltext_index
from engage.policies import outcomes
from engage.reports import counts as report_counts
from engage.reports import coverage_counts
from engage.reports import hooks as report_hooks
from engage.transfer import mapping
from engage.transfer.models import ImportMapping

DEMO_USERS = [
    ("admin@example.org", "Ada Admin", "admin"),
    ("editor@example.org", "Eddie Editor", "editor"),
    ("viewer@example.org", "Vera Viewer", "viewer"),
]


def seed_users(ctx: Context) -> None:
    password_hash = generate_password_hash(ctx.password, method=current_app.config["PASSWORD_HASH_METHOD"])
    staff = list(DEMO_USERS)
    # More staff, so owners, speakers and assignees are spread across a realistic team.
    first = [
        "Priya",
        "Tomás",
        "Aoife",
        "Kwame",
        "Mei",
        "Jonas",
        "Fatima",
        "Luca",
        "Sofia",
        "Daniel",
        "Ngozi",
        "Sam",
    ]
    last = [
        "Sharma",
        "García",
        "Murphy",
        "Mensah",
        "Chen",
        "Berg",
        "Haddad",
        "Rossi",
        "Novak",
        "Kim",
        "Eze",
        "Lee",
    ]
    for i in range(12):
        role = "editor" if i % 3 else "viewer"
        staff.append((f"staff{i + 1}@example.org", f"{first[i]} {last[(i * 5) % len(last)]}", role))
    rows = [
        dict(
            id=i,
            email=email,
            name=name,
            role=role,
            active=True,
            password_hash=password_hash,
            feed_token=random_token(),
            feed_scope="mine",
            version=1,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        for i, (email, name, role) in enumerate(staff, start=1)
    ]
    bulk_insert(User, rows)
    ctx.ids["users"] = [r["id"] for r in rows]
    ctx.ids["editors"] = [r["id"] for r in rows if r["role"] != "viewer"]
    ctx.counts["users"] = len(rows)


# In dependency order.
def seed_import_mapping(ctx: Context) -> None:
    """The column mapping of docs/samples/contacts-fr.csv, as if an editor had chosen it once, so the
    demo shows a file with unknown headers imported without asking again."""
    headers = ["Nom complet", "Courriel", "Pays", "Structure", "Fonction"]
    fields = ["name", "email", "country", "organisation", "title"]
    db.session.add(
        ImportMapping(kind="people", signature=mapping.signature("people", headers), headers=headers, fields=fields)
    )
    ctx.counts["import mappings"] = 1


def seed_api_tokens(ctx: Context) -> None:
    """Two of the editor's API tokens for /account/tokens: one in use, one revoked (their text is not kept)."""
    from engage.api.tokens import create_token, revoke_token
    from engage.audit.services import Actor

    editor = db.session.execute(select(User).where(User.email == "editor@example.org")).scalar_one()
    actor = Actor(editor)
    used, _ = create_token(actor, editor, "BI dashboard (demo)", "read", 90)
    used.last_used_at = ctx.now
    old, _ = create_token(actor, editor, "Old ticket sync (demo)", "write", 30)
    revoke_token(actor, old.id)
    ctx.counts["API tokens"] = 2


STEPS = [
    seed_users,
    directory.seed_topics,
    directory.seed_organisations,
    directory.seed_people,
    stances.seed_topic_stances,
    directory.seed_forums,
    directory.seed_helplines,
    activity.seed_policies,
    activity.seed_consultations,
    engagements.seed_engagements,
    activity.derive_last_interactions,
    seed_import_mapping,
    webhooks.seed_webhooks,
    seed_api_tokens,
    views.seed_views,
]


def analyse_in_transaction() -> None:
    """On PostgreSQL, planner statistics for the rows just copied in, before the index and the counts
    are built from them: the seed's rows are not committed yet, so autovacuum cannot see them, and a
    planner that thinks each table empty scans the whole of `inputs` for every batch of documents.
    ANALYZE inside the transaction sees them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))


def database_is_empty() -> bool:
    return db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def seed(people: int = 1000, password: str = "engage-demo", seed_value: int = 20261125) -> dict[str, int]:  # noqa: S107
    """Fill an empty database with the demo data set; returns the row counts written."""
    if not database_is_empty():
        raise RuntimeError("The database already has users; seed-demo only fills an empty database.")
    now = datetime.now(UTC)
    ctx = Context(rng=random.Random(seed_value), people=people, password=password, now=now, today=now.date())
    db.session.info[fulltext_hooks.OFF] = True  # bulk inserts bypass the ORM: one index build at the end
    db.session.info[outcomes.OFF] = True  # and one count of the decision outcomes
    db.session.info[report_hooks.OFF] = True  # … and one count of the reports' figures
    with large_page_cache():
        try:
            with indexes_set_aside():
                for step in STEPS:
                    step(ctx)
            reset_sequences()
            written.seed_written(ctx)  # ORM inserts, once the bulk steps' sequences are reset
            db.session.flush()
            analyse_in_transaction()
        finally:
            db.session.info.pop(fulltext_hooks.OFF, None)
            db.session.info.pop(outcomes.OFF, None)
            db.session.info.pop(report_hooks.OFF, None)
        fulltext_index.reindex(db.session)
        outcomes.rebuild(db.session)
        report_counts.rebuild_months(db.session)
        coverage_counts.rebuild(db.session, ctx.today)
    return ctx.counts
