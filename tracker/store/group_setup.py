"""Setting up one PostgreSQL database for a study group: member roles and row-level security.

Each member connects with their own database role, and the member column of
every row is that role's name. The policies let anyone in the group read
the group's rows (other members' notes only when shared) and let a role
insert, change or delete only rows whose member is itself. The organiser
who owns the tables runs this once (``tracker group init``) and again after
an upgrade adds tables; it is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from .vocabulary import StoreError

MEMBER_ROLE = "tracker_member"  # the group role every member is granted
MEMBER_TABLES = ("progress", "status_history", "notes", "runs", "review_cards", "review_log",
                 "review_skip_kinds", "node_pref")
OWN_ROW = "member = current_user"
READABLE = {"notes": f"{OWN_ROW} OR shared"}  # everything else the group may read


@dataclass(frozen=True)
class GroupSetup:
    database: str
    organiser: str
    role_created: bool
    tables: tuple[str, ...]

    def member_commands(self, example: str = "alice") -> list[str]:
        """What the organiser runs (as a role that may create roles) to let one more member in."""
        return [f"CREATE ROLE {example} LOGIN PASSWORD '...';",
                f"GRANT {MEMBER_ROLE} TO {example};"]


def _policies(table: str) -> list[str]:
    readable = READABLE.get(table, "true")
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        *(f"DROP POLICY IF EXISTS tracker_{verb} ON {table}" for verb in ("read", "insert", "update", "delete")),
        f"CREATE POLICY tracker_read ON {table} FOR SELECT USING ({readable})",
        f"CREATE POLICY tracker_insert ON {table} FOR INSERT WITH CHECK ({OWN_ROW})",
        f"CREATE POLICY tracker_update ON {table} FOR UPDATE USING ({OWN_ROW}) WITH CHECK ({OWN_ROW})",
        f"CREATE POLICY tracker_delete ON {table} FOR DELETE USING ({OWN_ROW})",
    ]


def initialise(engine: sa.Engine) -> GroupSetup:
    """Create the member role (when allowed), grant it the tables, and turn row-level security on."""
    if engine.dialect.name != "postgresql":
        raise StoreError("tracker group init sets up a PostgreSQL database; an SQLite file has one member "
                         "(give --db postgresql://...)")
    with engine.connect() as conn, conn.begin():
        database, organiser = conn.execute(sa.text("SELECT current_database(), current_user")).one()
        present = set(sa.inspect(conn).get_table_names())
        tables = tuple(t for t in MEMBER_TABLES if t in present)
        owned = set(conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                         "AND tableowner = current_user")).scalars())
        if set(tables) - owned:
            raise StoreError(f"{organiser} does not own the tracker tables of {database} "
                             f"(owner of {sorted(set(tables) - owned)[0]} is someone else); run tracker group init "
                             "as the role that created them")
        exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": MEMBER_ROLE}).first()
        created = False
        if not exists:
            may_create = conn.execute(sa.text("SELECT rolcreaterole OR rolsuper FROM pg_roles "
                                              "WHERE rolname = current_user")).scalar()
            if not may_create:
                raise StoreError(f"role {MEMBER_ROLE} does not exist and {organiser} may not create roles; "
                                 f"ask the server's administrator: CREATE ROLE {MEMBER_ROLE} NOLOGIN;")
            conn.execute(sa.text(f"CREATE ROLE {MEMBER_ROLE} NOLOGIN"))
            created = True
        conn.execute(sa.text(f'GRANT CONNECT ON DATABASE "{database}" TO {MEMBER_ROLE}'))
        conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {_schema(conn)} TO {MEMBER_ROLE}"))
        conn.execute(sa.text(f"GRANT SELECT ON alembic_version TO {MEMBER_ROLE}"))
        for table in tables:
            conn.execute(sa.text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {MEMBER_ROLE}"))
            for statement in _policies(table):
                conn.execute(sa.text(statement))
        conn.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {_schema(conn)} TO {MEMBER_ROLE}"))
    return GroupSetup(database, organiser, created, tables)


def _schema(conn) -> str:
    return conn.execute(sa.text("SELECT quote_ident(current_schema())")).scalar()
