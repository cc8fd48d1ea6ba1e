"""Runs record the process that watches them, the claim's figures, curves and test counts.

``pid``, ``pid_started`` and ``host`` let a later start find runs whose
watcher died (``Store.interrupt_orphaned_runs``, one query on the new
``ix_runs_outcome`` index); ``measured``/``threshold``, ``curves`` and
``tests`` feed the run history. Existing rows keep their values; the new
columns are NULL for them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = (
    ("pid", sa.Integer()),
    ("pid_started", sa.BigInteger()),
    ("host", sa.String()),
    ("measured", sa.Float()),
    ("threshold", sa.Float()),
    ("curves", sa.JSON()),
    ("tests", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.create_index("ix_runs_outcome", "runs", ["outcome"])


def downgrade() -> None:
    op.drop_index("ix_runs_outcome", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
