"""Notes remember when they were last edited; runs keep metrics, claim and verdict.

Also indexes what ``stats`` and ``is_implemented`` filter on. Existing notes
get ``updated_at = created_at``.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE notes SET updated_at = created_at")
    with op.batch_alter_table("notes") as batch:
        batch.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("metrics", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("claim", sa.Text(), nullable=True))
        batch.add_column(sa.Column("verdict", sa.String(), nullable=True))
    op.create_index("ix_status_history_to_status_at", "status_history", ["to_status", "at"])
    op.create_index("ix_runs_slug_kind", "runs", ["slug", "kind"])


def downgrade() -> None:
    op.drop_index("ix_runs_slug_kind", table_name="runs")
    op.drop_index("ix_status_history_to_status_at", table_name="status_history")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("verdict")
        batch.drop_column("claim")
        batch.drop_column("metrics")
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("updated_at")
