"""Home page part of issue 14: commitments owed to an organisation, assessments per topic

Revision ID: e14a0d5b1c20
Revises: b7d2e4f6a813
Create Date: 2026-12-01 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e14a0d5b1c20"
down_revision = "b7d2e4f6a813"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_commitments_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_commitments_organisation_id_organisations"), "organisations", ["organisation_id"], ["id"]
        )
    with op.batch_alter_table("stakeholder_assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topic_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_stakeholder_assessments_topic_id"), ["topic_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_stakeholder_assessments_topic_id_topics"), "topics", ["topic_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("stakeholder_assessments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_stakeholder_assessments_topic_id_topics"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_stakeholder_assessments_topic_id"))
        batch_op.drop_column("topic_id")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_commitments_organisation_id_organisations"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_commitments_organisation_id"))
        batch_op.drop_column("organisation_id")
