"""How quickly a run ends and is accounted for: the runner, its supervisor and the orphan sweep.

- from a real demo's last protocol line to the runner's result (the run
  panel's "running…" lasts this long after the output ended);
- what the supervisor adds to a run that prints one line (supervised vs the
  bare process group);
- a leader that exits while its child keeps stdout open, with a 4 s timeout
  (it used to take 60 s), and a cancel of a demo whose child ignores SIGTERM
  (bounded by the kill grace);
- the orphaned-run sweep every store-opening command pays, over 100,000 runs.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.timing import median_seconds

META = 'title = "T"\npapers = ["P"]\nclaim = "C"\ndefault_steps = 1\nquick_steps = 1\nexpected_cpu_seconds = 1\n'
SLEEPER = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
DEMOS = {
    "one_line": "print('hello')\n",
    "leader_exits": ("import subprocess, sys\n"
                     f"child = subprocess.Popen([sys.executable, '-c', {SLEEPER!r}], stdout=subprocess.PIPE)\n"
                     "child.stdout.readline()\n"),
    "stubborn": ("import subprocess, sys, time\n"
                 f"child = subprocess.Popen([sys.executable, '-c', {SLEEPER!r}], stdout=subprocess.PIPE)\n"
                 "child.stdout.readline()\nprint('started', flush=True)\ntime.sleep(60)\n"),
}


def _impls(root: Path) -> Path:
    root.mkdir()
    (root / "__init__.py").write_text("")
    for slug, body in DEMOS.items():
        (root / slug).mkdir()
        (root / slug / "__init__.py").write_text("")
        (root / slug / "meta.toml").write_text(META)
        (root / slug / "demo.py").write_text(body)
    return root


def _end_after_last_line(slug: str) -> float:
    from tracker.runner import Runner

    run = Runner().prepare("n", slug, quick=True, device="cpu")
    last = time.monotonic()
    for _ in run.stream():
        last = time.monotonic()
    return time.monotonic() - last


def _cancel_seconds(runner) -> float:
    run = runner.prepare("n", "stubborn")
    started = threading.Event()

    def consume() -> None:
        for line in run.stream():
            if line.text == "started":
                started.set()

    worker = threading.Thread(target=consume)
    worker.start()
    started.wait(60)
    begin = time.perf_counter()
    run.cancel()
    worker.join()
    return time.perf_counter() - begin


def _sweep_ms(folder: Path) -> float:
    from tracker.runner import close_orphaned_runs
    from tracker.store import open_store

    path = folder / "sweep.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO runs (node_id, slug, kind, started_at, outcome) "
                         "VALUES ('n', 's', 'demo', '2026-01-01 00:00:00', 'passed')", [()] * 100_000)
    with open_store(path) as store:
        return 1000 * median_seconds(lambda: close_orphaned_runs(store), repeats=21, warmup=2)


def run() -> dict:
    from tracker import runner as runner_module
    from tracker.runner import Runner

    figures: dict = {"backprop quick: end after its last line (s)": _end_after_last_line("backprop")}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runner = Runner(root=_impls(folder / "implementations"))
        os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
        figures["one-line run, supervised (s)"] = median_seconds(
            lambda: runner.prepare("n", "one_line").run_to_end(), repeats=5, warmup=1)
        supervised = runner_module.SUPERVISED
        runner_module.SUPERVISED = False
        try:
            figures["one-line run, process group only (s)"] = median_seconds(
                lambda: runner.prepare("n", "one_line").run_to_end(), repeats=5, warmup=1)
        finally:
            runner_module.SUPERVISED = supervised
        figures["leader exits, child holds stdout, 4 s timeout (s)"] = median_seconds(
            lambda: runner.prepare("n", "leader_exits", timeout=4).run_to_end(), repeats=3)
        figures["cancel, child ignores SIGTERM (s)"] = _cancel_seconds(runner)
        figures["orphan sweep over 100,000 runs (ms)"] = _sweep_ms(folder)
    return figures
