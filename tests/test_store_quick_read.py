"""Read-only commands read statuses with sqlite3 alone, and fall back to the full store otherwise."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import command

from tracker.store import open_store
from tracker.store.engine import alembic_config
from tracker.store.quick_read import read_statuses, sqlite_file


def test_equals_the_store_in_change_order(tmp_path):
    path = tmp_path / "t.db"
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with open_store(path) as store:
        for i in range(40):
            store.mark(f"n{i % 15}", ("read", "reading", "skipped")[i % 3], at=start + timedelta(minutes=i))
        store.mark("n3", "unread", at=start + timedelta(days=1))
        expected = store.statuses()
    got = read_statuses(path)
    assert got == expected and list(got) == list(expected)  # same order: a later change wins on id merges
    assert got["n3"] == "unread" and len(got) == 15


def test_falls_back_when_the_store_must_act(tmp_path):
    assert read_statuses(tmp_path / "missing.db") is None  # the store creates it
    assert not (tmp_path / "missing.db").exists()  # and reading never creates anything
    other = tmp_path / "notes.txt"
    other.write_text("not a database")
    assert read_statuses(other) is None  # the store explains the error
    assert read_statuses("postgresql://user@host/db") is None
    old = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{old}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    engine.dispose()
    assert read_statuses(old) is None  # an old schema needs migrating first
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    assert read_statuses(foreign) is None


def test_paths_urls_and_environment(tmp_path, monkeypatch):
    assert sqlite_file(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db"
    assert sqlite_file(str(tmp_path / "b.db")) == tmp_path / "b.db"
    assert sqlite_file("sqlite:///x.db?mode=ro") is None
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "env.db"))
    assert sqlite_file(None) == tmp_path / "env.db"


def test_next_reads_progress_without_sqlalchemy(tmp_path):
    db = tmp_path / "t.db"
    with open_store(db) as store:
        store.mark("backprop", "read")
    probe = ("import sys; from tracker.cli.main import main; code = main(['next', '--json', '--db', sys.argv[1]]); "
             "print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'NO-SQLALCHEMY', file=sys.stderr); sys.exit(code)")
    env = dict(os.environ, TRACKER_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-c", probe, str(db)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "NO-SQLALCHEMY" in result.stderr
    assert '"backprop"' not in result.stdout  # read, so no longer suggested
