"""Real processes on a real SQLite file: concurrent writers lose nothing; a killed writer leaves all or nothing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from tracker.store import open_store
from tracker.store.backup import PAUSE_ENV

pytestmark = pytest.mark.slow

WRITER = """
import sys
import tracker.cli.commands_store, tracker.store
assert "sqlalchemy" not in sys.modules, "importing the store commands must stay cheap (tracker --help)"
from tracker.store import open_store

path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(path)
assert not {"textual", "torch"} & set(sys.modules), "the store must not pull in the TUI or torch"
print("ready", flush=True)
sys.stdin.readline()
for i in range(count):
    node = f"{tag}-{i % 20}"
    store.mark(node, ("reading", "read")[(i // 20) % 2])  # every mark is a real change
    store.add_note(node, f"{tag} note {i}")
print("done", flush=True)
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"  # fresh: both processes also race to create the schema
    count = 1000
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag, str(count)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for tag in ("p1", "p2")]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=120) for proc in procs]
    elapsed = time.perf_counter() - started
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err
        assert err == ""  # no error (or warning) reached the user
        assert out.strip() == "done"
    print(f"2 x {count} marks + notes in {elapsed:.1f} s")

    with open_store(path) as store:
        history = store.history()
        notes = store.notes()
        assert len(history) == 2 * count
        assert len(notes) == 2 * count
        for tag in ("p1", "p2"):
            assert {n.body for n in notes if n.node_id.startswith(tag)} == {f"{tag} note {i}" for i in range(count)}
            mine = [h for h in history if h.node_id.startswith(tag)]
            assert len(mine) == count
            # each node's history is an unbroken chain: every change starts where the previous ended
            for k in range(20):
                chain = [h for h in mine if h.node_id == f"{tag}-{k}"]
                assert [h.from_status for h in chain[1:]] == [h.to_status for h in chain[:-1]]
        expected = {f"{tag}-{i % 20}": ("reading", "read")[(i // 20) % 2] for tag in ("p1", "p2")
                    for i in range(count)}  # the last mark of each node wins
        assert store.statuses() == expected

def test_writer_killed_inside_a_large_restore_leaves_all_or_nothing(tmp_path):
    path = tmp_path / "t.db"
    with open_store(path) as store:  # earlier data that must survive intact
        store.mark(["keep-1", "keep-2"], "read")
        store.add_note("keep-1", "written before the crash")
    before = sqlite3.connect(path).execute("SELECT count(*) FROM notes").fetchone()[0]
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    backup = {
        "format": "tracker-backup", "version": 1,
        "progress": [{"node_id": f"n{i}", "status": "read", "updated_at": (t0 + timedelta(seconds=i)).isoformat()}
                     for i in range(2000)],
        "notes": [{"uid": f"restored-{i}", "node_id": f"n{i % 2000}", "body": f"note {i} " + "x" * 500,
                   "created_at": (t0 + timedelta(seconds=i)).isoformat()} for i in range(10_000)],
    }
    backup_path = tmp_path / "big.json"
    backup_path.write_text(json.dumps(backup))

    env = dict(os.environ, **{PAUSE_ENV: "60"})
    proc = subprocess.Popen([sys.executable, "-m", "tracker.cli.main", "restore", str(backup_path), "--db", str(path)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        marker = proc.stderr.readline()
        assert "inside restore transaction" in marker, marker + proc.stderr.read()
        wal = path.with_name(path.name + "-wal")
        assert wal.stat().st_size > 1_000_000  # the uncommitted rows really reached the disk
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with open_store(path) as store:
        assert store.note_count() == before == 1
        assert store.statuses() == {"keep-1": "read", "keep-2": "read"}
        assert store.notes()[0].body == "written before the crash"
        store.mark("after-crash", "read")  # and the database takes writes again
        assert store.statuses()["after-crash"] == "read"
