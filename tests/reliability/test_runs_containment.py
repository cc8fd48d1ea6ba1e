"""Timeout, cancel and the end of a run reach every process it started (issue 12, items 2 and 3).

The runner is the real one (with its supervisor); the demos are tiny real
programs: a leader that exits while its child keeps stdout open, and
grandchildren that call ``setsid()`` to leave the process group.
"""

from __future__ import annotations

import threading

import pytest

from tests.reliability.runs_helpers import (
    SLEEPER, alive, kill_leftovers, make_impls, noted, read_pids, wait_until)
from tracker import runner as runner_module
from tracker.runner import Runner
from tracker.store import open_store

# The leader starts a child that inherits stdout and ignores SIGTERM, then exits at once.
LEADER_EXITS = (f"child = subprocess.Popen([sys.executable, '-c', {SLEEPER!r}])\n"
                "wait_noted(1)\nnote_pids(os.getpid())\nr.start(2)\nr.progress(1, loss=1.0)\n")
# A grandchild in its own session (setsid), output elsewhere, that outlives the demo.
SETSID_THEN_EXIT = (f"child = subprocess.Popen([sys.executable, '-c', {SLEEPER!r}], start_new_session=True,\n"
                    "                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
                    "wait_noted(1)\nr.start(1)\nr.progress(1, loss=1.0)\n"
                    "r.claim('ok', 1.0, 1.0, True)\nr.end('reproduced')\n")
# A double fork: the middle process calls setsid(), starts the sleeper and exits, orphaning it.
MIDDLE = (f"import os, subprocess, sys; os.setsid(); subprocess.Popen([sys.executable, '-c', {SLEEPER!r}], "
          "stdout=subprocess.DEVNULL)")
ORPHAN_THEN_HANG = (f"middle = subprocess.Popen([sys.executable, '-c', {MIDDLE!r}])\n"
                    "middle.wait()\nwait_noted(1)\nnote_pids(os.getpid())\nr.start(10)\nr.progress(1, loss=1.0)\ntime.sleep(600)\n")


@pytest.fixture
def impl_root(tmp_path, monkeypatch):
    root = make_impls(tmp_path / "implementations", {
        "leader_exits": LEADER_EXITS, "setsid_then_exit": SETSID_THEN_EXIT, "orphan_then_hang": ORPHAN_THEN_HANG})
    monkeypatch.setenv("PID_FILE", str(tmp_path / "pids"))
    return root


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "runs.db"))
    yield s
    s.close()


def finish_in_thread(run, seconds: float = 30.0) -> bool:
    """Stream the run in a thread; True when it ended within ``seconds`` (it used to hang for minutes)."""
    worker = threading.Thread(target=run.run_to_end, daemon=True)
    worker.start()
    worker.join(seconds)
    return not worker.is_alive()


@pytest.mark.parametrize("supervised", [True, False], ids=["supervised", "process-group-only"])
def test_a_leader_that_exits_while_its_child_holds_stdout_ends_the_run(impl_root, store, tmp_path,
                                                                       monkeypatch, supervised):
    monkeypatch.setattr(runner_module, "SUPERVISED", supervised and getattr(runner_module, "SUPERVISED", False),
                        raising=False)
    run = Runner(store=store, root=impl_root).prepare("n", "leader_exits", timeout=4)
    pids = []
    try:
        assert finish_in_thread(run), "the run waited on the pipe the child still held"
        pids = read_pids(tmp_path / "pids", 2)
        assert run.result.outcome == "crashed" and run.result.exit_code == 0  # exited 0 without a claim
        assert wait_until(lambda: not any(alive(p) for p in pids)), [p for p in pids if alive(p)]
        assert store.runs(slug="leader_exits")[0].outcome == "crashed"
    finally:
        kill_leftovers(pids or noted(tmp_path / "pids"))


def test_a_setsid_grandchild_does_not_outlive_a_finished_run(impl_root, store, tmp_path):
    run = Runner(store=store, root=impl_root).prepare("n", "setsid_then_exit")
    pids = []
    try:
        assert finish_in_thread(run)
        assert run.result.outcome == "passed"
        pids = read_pids(tmp_path / "pids", 1)
        assert wait_until(lambda: not alive(pids[0])), "the setsid() grandchild escaped"
    finally:
        kill_leftovers(pids)


def test_cancel_reaches_an_orphaned_setsid_grandchild(impl_root, store, tmp_path):
    run = Runner(store=store, root=impl_root).prepare("n", "orphan_then_hang")
    worker = threading.Thread(target=run.run_to_end, daemon=True)
    worker.start()
    pids = []
    try:
        pids = read_pids(tmp_path / "pids", 2)
        assert all(alive(p) for p in pids)
        run.cancel()
        worker.join(30)
        assert not worker.is_alive()
        assert run.result.outcome == "cancelled"
        assert wait_until(lambda: not any(alive(p) for p in pids)), [p for p in pids if alive(p)]
        assert store.runs(slug="orphan_then_hang")[0].outcome == "cancelled"
    finally:
        kill_leftovers(pids)
