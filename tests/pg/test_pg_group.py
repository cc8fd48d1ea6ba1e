"""A study group on a real PostgreSQL server: members, row-level security, concurrency, dropped connections."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic import command

from tracker.store import StoreError, open_store
from tracker.store.engine import SCHEMA_HEAD, alembic_config
from tracker.store.group_setup import initialise

MEMBERS = ("alice", "bob", "carol")


@pytest.fixture
def group(pg_store_db):
    """A migrated group database, initialised by the organiser, with three member roles."""
    with open_store(pg_store_db.url()) as organiser:
        initialise(organiser.engine)
    for name in MEMBERS:
        pg_store_db.add_role(name)
        pg_store_db.cluster.admin(f"GRANT tracker_member TO {name}")
    return pg_store_db


def test_each_member_is_the_connected_role_and_sees_only_their_own_progress(group):
    with open_store(group.url("alice")) as alice, open_store(group.url("bob")) as bob:
        assert (alice.member, bob.member) == ("alice", "bob")
        alice.mark("resnet", "read")
        bob.mark("resnet", "reading")
        bob.mark("lenet", "read")
        assert alice.statuses() == {"resnet": "read"}
        assert bob.statuses() == {"resnet": "reading", "lenet": "read"}
        assert sorted(alice.members()) == ["alice", "bob"]
        rows = group.sql("SELECT member, node_id, status FROM progress ORDER BY member, node_id")
        assert rows == [("alice", "resnet", "read"), ("bob", "lenet", "read"), ("bob", "resnet", "reading")]


def test_row_level_security_stops_a_member_changing_another_members_rows(group):
    with open_store(group.url("bob")) as bob:
        bob.mark("resnet", "read")
    alice_engine = sa.create_engine(group.url("alice"))
    try:
        with alice_engine.begin() as conn:  # the server, not the app, refuses: raw SQL as alice
            changed = conn.execute(sa.text("UPDATE progress SET status = 'unread' WHERE member = 'bob'")).rowcount
            deleted = conn.execute(sa.text("DELETE FROM progress WHERE member = 'bob'")).rowcount
        assert (changed, deleted) == (0, 0)
        with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
            with alice_engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO progress (member, node_id, status, updated_at) "
                                     "VALUES ('bob', 'lenet', 'read', now())"))
    finally:
        alice_engine.dispose()
    assert group.sql("SELECT member, node_id, status FROM progress") == [("bob", "resnet", "read")]


def test_a_store_posing_as_another_member_gets_one_clear_line(group, monkeypatch):
    monkeypatch.setenv("TRACKER_MEMBER", "bob")
    with open_store(group.url("alice")) as posing:
        assert posing.member == "bob"
        with pytest.raises(StoreError) as err:
            posing.mark("resnet", "read")
    message = str(err.value)
    assert "\n" not in message and "only their own rows" in message and "alice" in message
    assert group.sql("SELECT count(*) FROM progress") == [(0,)]


def test_private_notes_stay_private_and_shared_notes_are_read_by_the_group(group):
    with open_store(group.url("alice")) as alice:
        alice.add_note("resnet", "my private thoughts")
        shared = alice.add_note("resnet", "ask me about skip connections", shared=True)
    with open_store(group.url("bob")) as bob:
        assert bob.notes() == []
        assert [n.body for n in bob.visible_notes(["resnet"])] == ["ask me about skip connections"]
        engine = sa.create_engine(group.url("bob"))
        try:
            with engine.connect() as conn:  # the server itself hides the private note from bob
                bodies = conn.execute(sa.text("SELECT body FROM notes")).scalars().all()
        finally:
            engine.dispose()
        assert bodies == ["ask me about skip connections"]
        with pytest.raises(StoreError):
            bob.update_note(shared.uid, "bob writes over alice")
    assert sorted(group.sql("SELECT body FROM notes")[i][0] for i in range(2)) == [
        "ask me about skip connections", "my private thoughts"]


def test_three_members_marking_500_items_each_at_once_lose_nothing(group):
    errors: list[BaseException] = []
    start = threading.Barrier(len(MEMBERS))

    def work(name: str) -> None:
        try:
            with open_store(group.url(name)) as store:
                start.wait()
                for i in range(500):
                    store.mark(f"item-{i}", "read" if i % 2 else "reading")
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in MEMBERS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    counts = dict(group.sql("SELECT member, count(*) FROM progress GROUP BY member"))
    history = dict(group.sql("SELECT member, count(*) FROM status_history GROUP BY member"))
    assert counts == {n: 500 for n in MEMBERS} and history == {n: 500 for n in MEMBERS}


def test_a_connection_killed_mid_transaction_commits_nothing(group):
    with open_store(group.url("alice")) as alice:
        alice.mark("before", "read")
        victim = []

        def kill_after_first_row(conn, cursor, statement, parameters, context, executemany):
            if statement.startswith("INSERT INTO status_history") and not victim:
                pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                victim.append(pid)
                group.sql(f"SELECT pg_terminate_backend({pid})")

        sa.event.listen(alice.engine, "after_cursor_execute", kill_after_first_row)
        with pytest.raises(StoreError) as err:
            alice.mark([f"batch-{i}" for i in range(20)], "read")
        sa.event.remove(alice.engine, "after_cursor_execute", kill_after_first_row)
        assert victim, "the connection was never killed"
        assert "\n" not in str(err.value) and "not committed" in str(err.value)
        assert alice.statuses() == {"before": "read"}  # all or nothing: none of the batch landed
        alice.mark("after", "read")  # and the store carries on with a fresh connection
        assert set(alice.statuses()) == {"before", "after"}


def test_connection_errors_are_one_line_naming_the_server_and_the_cause(group, pg_cluster):
    where = f"{pg_cluster.socket_dir}:{pg_cluster.port}"
    cases = {
        group.url("alice", password="wrong"): "wrong or missing password",
        pg_cluster.url("alice", "pw-alice", "no_such_db"): "has no database 'no_such_db'",
        group.url("alice").replace(f"port={pg_cluster.port}", "port=1"): "not running",
    }
    for url, cause in cases.items():
        with pytest.raises(StoreError) as err:
            open_store(url)
        message = str(err.value)
        assert "\n" not in message and cause in message, message
        assert "PostgreSQL at" in message and ("port=1" in url or where in message), message


def test_migrations_from_the_first_schema_keep_every_row_on_postgresql(pg_db):
    engine = sa.create_engine(pg_db.url())
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
        with engine.begin() as conn:
            for i in range(20):
                conn.execute(sa.text("INSERT INTO progress (node_id, status, started_at, finished_at, updated_at) "
                                     "VALUES (:n, 'read', now(), now(), now())"), {"n": f"n{i}"})
                conn.execute(sa.text("INSERT INTO status_history (node_id, at, from_status, to_status, is_undo) "
                                     "VALUES (:n, now(), 'unread', 'read', false)"), {"n": f"n{i}"})
                conn.execute(sa.text("INSERT INTO notes (uid, node_id, body, created_at) "
                                     "VALUES (:u, :n, :b, now())"), {"u": f"u{i}", "n": f"n{i}", "b": f"note {i}"})
    finally:
        engine.dispose()
    with open_store(pg_db.url()) as store:
        assert store.schema_revision() == SCHEMA_HEAD
        assert store.member == "organiser"
        assert store.statuses() == {f"n{i}": "read" for i in range(20)}
        assert len(store.history()) == 20 and len(store.notes()) == 20
        assert not any(n.shared for n in store.notes())
        store.mark("n0", "unread")
        assert store.undo("n0")[0].to_status == "read"
    rows = pg_db.sql("SELECT DISTINCT member FROM progress UNION SELECT DISTINCT member FROM notes")
    assert rows == [("organiser",)]


def test_a_member_cannot_upgrade_an_old_schema_and_is_told_who_can(pg_db):
    engine = sa.create_engine(pg_db.url())
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0005")
            conn.execute(sa.text("GRANT USAGE ON SCHEMA public TO PUBLIC"))
            conn.execute(sa.text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC"))
    finally:
        engine.dispose()
    pg_db.add_role("alice")
    with pytest.raises(StoreError) as err:
        open_store(pg_db.url("alice"))
    assert "\n" not in str(err.value) and "organiser" in str(err.value)
    assert pg_db.sql("SELECT version_num FROM alembic_version") == [("0005",)]


def test_the_group_views_count_each_member_from_their_own_rows(group, write_layer):
    from tracker.graph.loader import load_graph
    from tracker.group_view import group_summary, node_group

    folder = write_layer("""
        nodes:
          - {id: week-1, kind: topic, title: Week 1}
          - {id: resnet, kind: paper, title: Deep Residual Learning, topics: [week-1]}
          - {id: lenet, kind: paper, title: Gradient-Based Learning, topics: [week-1]}
    """)
    tg = load_graph([folder])
    when = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
    with open_store(group.url("alice")) as alice:
        alice.mark(["resnet", "lenet"], "read", at=when)
        alice.add_note("resnet", "the identity shortcut is the trick", shared=True)
    with open_store(group.url("bob")) as bob:
        bob.mark("resnet", "reading", at=when)
        summary = {m.member: m.total for m in group_summary(tg, bob)}
        assert {m: (t.read, t.items) for m, t in summary.items()} == {"alice": (2, 2), "bob": (0, 2)}
        on_node = node_group(tg, bob, "resnet")
        assert [(m.member, m.status) for m in on_node.members] == [("bob", "reading"), ("alice", "read")]
        assert on_node.read_line() == "read by 1 of 2 (alice); reading now: bob"
        assert [n.body for n in on_node.shared_notes] == ["the identity shortcut is the trick"]


def test_restoring_one_members_backup_into_the_group_touches_only_their_rows(group, tmp_path):
    from tracker.store.backup import read_backup, restore, write_backup

    with open_store(tmp_path / "laptop.db", member="alice") as laptop:
        laptop.mark(["resnet", "lenet"], "read")
        laptop.add_note("resnet", "from the laptop")
        write_backup(laptop, tmp_path / "alice.json")
    with open_store(group.url("bob")) as bob:
        bob.mark("resnet", "skipped")
        bob.add_note("resnet", "bob's own", shared=True)
    with open_store(group.url("alice")) as alice:
        report = restore(alice, read_backup(tmp_path / "alice.json"))
        assert report.to_json()["progress"]["added"] == 2
        assert alice.statuses() == {"resnet": "read", "lenet": "read"}
        again = restore(alice, read_backup(tmp_path / "alice.json"))  # idempotent
        assert again.to_json()["progress"] == {"added": 0, "updated": 0, "kept": 0, "unchanged": 2}
    rows = group.sql("SELECT member, node_id, status FROM progress ORDER BY member, node_id")
    assert rows == [("alice", "lenet", "read"), ("alice", "resnet", "read"), ("bob", "resnet", "skipped")]
    assert sorted(group.sql("SELECT member, body FROM notes")) == [("alice", "from the laptop"), ("bob", "bob's own")]
