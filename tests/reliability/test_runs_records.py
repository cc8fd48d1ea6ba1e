"""Every run row ends with a final state (issue 12, items 1 and 4).

A real SQLite file throughout: a database from the previous schema is
migrated with its runs kept, runs whose watcher died are closed on the next
start (a reused pid included), and a row whose details cannot be written
still gets its outcome.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic import command

from tests.reliability.runs_helpers import make_impls, run_rows
from tracker.run_supervisor import is_running, start_time
from tracker.runner import Runner, close_orphaned_runs
from tracker.store import open_store
from tracker.store.engine import SCHEMA_HEAD, alembic_config

HOST = socket.gethostname()


def database_at_0002(path) -> None:
    """A database written by the previous tracker: schema 0002, with a finished and a stuck run."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO runs (node_id, slug, kind, started_at, ended_at, exit_code, outcome, claim, verdict, metrics)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [("resnet", "resnet", "demo", "2026-01-01 10:00:00", "2026-01-01 10:01:00", 0, "passed", "c",
              "reproduced", '{"acc": 0.9}'),
             ("resnet", "resnet", "demo", "2026-01-02 10:00:00", None, None, "running", None, None, None)])


def test_a_previous_schema_database_migrates_with_its_runs_and_its_stuck_run_is_closed(tmp_path):
    db = tmp_path / "old.db"
    database_at_0002(db)
    store = open_store(str(db))
    try:
        runs = sorted(store.runs(slug="resnet"), key=lambda r: r.id)
        assert [(r.outcome, r.verdict, r.metrics, r.pid, r.curves) for r in runs] == [
            ("passed", "reproduced", {"acc": 0.9}, None, None), ("running", None, None, None, None)]
        assert close_orphaned_runs(store) == [runs[1].id]  # no pid: written before pids were recorded
        assert [r.outcome for r in sorted(store.runs(slug="resnet"), key=lambda r: r.id)] == ["passed", "interrupted"]
        assert store.last_run("resnet", "demo").outcome == "interrupted"
        assert store.last_run("resnet", "demo", finished=True).verdict == "reproduced"
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_HEAD,)]
        assert "ix_runs_outcome" in {r[1] for r in conn.execute("PRAGMA index_list('runs')")}


def test_only_runs_whose_watcher_is_gone_or_was_replaced_are_closed(tmp_path):
    store = open_store(str(tmp_path / "runs.db"))
    me = os.getpid()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    try:
        live = store.start_run("n", "s", "demo", pid=me, pid_started=start_time(me), host=HOST)
        reused = store.start_run("n", "s", "demo", pid=me, pid_started=start_time(me) - 1, host=HOST)
        dead = store.start_run("n", "s", "demo", pid=int(gone), pid_started=1, host=HOST)
        elsewhere = store.start_run("n", "s", "demo", pid=int(gone), pid_started=1, host=HOST + "-other")
        assert not is_running(int(gone), 1)
        assert sorted(close_orphaned_runs(store)) == sorted([reused, dead])
        outcome = {r.id: r.outcome for r in store.runs()}
        assert outcome == {live: "running", reused: "interrupted", dead: "interrupted", elsewhere: "running"}
        assert close_orphaned_runs(store) == []
    finally:
        store.close()


def test_a_row_whose_details_cannot_be_written_still_gets_its_outcome(tmp_path):
    impls = make_impls(tmp_path / "implementations", {
        "good": "r.start(1)\nr.progress(1, loss=0.5)\nr.claim('ok', 1.0, 1.0, True)\nr.end('reproduced')\n"})
    db = tmp_path / "runs.db"
    store = open_store(str(db))
    with sqlite3.connect(db) as conn:  # the database refuses the details (as a full disk or a bad value would)
        conn.execute("CREATE TRIGGER no_tail BEFORE UPDATE OF output_tail ON runs "
                     "WHEN NEW.output_tail IS NOT NULL BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    try:
        result = Runner(store=store, root=impls).prepare("n", "good").run_to_end()
        assert result.outcome == "passed" and "disk says no" in result.record_error
        assert [(r[0], r[1]) for r in run_rows(db)] == [("good", "passed")]
    finally:
        store.close()


HOSTILE = ("print('@@tracker {\"event\": \"progress\", \"step\": 1, \"metrics\": {\"loss\": 1' + '0' * 400 + '}}')\n"
           "print('@@tracker {\"event\": \"start\", \"total\": \"lots\"}')\n"
           "print('@@tracker {\"event\": \"claim\", \"text\": {\"a\": 1}, \"measured\": 1, \"threshold\": 1, "
           "\"reproduced\": true}')\n"
           "r.start(2)\nr.progress(1, loss=1.0)\nr.progress(2, loss=0.5)\nr.claim('loss 0.5 < 0.6', 0.5, 0.6, True)\n"
           "r.end('reproduced')\n")


@pytest.mark.parametrize("json_output", [False, True])
def test_tracker_run_survives_hostile_protocol_lines_and_records_the_real_claim(tmp_path, write_layer, json_output):
    impls = make_impls(tmp_path / "implementations", {"hostile": HOSTILE})
    graph = write_layer("nodes:\n  - {id: h, kind: paper, title: H, implementation: hostile}\n")
    db = tmp_path / "runs.db"
    env = dict(os.environ, TRACKER_IMPLEMENTATIONS=str(impls))
    proc = subprocess.run([sys.executable, "-m", "tracker.cli.main", "run", "h", "--graph-data", str(graph),
                           "--db", str(db), *(["--json"] if json_output else [])],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT outcome, claim, verdict, measured, threshold FROM runs").fetchall() == [
            ("passed", "loss 0.5 < 0.6", "reproduced", 0.5, 0.6)]
    if not json_output:
        assert '"total": "lots"' in proc.stdout  # shown as the log text it is


def test_a_cancelled_or_interrupted_run_does_not_hide_the_last_verdict(tmp_path, write_layer):
    impls = make_impls(tmp_path / "implementations", {"good": "r.start(1)\n"})
    graph = write_layer("nodes:\n  - {id: g, kind: paper, title: G, implementation: good}\n")
    db = tmp_path / "runs.db"
    with open_store(str(db)) as store:
        for kind, outcome in (("test", "passed"), ("test", "cancelled"), ("demo", "passed"), ("demo", "interrupted")):
            store.finish_run(store.start_run("g", "good", kind), outcome=outcome)
        assert store.implemented(["good"]) == {"good"}  # the cancelled test run changes nothing
        assert store.last_run("good", "test").outcome == "cancelled"
        assert store.last_run("good", "test", finished=True).outcome == "passed"
    env = dict(os.environ, TRACKER_IMPLEMENTATIONS=str(impls))
    common = ["--graph-data", str(graph), "--db", str(db)]
    impls_text = subprocess.run([sys.executable, "-m", "tracker.cli.main", "impls", *common], env=env,
                                capture_output=True, text=True, timeout=60).stdout
    assert "demo passed, then interrupted tests passed, then cancelled" in " ".join(impls_text.split())
    show = subprocess.run([sys.executable, "-m", "tracker.cli.main", "show", "g", "--json", *common], env=env,
                          capture_output=True, text=True, timeout=60).stdout
    detail = __import__("json").loads(show)["implementation_detail"]
    assert (detail["last_test"]["outcome"], detail["test_verdict"]["outcome"], detail["implemented"]) == (
        "cancelled", "passed", True)
    assert (detail["last_demo"]["outcome"], detail["demo_verdict"]["outcome"]) == ("interrupted", "passed")
