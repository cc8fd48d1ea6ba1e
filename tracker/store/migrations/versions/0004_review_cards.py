"""Spaced review: fsrs card state per node, an append-only review log, kinds left out of review.

New tables only; every existing row is untouched.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_cards",
        sa.Column("node_id", sa.String(), primary_key=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_review", sa.DateTime(timezone=True), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_cards_active_due", "review_cards", ["active", "due", "node_id"])
    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("node_id", sa.String(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("undoes", sa.String(), nullable=True),
        sa.UniqueConstraint("uid", name="uq_review_log_uid"),
    )
    op.create_index("ix_review_log_node_at", "review_log", ["node_id", "reviewed_at"])
    op.create_table(
        "review_skip_kinds",
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_skip_kinds")
    op.drop_index("ix_review_log_node_at", table_name="review_log")
    op.drop_table("review_log")
    op.drop_index("ix_review_cards_active_due", table_name="review_cards")
    op.drop_table("review_cards")
