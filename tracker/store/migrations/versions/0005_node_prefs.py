"""Per-node choices a learner makes: a time estimate of their own, and core or optional.

New table only; every existing row is untouched.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "node_pref",
        sa.Column("node_id", sa.String(), primary_key=True),
        sa.Column("estimate_minutes", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IS NULL OR role IN ('core', 'optional')", name="ck_node_pref_role"),
        sa.CheckConstraint("estimate_minutes IS NULL OR estimate_minutes > 0", name="ck_node_pref_estimate"),
    )


def downgrade() -> None:
    op.drop_table("node_pref")
