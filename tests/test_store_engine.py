"""Opening databases: locations, SQLite settings, migrations, and refusing what we must not touch."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from tracker.config import default_member
from tracker.store import StoreError, open_store
from tracker.store.engine import SCHEMA_HEAD, alembic_config, resolve_target


def sqlite_rows(path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_schema_head_constant_matches_the_migrations():
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_current_head() == SCHEMA_HEAD
    assert [r.revision for r in scripts.walk_revisions()] == ["0006", "0005", "0004", "0003", "0002", "0001"]


def test_new_database_is_migrated_with_wal_busy_timeout_and_foreign_keys(tmp_path):
    path = tmp_path / "t.db"
    with open_store(path) as store:
        assert store.location == str(path)
        with store.connection() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") == 30_000
            assert pragma("foreign_keys") == 1
    assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    tables = {r[0] for r in sqlite_rows(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"progress", "status_history", "notes", "runs", "alembic_version"} <= tables


def test_models_and_migrations_agree(tmp_path):
    """Autogenerate finds nothing to change: the migrated schema is what the tables declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    open_store(tmp_path / "t.db").close()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 't.db'}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata)
    engine.dispose()
    ours = {"progress", "status_history", "notes", "runs", "review_cards", "review_log", "review_skip_kinds",
            "node_pref"}
    relevant = [d for d in diff if not (d[0] == "remove_table" and d[1].name not in ours)
                and not (d[0] == "add_table" and d[1].name not in ours)]
    assert relevant == []


def test_upgrade_from_first_revision_keeps_every_row(tmp_path):
    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = alembic_config(conn)
        command.upgrade(config, "0001")
    with engine.begin() as conn:
        for i in range(50):
            conn.exec_driver_sql(
                "INSERT INTO progress (node_id, status, started_at, finished_at, updated_at) "
                "VALUES (?, 'read', '2024-01-01 10:00:00.000000', '2024-01-02 10:00:00.000000', "
                "'2024-01-02 10:00:00.000000')", (f"n{i}",))
            conn.exec_driver_sql(
                "INSERT INTO status_history (node_id, at, from_status, to_status, is_undo) "
                "VALUES (?, '2024-01-02 10:00:00.000000', 'unread', 'read', 0)", (f"n{i}",))
            conn.exec_driver_sql(
                "INSERT INTO notes (uid, node_id, body, created_at) VALUES (?, ?, ?, '2024-01-03 08:00:00.000000')",
                (f"uid{i}", f"n{i}", f"note {i}"))
        conn.exec_driver_sql(
            "INSERT INTO runs (node_id, slug, kind, started_at, ended_at, exit_code, outcome) "
            "VALUES ('n1', 'lstm', 'test', '2024-01-04 08:00:00.000000', '2024-01-04 08:01:00.000000', 0, 'passed')")
    engine.dispose()
    assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [("0001",)]

    with open_store(path) as store:  # upgrades to head on open
        assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
        assert store.statuses() == {f"n{i}": "read" for i in range(50)}
        assert len(store.history()) == 50
        notes = store.notes()
        assert [n.body for n in notes] == [f"note {i}" for i in range(50)]
        assert all(n.updated_at == n.created_at == datetime(2024, 1, 3, 8, tzinfo=timezone.utc) for n in notes)
        run = store.last_run("lstm", "test")
        assert (run.outcome, run.metrics, run.claim) == ("passed", None, None)
        assert store.is_implemented("lstm")
        store.add_note("n1", "after the upgrade")
        assert store.note_count() == 51
    indexes = {r[0] for r in sqlite_rows(path, "SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_status_history_member_to_status_at", "ix_runs_member_slug_kind"} <= indexes
    members = sqlite_rows(path, "SELECT DISTINCT member FROM progress UNION SELECT DISTINCT member FROM notes "
                                "UNION SELECT DISTINCT member FROM runs UNION SELECT DISTINCT member FROM status_history")
    assert members == [(default_member(),)]  # every existing row went to the one implicit member


def test_database_from_a_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    with open_store(path) as store:
        store.mark("a", "read")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = sqlite_rows(path, "SELECT * FROM progress")
    with pytest.raises(StoreError, match=r"written by a newer tracker \(schema 9999_from_the_future"):
        open_store(path)
    assert sqlite_rows(path, "SELECT version_num FROM alembic_version") == [("9999_from_the_future",)]
    assert sqlite_rows(path, "SELECT * FROM progress") == before


def test_a_file_that_is_not_sqlite_is_left_byte_for_byte(tmp_path):
    path = tmp_path / "notes.txt"
    content = b"my precious notes\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a tracker database"):
        open_store(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_another_apps_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    with pytest.raises(StoreError, match="not a tracker database"):
        open_store(path)
    assert sqlite_rows(path, "SELECT name FROM sqlite_master") == [("photos",)]


def test_explicit_path_in_missing_folder_is_an_error(tmp_path):
    with pytest.raises(StoreError, match="folder .*missing.* does not exist"):
        open_store(tmp_path / "missing" / "t.db")
    assert not (tmp_path / "missing").exists()


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match="it is a folder"):
        open_store(tmp_path)


def test_default_location_creates_its_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_DB", raising=False)
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data" / "deep"))
    with open_store() as store:
        store.mark("a", "read")
    assert (tmp_path / "data" / "deep" / "tracker.db").is_file()


def test_tracker_db_env_is_an_explicit_location(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "env.db"))
    with open_store() as store:
        assert store.location == str(tmp_path / "env.db")
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "nope" / "env.db"))
    with pytest.raises(StoreError, match="does not exist"):
        open_store()


def test_sqlalchemy_urls_are_accepted(tmp_path):
    url = f"sqlite:///{tmp_path / 'url.db'}"
    with open_store(url) as store:
        store.mark("a", "read")
    assert sqlite_rows(tmp_path / "url.db", "SELECT node_id, status FROM progress") == [("a", "read")]
    target = resolve_target("postgresql://me:secret@db.example/tracker")
    assert target.path is None and "secret" not in target.display


def test_unusable_urls_are_one_line_errors():
    with pytest.raises(StoreError, match="invalid database URL"):
        open_store("postgresql://me@host:port/db")
    with pytest.raises(StoreError, match="cannot open database nosuchdialect://host/db: .*nosuchdialect"):
        open_store("nosuchdialect://host/db")


def test_unwritable_location_is_a_clear_error(tmp_path):
    # /proc refuses new files even to root, so this holds however the tests run.
    with pytest.raises(StoreError, match="cannot open database /proc/tracker-test.db"):
        open_store("/proc/tracker-test.db")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="cannot open database"):
            open_store(folder / "t.db")
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file::memory:?uri=true"])
def test_in_memory_databases_are_read_only_so_no_write_is_silently_lost(url):
    with open_store(url) as store:
        assert store.target.in_memory
        assert store.statuses() == {} and store.notes() == []  # reading an empty database works
        for write in (lambda: store.mark("a", "read"), lambda: store.add_note("a", "lost?"),
                      lambda: store.start_run("a", "a", "demo"), lambda: store.undo("a")):
            with pytest.raises(StoreError, match=r"in-memory database: the change would be lost .*file path"):
                write()
        assert store.statuses() == {} and store.notes() == []


def test_file_databases_are_not_taken_for_memory_ones(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'memory.db'}") as store:
        assert not store.target.in_memory
        store.mark("a", "read")
        assert store.statuses() == {"a": "read"}


def test_two_schema_version_rows_are_named_as_damage_not_a_newer_tracker(tmp_path):
    path = tmp_path / "two.db"
    with open_store(path) as store:
        store.mark("a", "read")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    before = sqlite_rows(path, "SELECT * FROM progress")
    with pytest.raises(StoreError) as caught:
        open_store(path)
    message = str(caught.value)
    assert f"is damaged: its alembic_version table records 2 schema versions ('0001', '{SCHEMA_HEAD}')" in message
    assert "newer tracker" not in message and "\n" not in message
    assert sorted(sqlite_rows(path, "SELECT version_num FROM alembic_version")) == [("0001",), (SCHEMA_HEAD,)]
    assert sqlite_rows(path, "SELECT * FROM progress") == before
    with sqlite3.connect(path) as conn:  # the fix the message suggests works
        conn.execute(f"DELETE FROM alembic_version WHERE version_num <> '{SCHEMA_HEAD}'")
    with open_store(path) as store:
        assert store.statuses() == {"a": "read"}


def test_an_empty_schema_version_table_is_named_as_damage(tmp_path):
    path = tmp_path / "empty-version.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM alembic_version")
    with pytest.raises(StoreError, match="alembic_version table is empty, so its schema is unknown"):
        open_store(path)
