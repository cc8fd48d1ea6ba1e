"""CLI overhead against a bare interpreter, and proof that non-TUI commands stay light."""

from __future__ import annotations

import subprocess
import sys
import tempfile

from benchmarks.timing import command_seconds




def run() -> dict:
    import os

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TRACKER_DATA_DIR=tmp)
        base, base_cpu = command_seconds([sys.executable, "-c", "pass"], env=env)
        nxt, nxt_cpu = command_seconds([sys.executable, "-m", "tracker.cli.main", "next"], env=env)
        mark, mark_cpu = command_seconds([sys.executable, "-m", "tracker.cli.main", "mark", "resnet", "read"], env=env)
        probe = subprocess.run(
            [sys.executable, "-c", "import sys; from tracker.cli.main import main; main(['next']); main(['mark', 'vgg', 'read']);"
             "print('LOADED:' + (','.join(m for m in ('torch', 'textual') if m in sys.modules) or 'none'))"],
            capture_output=True, text=True, env=env)
    loaded = [line for line in probe.stdout.splitlines() if line.startswith("LOADED:")]
    return {
        "python_pass_s": base, "tracker_next_s": nxt, "tracker_mark_s": mark,
        "next_over_python": nxt / base, "mark_over_python": mark / base,
        "python_pass_cpu_s": base_cpu, "tracker_next_cpu_s": nxt_cpu, "tracker_mark_cpu_s": mark_cpu,
        "heavy_modules_loaded": loaded[0].removeprefix("LOADED:") if loaded else "probe failed",
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
