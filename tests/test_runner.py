"""The runner with real subprocesses: success, failure, crash, hang, flood, Ctrl-C; no strays."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tracker.errors import UserError
from tracker.runner import Runner
from tracker.store import open_store

META = 'title = "T"\npapers = ["P"]\nclaim = "C"\ndefault_steps = 5\nquick_steps = 2\nexpected_cpu_seconds = 1\n'
PRELUDE = "import os, sys, time, subprocess\nfrom tracker.demo_protocol import Reporter\nr = Reporter()\n"
DEMOS = {
    "good": "r.start(3)\nfor s in (1, 2, 3):\n    r.progress(s, loss=1.0 / s, acc=s / 3)\nr.claim('acc 1.0 >= 0.9', 1.0, 0.9, True)\nr.end('reproduced')\n",
    "notrepro": "r.start(1)\nr.progress(1, loss=2.0)\nr.claim('acc 0.2 >= 0.9', 0.2, 0.9, False)\nr.end('not_reproduced')\nsys.exit(1)\n",
    "crash": "r.start(2)\nr.progress(1, loss=1.0)\nraise RuntimeError('boom')\n",
    # Starts a grandchild that ignores SIGTERM, records both pids, then hangs.
    "hang": ("child = subprocess.Popen([sys.executable, '-c', 'import signal, time; "
             "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'])\n"
             "open(os.environ['PID_FILE'], 'w').write(f'{os.getpid()} {child.pid}')\n"
             "r.start(10)\nr.progress(1, loss=1.0)\ntime.sleep(600)\n"),
    "flood": "line = 'x' * 1023 + '\\n'\nfor _ in range(100 * 1024):\n    sys.stdout.write(line)\n"
             "sys.stdout.write('y' * 300_000 + '\\n')\nr.start(1)\nr.progress(1, loss=0.5)\nr.claim('ok', 1, 1, True)\n",
}


@pytest.fixture
def impl_root(tmp_path, monkeypatch):
    root = tmp_path / "implementations"
    root.mkdir()
    (root / "__init__.py").write_text("")
    for slug, body in DEMOS.items():
        (root / slug).mkdir()
        (root / slug / "__init__.py").write_text("")
        (root / slug / "meta.toml").write_text(META)
        (root / slug / "demo.py").write_text(PRELUDE + body)
    (root / "good" / "test_good.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
    (root / "crash" / "test_bad.py").write_text("def test_one():\n    assert 1 + 1 == 3\n")
    monkeypatch.setenv("TRACKER_IMPLEMENTATIONS", str(root))
    return root


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "runs.db"))
    yield s
    s.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited; only its parent's wait is missing
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pids, seconds=10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


def test_demo_streams_protocol_and_is_recorded(impl_root, store):
    run = Runner(store=store, root=impl_root).prepare("node-a", "good", "demo", quick=True, seed=3)
    assert run.command[1:] == ["-m", "implementations.good.demo", "--quick", "--seed", "3"]
    events = [line.event.kind for line in run.stream() if line.event]
    assert events == ["start", "progress", "progress", "progress", "claim", "end"]
    result = run.result
    assert (result.outcome, result.exit_code, result.total_steps, result.last_step) == ("passed", 0, 3, 3)
    assert result.metrics == {"loss": pytest.approx(1 / 3), "acc": 1.0}
    [record] = store.runs(node_id="node-a")
    assert (record.outcome, record.verdict, record.claim, record.exit_code) == ("passed", "reproduced", "acc 1.0 >= 0.9", 0)
    assert record.metrics["acc"] == 1.0 and record.ended_at is not None


def test_not_reproduced_and_crash_outcomes(impl_root, store):
    runner = Runner(store=store, root=impl_root)
    assert runner.prepare("n", "notrepro").run_to_end().outcome == "failed"
    crashed = runner.prepare("n", "crash").run_to_end()
    assert crashed.outcome == "crashed" and crashed.exit_code == 1
    assert "RuntimeError: boom" in crashed.output_tail
    assert [r.outcome for r in store.runs(slug="crash")] == ["crashed"]


def test_tests_kind_runs_pytest_and_marks_implemented(impl_root, store):
    runner = Runner(store=store, root=impl_root)
    assert runner.prepare("n", "good", "test").run_to_end().outcome == "passed"
    assert runner.prepare("n", "crash", "test").run_to_end().outcome == "failed"
    assert store.implemented(["good", "crash"]) == {"good"}


def test_slug_is_checked_against_existing_folders(impl_root):
    runner = Runner(root=impl_root)
    for bad in ("nope", "../good", "good; rm -rf /", "Good", ""):
        with pytest.raises(UserError):
            runner.prepare("n", bad)


def test_timeout_kills_the_whole_process_group(impl_root, store, tmp_path, monkeypatch):
    pid_file = tmp_path / "pids"
    monkeypatch.setenv("PID_FILE", str(pid_file))
    run = Runner(store=store, root=impl_root).prepare("n", "hang", timeout=3)
    result = run.run_to_end()
    assert result.outcome == "timed out"
    pids = [int(p) for p in pid_file.read_text().split()]
    assert wait_gone(pids), f"stray processes: {[p for p in pids if alive(p)]}"
    assert store.runs(slug="hang")[0].outcome == "timed out"


def test_cancel_from_another_thread(impl_root, store, tmp_path, monkeypatch):
    import threading

    pid_file = tmp_path / "pids"
    monkeypatch.setenv("PID_FILE", str(pid_file))
    run = Runner(store=store, root=impl_root).prepare("n", "hang")
    seen = []
    for line in run.stream():
        if line.event and line.event.kind == "progress":
            seen.append(line)
            threading.Timer(0.2, run.cancel).start()
    assert seen and run.result.outcome == "cancelled"
    assert wait_gone([int(p) for p in pid_file.read_text().split()])


def test_hundred_megabytes_of_output_keeps_a_bounded_tail(impl_root):
    run = Runner(root=impl_root).prepare("n", "flood")
    count = sum(1 for _ in run.stream())
    assert count > 100 * 1024
    assert run.result.outcome == "passed"
    assert len(run.result.output_tail) <= 64 * 1024
    assert run.result.output_tail.count("\n") < 250


def test_ctrl_c_on_tracker_run_leaves_no_stray_and_records_cancel(impl_root, tmp_path, write_layer):
    gd = write_layer("nodes:\n  - {id: hanger, kind: paper, title: Hanger, implementation: hang}\n")
    db = tmp_path / "cli.db"
    pid_file = tmp_path / "pids"
    env = dict(os.environ, PID_FILE=str(pid_file), TRACKER_IMPLEMENTATIONS=str(impl_root))
    proc = subprocess.Popen([sys.executable, "-m", "tracker.cli.main", "run", "hanger", "--graph-data", str(gd),
                             "--db", str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    assert wait_gone([int(p) for p in pid_file.read_text().split()])
    s = open_store(str(db))
    try:
        assert [r.outcome for r in s.runs(slug="hang")] == ["cancelled"]
    finally:
        s.close()
