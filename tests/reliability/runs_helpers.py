"""Shared by the run reliability tests: tiny real demos, a real CLI process, /proc checks.

The demos are real Python programs run by the real runner (and supervisor);
each writes the pids it wants checked to ``$PID_FILE`` so a test can prove
that nothing it started is left.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

META = 'title = "T"\npapers = ["P"]\nclaim = "C"\ndefault_steps = 5\nquick_steps = 2\nexpected_cpu_seconds = 1\n'
PRELUDE = ("import os, sys, time, signal, subprocess\nfrom tracker.demo_protocol import Reporter\nr = Reporter()\n"
           "def note_pids(*pids):\n    with open(os.environ['PID_FILE'], 'a') as fh:\n"
           "        fh.write(' '.join(map(str, pids)) + ' ')\n"
           "def wait_noted(count):\n"
           "    while not os.path.exists(os.environ['PID_FILE']) or "
           "len(open(os.environ['PID_FILE']).read().split()) < count:\n        time.sleep(0.01)\n")
# Ignores SIGTERM (as a stubborn DataLoader worker might), and notes its pid only once it does.
SLEEPER = ("import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
           "open(os.environ['PID_FILE'], 'a').write(str(os.getpid()) + ' '); time.sleep(600)")


def make_impls(root: Path, demos: dict[str, str]) -> Path:
    """An implementations folder with one demo per entry (``meta.toml``, ``demo.py``)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "__init__.py").write_text("")
    for slug, body in demos.items():
        (root / slug).mkdir()
        (root / slug / "__init__.py").write_text("")
        (root / slug / "meta.toml").write_text(META)
        (root / slug / "demo.py").write_text(PRELUDE + body)
    return root


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def wait_until(check, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def read_pids(pid_file: Path, count: int, seconds: float = 60.0, proc: subprocess.Popen | None = None) -> list[int]:
    """The pids a demo noted, once it has noted ``count`` of them."""
    def enough() -> bool:
        return (pid_file.exists() and len(pid_file.read_text().split()) >= count) or (
            proc is not None and proc.poll() is not None)
    wait_until(enough, seconds)
    if proc is not None and proc.poll() is not None:
        raise AssertionError(f"tracker exited {proc.returncode}: {proc.communicate()}")
    assert enough(), f"the demo did not start (pid file {pid_file})"
    return [int(p) for p in pid_file.read_text().split()]


def noted(pid_file: Path) -> list[int]:
    """Whatever pids were noted so far (for clean-up)."""
    return [int(p) for p in pid_file.read_text().split()] if pid_file.exists() else []


def kill_leftovers(pids) -> None:
    """Never leave a test's processes behind, even when the test failed."""
    for pid in pids:
        if alive(pid):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass


def start_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tracker.cli.main", *args], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_rows(db: Path) -> list[tuple]:
    """(slug, outcome, pid, host) of every run, oldest first, read with plain sqlite3."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT slug, outcome, pid, host FROM runs ORDER BY id").fetchall()
