"""The topic taxonomy as data; one audit record-type name per model

A database built by `flask db upgrade` alone now has the managed topics (before, only the
demo seed and the tests made them). Audit events written with a singular record type
(person, engagement, topic, document) are renamed to the table name every other event uses.

Revision ID: 7c1e2a9d4b10
Revises: 508f27abca86
Create Date: 2026-12-01 10:10:00

"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '7c1e2a9d4b10'
down_revision = '508f27abca86'
branch_labels = None
depends_on = None

# The taxonomy as it stood when this migration was written (engage/topics/models.py SEED_TOPICS);
# a migration keeps its own copy so that later edits to the code cannot change what it did.
TOPICS = [
    ("suicide-self-harm", "Suicide and self-harm"),
    ("disordered-eating", "Disordered eating"),
    ("body-image", "Body image and ideals"),
    ("emotionally-vulnerable", "Emotionally vulnerable content"),
    ("product-wellbeing", "Well-being impact of product features"),
    ("commercial-content", "Commercial content and well-being"),
    ("crisis-response", "Crisis response"),
    ("regulation", "Regulation"),
]

RENAMED = {"person": "people", "engagement": "engagements", "topic": "topics", "document": "documents"}

topics = sa.table(
    "topics",
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("active", sa.Boolean),
    sa.column("version", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
audit_events = sa.table("audit_events", sa.column("record_type", sa.String))


def upgrade():
    bind = op.get_bind()
    existing = {(slug, name.lower()) for slug, name in bind.execute(sa.select(topics.c.slug, topics.c.name))}
    slugs = {slug for slug, _ in existing}
    names = {name for _, name in existing}
    now = datetime.now(timezone.utc)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC on SQLite (engage.mixins.UTCDateTime)
    rows = [
        dict(slug=slug, name=name, description="", active=True, version=1, created_at=now, updated_at=now)
        for slug, name in TOPICS
        if slug not in slugs and name.lower() not in names
    ]
    if rows:
        op.bulk_insert(topics, rows)
    for old, new in RENAMED.items():
        op.execute(audit_events.update().where(audit_events.c.record_type == old).values(record_type=new))


def downgrade():
    # The topics may be in use by then; they stay. Record types keep their table names.
    pass
