"""Every implementation's demo, run as users and the runner run it, in --quick mode.

This is the contract test: exit code 0, a claim line ending REPRODUCED, and a
well-formed protocol stream (start, progress, claim, end) when asked for. Each
demo runs in its own process, started as ``python -m`` starts it, by a launcher
that imported torch once (``demo_launcher``); the TUI runner's tests start
demos as plain subprocesses.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.demo_launcher import DemoLauncher
from tracker.demo_protocol import parse_line
from tracker.impl_meta import discover

IMPLEMENTATIONS = sorted(discover())


@pytest.fixture(scope="module")
def launcher(tmp_path_factory):
    started = DemoLauncher(tmp_path_factory.mktemp("demo-output"))
    yield started
    started.close()


@pytest.mark.parametrize("slug", IMPLEMENTATIONS)
def test_quick_demo_reproduces_claim_and_speaks_protocol(slug: str, launcher: DemoLauncher) -> None:
    proc = launcher.run(f"implementations.{slug}.demo", ["--quick", "--device", "cpu", "--seed", "0"],
                        env={"TRACKER_PROTOCOL": "1", "PYTHONUNBUFFERED": "1"}, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    events = [e for e in map(parse_line, proc.stdout.splitlines()) if e]
    kinds = [e.kind for e in events]
    assert kinds[0] == "start" and kinds[-2:] == ["claim", "end"], kinds
    assert "progress" in kinds
    total = events[0].data["total"]
    steps = [e.data["step"] for e in events if e.kind == "progress"]
    assert steps == sorted(steps) and 1 <= steps[-1] <= total
    assert events[-2].data["reproduced"] is True
    assert events[-1].data["status"] == "reproduced"
    human = [line for line in proc.stdout.splitlines() if line.startswith("claim: ")]
    assert len(human) == 1 and human[0].endswith("-> REPRODUCED")
    assert any("same claim" in line and "lower strength" in line for line in proc.stdout.splitlines())


# Every demo started as a user starts it (`python -m implementations.SLUG.demo`), in one interpreter so torch
# is imported once rather than once per demo: each prints its usage error and exits 2, with no traceback.
BAD_ARGUMENTS = """
import contextlib, io, json, runpy, sys
out = {}
for slug in sys.argv[1:]:
    err = io.StringIO()
    sys.argv = [f"implementations/{slug}/demo.py", "--steps", "0"]
    code = None
    with contextlib.redirect_stderr(err):
        try:
            runpy.run_module(f"implementations.{slug}.demo", run_name="__main__")
        except SystemExit as exit:
            code = exit.code
        except BaseException as other:
            code = repr(other)
    out[slug] = [code, err.getvalue()]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def bad_argument_exits() -> dict:
    import json

    proc = subprocess.run([sys.executable, "-c", BAD_ARGUMENTS, *IMPLEMENTATIONS],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("slug", IMPLEMENTATIONS)
def test_demo_rejects_bad_arguments_with_exit_2(slug: str, bad_argument_exits) -> None:
    code, stderr = bad_argument_exits[slug]
    assert code == 2, (code, stderr[-1000:])
    assert "Traceback" not in stderr and "--steps must be at least 1" in stderr
