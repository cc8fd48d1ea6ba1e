"""TUI start-up: process start to first paint, against a minimal Textual app measured in the same run.

Each sample launches a fresh process in a pseudo-terminal (a real Textual
driver, 120x40), which appends a timestamp to a trace file once its first
screen has been drawn (``TRACKER_STARTUP_TRACE``) and then exits
(``TRACKER_EXIT_AFTER_FIRST_PAINT``). ``ready`` is the same for the moment
the shipped graph is on screen. Medians of several runs; temporary database
and data dir, so the user's own are never touched.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

RUNS = 5
TIMEOUT_S = 120

MINIMAL_APP = r'''
import json, os, time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        with open(os.environ["TRACKER_STARTUP_TRACE"], "a") as fh:
            fh.write(json.dumps({"event": "first_paint", "t": time.time()}) + "\n")
        self.exit()

Minimal().run()
'''


def in_terminal(command: list[str], env: dict[str, str]) -> int:
    """Run a command on a 120x40 pseudo-terminal, discarding what it draws; its exit status."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)

    def drain() -> None:
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        process.wait(TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(1)
        os.close(master)
    return process.returncode


def _sample(command: list[str], env: dict[str, str], trace: Path, event: str) -> float:
    """Seconds from launching the process to its ``event`` in the trace."""
    trace.unlink(missing_ok=True)
    started = time.time()
    in_terminal(command, {**env, "TRACKER_STARTUP_TRACE": str(trace)})
    for line in trace.read_text().splitlines():
        entry = json.loads(line)
        if entry["event"] == event:
            return entry["t"] - started
    raise RuntimeError(f"{command[0]} never reported {event!r}")


DIRECT = ("import argparse; from tracker.cli.context import Context; from tracker.tui.app import run_app; "
          "run_app(Context(argparse.Namespace(graph_data=None, db=None, json=False)))")


def run() -> dict:
    tracker = [sys.executable, "-m", "tracker.cli.main"]  # what `tracker` with no command runs
    direct = [sys.executable, "-c", DIRECT]  # the TUI alone, without the CLI's command modules
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = {**os.environ, "TRACKER_DATA_DIR": str(tmp_path / "data"), "TRACKER_DB": str(tmp_path / "t.db"),
               "TRACKER_CACHE_DIR": str(tmp_path / "cache"),
               "TERM": "xterm-256color"}
        env.pop("TRACKER_GRAPH_DATA", None)
        trace = tmp_path / "trace.jsonl"
        _sample(tracker, {**env, "TRACKER_EXIT_AFTER_FIRST_PAINT": "ready"}, trace, "ready")  # warm caches, migrate
        minimal, first_paint, tui_only, ready = [], [], [], []
        exit_at_paint = {**env, "TRACKER_EXIT_AFTER_FIRST_PAINT": "1"}
        for _ in range(RUNS):  # interleaved, so all see the same machine load
            minimal.append(_sample([sys.executable, "-c", MINIMAL_APP], env, trace, "first_paint"))
            first_paint.append(_sample(tracker, exit_at_paint, trace, "first_paint"))
            tui_only.append(_sample(direct, exit_at_paint, trace, "first_paint"))
            ready.append(_sample(tracker, {**env, "TRACKER_EXIT_AFTER_FIRST_PAINT": "ready"}, trace, "ready"))
    results = {
        "tui_first_paint_s": statistics.median(first_paint),
        "tui_without_cli_imports_first_paint_s": statistics.median(tui_only),
        "minimal_textual_first_paint_s": statistics.median(minimal),
        "tui_graph_on_screen_s": statistics.median(ready),
        "runs": RUNS,
    }
    results["first_paint_over_minimal"] = results["tui_first_paint_s"] / results["minimal_textual_first_paint_s"]
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
