"""``tracker run`` stopped by a signal: the whole run dies with it and its row says why (issue 12, item 1).

Real CLI processes, real signals, a real SQLite file, and a demo with a
grandchild that ignores SIGTERM (as a DataLoader worker might).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

from tests.reliability.runs_helpers import (
    SLEEPER, alive, kill_leftovers, make_impls, read_pids, run_rows, start_cli, wait_until)

HANG = (f"child = subprocess.Popen([sys.executable, '-c', {SLEEPER!r}])\n"
        "wait_noted(1)\nnote_pids(os.getpid())\nr.start(10)\nr.progress(1, loss=1.0)\ntime.sleep(600)\n")


@pytest.fixture
def setup(tmp_path, write_layer):
    impls = make_impls(tmp_path / "implementations", {"hang": HANG})
    graph = write_layer("nodes:\n  - {id: hanger, kind: paper, title: Hanger, implementation: hang}\n")
    db = tmp_path / "runs.db"
    pid_file = tmp_path / "pids"
    env = dict(os.environ, PID_FILE=str(pid_file), TRACKER_IMPLEMENTATIONS=str(impls))
    args = ["--graph-data", str(graph), "--db", str(db)]
    started: list[int] = []
    yield env, args, db, pid_file, started
    kill_leftovers(started)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_kill_the_whole_run_and_record_it_interrupted(setup, sig):
    env, args, db, pid_file, started = setup
    proc = start_cli(["run", "hanger", *args], env)
    started.extend(read_pids(pid_file, 2, proc=proc))
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig
    assert "Traceback" not in err
    assert wait_until(lambda: not any(alive(p) for p in started)), [p for p in started if alive(p)]
    [(slug, outcome, pid, host)] = run_rows(db)
    assert (slug, outcome, pid, host) == ("hang", "interrupted", proc.pid, socket.gethostname())


def test_sigkill_takes_the_demo_along_and_the_next_start_marks_the_run_interrupted(setup):
    env, args, db, pid_file, started = setup
    proc = start_cli(["run", "hanger", *args], env)
    started.extend(read_pids(pid_file, 2, proc=proc))
    proc.kill()
    proc.wait(timeout=10)
    assert wait_until(lambda: not any(alive(p) for p in started)), [p for p in started if alive(p)]
    assert [r[1] for r in run_rows(db)] == ["running"]  # nobody could record it
    # A read-only command reads statuses without the SQL store and leaves the runs alone (it stays cheap) ...
    quick = subprocess.run([sys.executable, "-m", "tracker.cli.main", "next", *args], env=env,
                           capture_output=True, text=True, timeout=60)
    assert quick.returncode == 0, quick.stderr
    assert [r[1] for r in run_rows(db)] == ["running"]
    # ... the next command that opens the store closes the run.
    impls = subprocess.run([sys.executable, "-m", "tracker.cli.main", "impls", *args], env=env,
                           capture_output=True, text=True, timeout=60)
    assert impls.returncode == 0, impls.stderr
    assert [r[1] for r in run_rows(db)] == ["interrupted"]
