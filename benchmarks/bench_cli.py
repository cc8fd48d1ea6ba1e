"""CLI overhead against a bare interpreter, and proof that non-TUI commands stay light."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time


def wall(cmd: list[str], repeats: int = 7, env=None) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run() -> dict:
    import os

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TRACKER_DATA_DIR=tmp)
        base = wall([sys.executable, "-c", "pass"], env=env)
        nxt = wall([sys.executable, "-m", "tracker.cli.main", "next"], env=env)
        mark = wall([sys.executable, "-m", "tracker.cli.main", "mark", "resnet", "read"], env=env)
        probe = subprocess.run(
            [sys.executable, "-c", "import sys; from tracker.cli.main import main; main(['next']); main(['mark', 'vgg', 'read']);"
             "print(','.join(m for m in ('torch', 'textual') if m in sys.modules))"],
            capture_output=True, text=True, env=env)
    return {
        "python_pass_s": base, "tracker_next_s": nxt, "tracker_mark_s": mark,
        "next_over_python": nxt / base, "mark_over_python": mark / base,
        "heavy_modules_loaded": probe.stdout.strip().splitlines()[-1] if probe.stdout.strip() else "none",
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
