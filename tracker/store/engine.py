"""Opening a database: path-or-URL handling, SQLite settings, migrations on open.

A plain path means SQLite at that path; anything with ``://`` is a SQLAlchemy
URL, so a study group can point everyone at one PostgreSQL server. SQLite
files get WAL (readers never block the writer), a 30 s busy timeout (two
writers wait for each other instead of failing) and ``BEGIN IMMEDIATE`` for
write transactions (a writer takes the lock before reading, so it never has
to fail half-way when another process wrote in between). An in-memory
SQLite database (``sqlite://``) vanishes when the command ends, so it is
read-only: a write is refused instead of silently lost.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url

from ..config import DB_ENV, default_db_url
from .vocabulary import BUSY_TIMEOUT_S, SCHEMA_HEAD, StoreError

WRITE_OPTION = "tracker_write"
MIGRATE_OPTION = "tracker_migrate"  # the schema set-up, the one write an in-memory database accepts
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Target:
    """Where the database is: its URL, the SQLite file (if any), and how it was chosen."""

    url: URL
    path: Path | None
    explicit: bool

    @property
    def display(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    @property
    def in_memory(self) -> bool:
        """An SQLite database that lives only as long as this process."""
        return self.path is None and _memory_url(self.url)


def _memory_url(url: URL) -> bool:
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    return database in ("", ":memory:") or database.startswith("file::memory:") or url.query.get("mode") == "memory"


def resolve_target(target: str | os.PathLike[str] | None = None) -> Target:
    """``--db`` first, then ``TRACKER_DB``, then the per-user default (the only one whose folder we create)."""
    explicit = True
    if target is None:
        target = os.environ.get(DB_ENV) or None
    if target is None:
        target, explicit = default_db_url(), False
    text = os.fspath(target)
    if "://" in text:
        try:
            url = make_url(text)
        except (sa.exc.ArgumentError, ValueError):
            raise StoreError(f"invalid database URL {text!r}") from None
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")  # psycopg 3, not SQLAlchemy's psycopg2 default
        if url.get_backend_name() != "sqlite" or _memory_url(url):
            return Target(url, None, explicit)
        path = Path(url.database).expanduser()
    else:
        path = Path(text).expanduser()
    path = path.absolute()
    return Target(URL.create("sqlite+pysqlite", database=str(path)), path, explicit)


def check_sqlite_path(target: Target) -> None:
    """Refuse before SQLite touches anything: a missing folder, a folder, or a file that is not SQLite."""
    path = target.path
    assert path is not None
    folder = path.parent
    if not folder.is_dir():
        if target.explicit:
            raise StoreError(f"cannot open database {path}: folder {folder} does not exist")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create data folder {folder}: {err.strerror}") from None
    if path.is_dir():
        raise StoreError(f"cannot open database {path}: it is a folder")
    if not path.exists() or path.stat().st_size == 0:
        return
    if not os.access(path, os.R_OK):
        raise StoreError(f"cannot read database {path}: permission denied")
    # Asked through SQLite, never open(): closing a descriptor of the file would drop every SQLite lock
    # this process holds on it (POSIX locks are per process), letting another process remove a live WAL.
    try:
        probe = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            probe.execute("PRAGMA schema_version").fetchone()
        finally:
            probe.close()
    except sqlite3.OperationalError as err:
        raise StoreError(f"cannot read database {path}: {err}") from None
    except sqlite3.DatabaseError as err:  # "file is not a database"
        what = "not an SQLite file" if "not a database" in str(err) else str(err)
        raise StoreError(f"{path} is not a tracker database ({what}); left it untouched") from None


def _sqlite_engine(target: Target) -> Engine:
    engine = sa.create_engine(target.url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _begin)
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _refuse_memory_writes(engine: Engine, target: Target) -> None:
    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        options = conn.get_execution_options()
        if options.get(WRITE_OPTION) and not options.get(MIGRATE_OPTION):
            raise StoreError(f"{target.display} is an in-memory database: the change would be lost when "
                             "tracker exits, so nothing was written; give --db a file path")


def create_engine(target: Target) -> Engine:
    if target.path is not None:
        check_sqlite_path(target)
        return _sqlite_engine(target)
    try:
        options = {"connect_args": {"connect_timeout": 10}} if target.url.get_backend_name() == "postgresql" else {}
        engine = sa.create_engine(target.url, **options)
    except Exception as err:  # a missing driver, a bad option: say which
        raise StoreError(f"cannot open database {target.display}: {err}") from None
    if target.in_memory:
        _refuse_memory_writes(engine, target)
    return engine


def alembic_config(connection=None, url: str | None = None, member: str | None = None):
    """Alembic settings built in code, so an installed package needs no alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    config.attributes["connection"] = connection
    config.attributes["member"] = member  # who existing rows belong to when members arrive (0006)
    return config


def _schema_state(conn, display: str) -> tuple[str | None, set[str]]:
    tables = set(sa.inspect(conn).get_table_names())
    if "alembic_version" not in tables:
        return None, tables
    revisions = sorted(r for (r,) in conn.exec_driver_sql("SELECT version_num FROM alembic_version"))
    if len(revisions) > 1:
        raise StoreError(
            f"{display} is damaged: its alembic_version table records {len(revisions)} schema versions "
            f"({', '.join(map(repr, revisions))}) where there must be one; left it untouched. Keep the row "
            f"of the schema its tables have (DELETE FROM alembic_version WHERE version_num <> '...'), "
            f"or restore a backup into a new database")
    if not revisions and tables - {"alembic_version"}:
        raise StoreError(f"{display} is damaged: its alembic_version table is empty, so its schema is unknown; "
                         f"left it untouched (restore a backup into a new database)")
    return (revisions[0] if revisions else None), tables


def _refuse_foreign(display: str, revision: str | None, tables: set[str]) -> None:
    if revision is None and tables - {"alembic_version"}:
        raise StoreError(f"{display} is a database but not a tracker database (tables: "
                         f"{', '.join(sorted(tables)[:5])}); left it untouched")


def migrate(engine: Engine, display: str, member: str | None = None) -> str:
    """Bring the schema to head, or refuse a database from a newer tracker. Returns the revision."""
    with engine.connect() as conn:
        with conn.begin():
            revision, tables = _schema_state(conn, display)
    if revision == SCHEMA_HEAD:
        return revision
    _refuse_foreign(display, revision, tables)
    from alembic import command
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True, MIGRATE_OPTION: True})
        with conn.begin():  # under the write lock: one process migrates, the others wait
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7343210)")  # SQLite's write lock, for a server
            revision, tables = _schema_state(conn, display)
            _refuse_foreign(display, revision, tables)
            config = alembic_config(conn, member=member)
            scripts = ScriptDirectory.from_config(config)
            known = {rev.revision for rev in scripts.walk_revisions()}
            if revision is not None and revision not in known:
                raise StoreError(
                    f"{display} was written by a newer tracker (schema {revision}; this version knows up to "
                    f"{scripts.get_current_head()}); upgrade tracker to use it")
            try:
                command.upgrade(config, "head")
            except sa.exc.ProgrammingError as err:
                if "must be owner" not in str(err.orig) and "permission denied" not in str(err.orig):
                    raise
                raise StoreError(
                    f"{display} has schema {revision} and this tracker needs {scripts.get_current_head()}, but "
                    f"{conn.engine.url.username} may not upgrade it; the organiser (who owns the tables) opens it "
                    "once with this version, then runs tracker group init") from None
    return scripts.get_current_head() or ""


def _explain(err: Exception, display: str, url: URL | None = None) -> StoreError:
    if url is not None and url.get_backend_name() != "sqlite":
        from .server_errors import describe

        return StoreError(describe(err, url))
    message = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
    if "unable to open database file" in message or "readonly" in message or "read-only" in message:
        message += " (is the folder writable?)"
    elif "not a database" in message:
        message = "not an SQLite database"
    return StoreError(f"cannot open database {display}: {message}")


def connect(target: str | os.PathLike[str] | None = None, member: str | None = None) -> tuple[Engine, Target]:
    """An engine on a migrated, up-to-date database; clear one-line errors otherwise."""
    where = resolve_target(target)
    engine = create_engine(where)
    try:
        migrate(engine, where.display, member)
    except StoreError:
        engine.dispose()
        raise
    except (sa.exc.DBAPIError, OSError) as err:
        engine.dispose()
        raise _explain(err, where.display, where.url) from None
    return engine, where


def current_role(engine: Engine, where: Target) -> str:
    """The role a server connection logs in as: a member's name in a study group."""
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT current_user").scalar()
    except sa.exc.DBAPIError as err:
        engine.dispose()
        raise _explain(err, where.display, where.url) from None
