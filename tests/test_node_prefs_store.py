"""Per-node estimates and core/optional choices on a real SQLite file: migration 0005, backups, reattach."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic import command

from tracker.store import StoreError, open_store
from tracker.store.backup import read_backup, restore, write_backup
from tracker.store.engine import SCHEMA_HEAD, alembic_config

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "t.db") as s:
        yield s


def test_migration_from_0004_keeps_rows_and_adds_node_pref(tmp_path):
    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO progress (node_id, status, updated_at) VALUES "
                             "('resnet', 'reading', '2025-05-01 10:00:00.000000')")
        conn.exec_driver_sql("INSERT INTO review_cards (node_id, active, state, due, added_at, updated_at) VALUES "
                             "('resnet', 1, 1, '2025-05-01 10:00:00.000000', '2025-05-01 10:00:00.000000', "
                             "'2025-05-01 10:00:00.000000')")
    engine.dispose()
    with open_store(path) as store:
        assert store.statuses() == {"resnet": "reading"}
        store.set_estimate("resnet", 90, T0)
        store.set_role("resnet", "optional", T0)
        assert (store.estimates(), store.roles()) == ({"resnet": 90}, {"resnet": "optional"})
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_HEAD,)]
        assert conn.execute("SELECT node_id FROM review_cards").fetchall() == [("resnet",)]
        with pytest.raises(sqlite3.IntegrityError):  # the database itself refuses a role outside the vocabulary
            conn.execute("INSERT INTO node_pref (node_id, role, updated_at) VALUES ('x', 'maybe', '2025')")


def test_estimate_and_role_are_set_cleared_and_checked(store):
    store.set_estimate("a", 180, T0)
    store.set_role("a", "core", T0)
    store.set_role("b", "optional", T0)
    assert store.estimates() == {"a": 180} and store.roles() == {"a": "core", "b": "optional"}
    store.set_estimate("a", None, T0 + timedelta(minutes=1))
    assert store.estimates() == {} and store.roles()["a"] == "core"  # clearing one choice keeps the other
    for bad in (0, -5, 1.5, True):
        with pytest.raises(StoreError, match="invalid estimate"):
            store.set_estimate("a", bad)
    with pytest.raises(StoreError, match="invalid role 'maybe'"):
        store.set_role("a", "maybe")
    assert store.record_counts()["b"].prefs is True


def test_backup_round_trip_is_idempotent_and_the_newer_choice_wins(tmp_path):
    with open_store(tmp_path / "a.db") as a:
        a.set_estimate("p", 45, T0)
        a.set_role("q", "optional", T0)
        counts = write_backup(a, tmp_path / "a.json")
    assert counts["node_prefs"] == 2
    data = read_backup(tmp_path / "a.json")
    with open_store(tmp_path / "c.db") as c:
        c.set_estimate("p", 30, T0 + timedelta(days=1))  # newer here: kept
        c.set_role("q", "core", T0 - timedelta(days=1))  # older here: replaced
        first = restore(c, data).to_json()["node_prefs"]
        second = restore(c, data).to_json()["node_prefs"]
        assert c.estimates() == {"p": 30} and c.roles() == {"q": "optional"}
    assert first == {"added": 0, "updated": 1, "kept": 1, "unchanged": 0}
    assert second == {"added": 0, "updated": 0, "kept": 1, "unchanged": 1}


def test_a_bad_backup_pref_is_named_by_its_place_in_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "tracker-backup", "version": 3, "node_prefs": '
                    '[{"node_id": "a", "role": "maybe", "updated_at": "2026-01-01T00:00:00+00:00"}]}')
    with pytest.raises(StoreError, match=r"node_prefs\[0\]\.role: 'maybe' is not one of core or optional"):
        read_backup(path)


def test_reattach_moves_the_choices_and_merges_with_the_newer_first(store):
    store.set_estimate("old-id", 120, T0)
    store.set_role("old-id", "optional", T0)
    result = store.reattach("old-id", "new-id")
    assert result.prefs == "moved"
    assert store.estimates() == {"new-id": 120} and store.roles() == {"new-id": "optional"}
    store.set_estimate("older", 10, T0 - timedelta(days=2))
    store.set_role("older", "core", T0 - timedelta(days=2))
    store.set_estimate("new-id", None, T0 + timedelta(days=1))  # newer, estimate cleared: the older one fills it
    assert store.reattach("older", "new-id").prefs == "merged"
    assert store.estimates() == {"new-id": 10} and store.roles() == {"new-id": "optional"}
    store.set_role("lonely", "core", T0)
    assert store.reattach("lonely", "elsewhere").prefs == "moved"  # a choice alone is something to move
