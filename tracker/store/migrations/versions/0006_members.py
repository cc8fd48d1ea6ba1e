"""Members: every row belongs to one learner, so a study group can share one database.

Every existing row goes to the member who runs the migration: on SQLite the
default member (``TRACKER_MEMBER`` or the OS user name), on PostgreSQL the
connected role (``current_user``), which is the name row-level security
checks. Tables keyed by node id (progress, review cards, review skip kinds,
node preferences) are rebuilt with ``(member, ...)`` as their key, copying
every row; tables with their own id get a ``member`` column. Notes get
``shared`` (false: private, as every note was until now). Indexes that the
hot queries use gain ``member`` as their first column.

On PostgreSQL the column defaults to ``current_user``; on SQLite it keeps
the migrating member as its default (the store always writes it anyway).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Tables keyed by node id (or kind): rebuilt with member in the key. name -> (columns, key, indexes)
KEYED = {
    "progress": (
        lambda: [sa.Column("node_id", sa.String(), nullable=False), sa.Column("status", sa.String(), nullable=False),
                 sa.Column("started_at", sa.DateTime(timezone=True)), sa.Column("finished_at", sa.DateTime(timezone=True)),
                 sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)],
        ["node_id"],
        {"ix_progress_updated_at": ["member", "updated_at", "node_id", "status"],
         "ix_progress_node_id": ["node_id"]},
    ),
    "review_cards": (
        lambda: [sa.Column("node_id", sa.String(), nullable=False), sa.Column("active", sa.Boolean(), nullable=False),
                 sa.Column("state", sa.Integer(), nullable=False), sa.Column("step", sa.Integer()),
                 sa.Column("stability", sa.Float()), sa.Column("difficulty", sa.Float()),
                 sa.Column("due", sa.DateTime(timezone=True), nullable=False),
                 sa.Column("last_review", sa.DateTime(timezone=True)),
                 sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
                 sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)],
        ["node_id"],
        {"ix_review_cards_active_due": ["member", "active", "due", "node_id"]},
    ),
    "review_skip_kinds": (
        lambda: [sa.Column("kind", sa.String(), nullable=False),
                 sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)],
        ["kind"],
        {},
    ),
    "node_pref": (
        lambda: [sa.Column("node_id", sa.String(), nullable=False), sa.Column("estimate_minutes", sa.Integer()),
                 sa.Column("role", sa.String()), sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
                 sa.CheckConstraint("role IS NULL OR role IN ('core', 'optional')", name="ck_node_pref_role"),
                 sa.CheckConstraint("estimate_minutes IS NULL OR estimate_minutes > 0",
                                    name="ck_node_pref_estimate")],
        ["node_id"],
        {},
    ),
}
OLD_KEYED_INDEXES = {"progress": ["ix_progress_updated_at"], "review_cards": ["ix_review_cards_active_due"]}

# Tables with their own id: a member column, and indexes that lead with it. name -> (old indexes, new indexes)
WITH_ID = {
    "status_history": (["ix_status_history_node_id", "ix_status_history_to_status_at"],
                       {"ix_status_history_member_node": ["member", "node_id"],
                        "ix_status_history_member_to_status_at": ["member", "to_status", "at"]}),
    "notes": (["ix_notes_node_id"], {"ix_notes_member_node": ["member", "node_id"],
                                      "ix_notes_node_id": ["node_id"]}),
    "runs": (["ix_runs_slug_kind"], {"ix_runs_member_slug_kind": ["member", "slug", "kind"]}),
    "review_log": (["ix_review_log_node_at"], {"ix_review_log_member_node_at": ["member", "node_id", "reviewed_at"]}),
}


def _member(bind) -> str:
    if bind.dialect.name != "sqlite":
        return bind.exec_driver_sql("SELECT current_user").scalar()
    member = context.config.attributes.get("member")
    if not member:
        from tracker.config import default_member

        member = default_member()
    return member


def _default(bind, member: str):
    return sa.text("CURRENT_USER") if bind.dialect.name != "sqlite" else member


def upgrade() -> None:
    bind = op.get_bind()
    member = _member(bind)
    for name, (columns, key, indexes) in KEYED.items():
        for index in OLD_KEYED_INDEXES.get(name, []):
            op.drop_index(index, table_name=name)
        cols = columns()
        names = ", ".join(c.name for c in cols if isinstance(c, sa.Column))
        new = f"{name}_v0006"
        op.create_table(new, sa.Column("member", sa.String(), nullable=False, server_default=_default(bind, member)),
                        *cols, sa.PrimaryKeyConstraint("member", *key, name=f"pk_{name}"))
        op.execute(sa.text(f"INSERT INTO {new} (member, {names}) SELECT :member, {names} FROM {name}")
                   .bindparams(member=member))
        op.drop_table(name)
        op.rename_table(new, name)
        for index, index_columns in indexes.items():
            op.create_index(index, name, index_columns)
    for name, (old_indexes, new_indexes) in WITH_ID.items():
        for index in old_indexes:
            op.drop_index(index, table_name=name)
        op.add_column(name, sa.Column("member", sa.String(), nullable=False, server_default=member))
        if bind.dialect.name != "sqlite":
            op.alter_column(name, "member", server_default=sa.text("CURRENT_USER"))
        for index, index_columns in new_indexes.items():
            op.create_index(index, name, index_columns)
    op.add_column("notes", sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    raise NotImplementedError("0006 (members) cannot be downgraded: rows of several members cannot share one key")
