"""Members on SQLite: the migration hands every existing row to the one implicit member, keys included."""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import command

from tracker.review import cards
from tracker.store import open_store
from tracker.store.engine import SCHEMA_HEAD, alembic_config

T = "2025-05-01 10:00:00.000000"


def test_migration_0006_gives_every_row_to_the_default_member_and_rebuilds_the_keys(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0005")
    with engine.begin() as conn:
        sql = conn.exec_driver_sql
        sql(f"INSERT INTO progress (node_id, status, started_at, updated_at) VALUES ('resnet', 'reading', '{T}', '{T}')")
        sql(f"INSERT INTO status_history (node_id, at, from_status, to_status, is_undo) "
            f"VALUES ('resnet', '{T}', 'unread', 'reading', 0)")
        sql(f"INSERT INTO notes (uid, node_id, body, created_at, updated_at) VALUES ('u1', 'resnet', 'why?', '{T}', '{T}')")
        sql(f"INSERT INTO runs (node_id, slug, kind, started_at, outcome) VALUES ('resnet', 'resnet', 'test', '{T}', "
            "'passed')")
        sql(f"INSERT INTO review_cards (node_id, active, state, step, due, added_at, updated_at) "
            f"VALUES ('resnet', 1, 1, 0, '{T}', '{T}', '{T}')")
        sql(f"INSERT INTO review_log (uid, node_id, rating, reviewed_at) VALUES ('r1', 'resnet', 3, '{T}')")
        sql(f"INSERT INTO review_skip_kinds (kind, updated_at) VALUES ('video', '{T}')")
        sql(f"INSERT INTO node_pref (node_id, estimate_minutes, role, updated_at) VALUES ('resnet', 90, 'core', '{T}')")
    engine.dispose()
    monkeypatch.setenv("TRACKER_MEMBER", "dana")
    with open_store(path) as store:
        assert store.member == "dana"
        assert store.statuses() == {"resnet": "reading"}
        assert [n.body for n in store.notes()] == ["why?"] and not store.notes()[0].shared
        assert len(store.history()) == 1 and store.is_implemented("resnet")
        assert cards.card(store, "resnet").active and [r.rating for r in cards.log(store)] == [3]
        assert cards.skipped_kinds(store) == {"video"}
        assert store.estimates() == {"resnet": 90} and store.roles() == {"resnet": "core"}
        assert store.members() == ["dana"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_HEAD,)]
        for table in ("progress", "status_history", "notes", "runs", "review_cards", "review_log",
                      "review_skip_kinds", "node_pref"):
            assert conn.execute(f"SELECT DISTINCT member FROM {table}").fetchall() == [("dana",)], table
        key = [r[1] for r in sorted(conn.execute("PRAGMA table_info(progress)"), key=lambda r: r[5]) if r[5]]
        assert key == ["member", "node_id"]


def test_two_members_on_one_file_mark_the_same_node_without_touching_each_other(tmp_path):
    path = tmp_path / "t.db"
    with open_store(path, member="ana") as ana, open_store(path, member="bo") as bo:
        ana.mark("resnet", "read")
        bo.mark("resnet", "skipped")
        assert bo.undo("resnet")[0].to_status == "unread"
        assert ana.statuses() == {"resnet": "read"} and bo.statuses() == {"resnet": "unread"}
        cards.add(ana, ["resnet"])
        assert cards.due(bo) == [] and len(cards.due(ana)) == 1
        ana.set_estimate("resnet", 120)
        assert bo.estimates() == {}
        note = ana.add_note("resnet", "mine")
        assert bo.notes() == [] and bo.visible_notes() == []
        ana.share_note(note.uid)
        assert [n.body for n in bo.visible_notes()] == ["mine"]
        assert sorted(bo.members()) == ["ana", "bo"]
        assert [r.member for r in bo.group_progress("resnet")] == ["ana", "bo"]
