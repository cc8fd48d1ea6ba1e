"""Start-up: the TUI never imports torch, and paints before the graph has loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchmarks.bench_tui import in_terminal

PROBE = r'''
import argparse, asyncio, json, sys
from tracker.cli.context import Context
from tracker.tui.app import TrackerApp

async def main():
    ctx = Context(argparse.Namespace(graph_data=sys.argv[1], db=sys.argv[2], json=False))
    app = TrackerApp(ctx, implementations_root=sys.argv[3])
    async with app.run_test(size=(100, 30)) as pilot:
        while not app.session.loaded:
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        app.jump_to("backprop")
        await pilot.press("d", "n", "l", "b")
        await pilot.pause(0.2)
    return app.session.loaded

loaded = asyncio.run(main())
print(json.dumps({"loaded": loaded, "torch": "torch" in sys.modules,
                  "plotext": "textual_plotext" in sys.modules}))
'''


def test_the_app_runs_every_screen_without_importing_torch(graph_dir, db_path, impl_root, tmp_path):
    env = dict(os.environ, TRACKER_DATA_DIR=str(tmp_path / "data"))
    out = subprocess.run([sys.executable, "-c", PROBE, str(graph_dir), str(db_path), str(impl_root)],
                         capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"loaded": True, "torch": False, "plotext": True}


def test_first_paint_comes_before_the_graph_is_loaded(graph_dir, db_path, tmp_path):
    trace = tmp_path / "trace.jsonl"
    env = dict(os.environ, TRACKER_DATA_DIR=str(tmp_path / "data"), TRACKER_EXIT_AFTER_FIRST_PAINT="ready",
               TRACKER_STARTUP_TRACE=str(trace))
    command = [sys.executable, "-m", "tracker.cli.main", "--graph-data", str(graph_dir), "--db", str(db_path)]
    assert in_terminal(command, env) == 0  # a pseudo-terminal: the real driver, as `tracker` gets
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [e["event"] for e in events] == ["first_paint", "ready"]
    assert events[0]["t"] <= events[1]["t"]
