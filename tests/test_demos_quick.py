"""Every implementation's demo, run as users and the runner run it, in --quick mode.

This is the contract test: exit code 0, a claim line ending REPRODUCED, and a
well-formed protocol stream (start, progress, claim, end) when asked for.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tracker.demo_protocol import parse_line
from tracker.impl_meta import discover

IMPLEMENTATIONS = sorted(discover())


@pytest.mark.parametrize("slug", IMPLEMENTATIONS)
def test_quick_demo_reproduces_claim_and_speaks_protocol(slug: str) -> None:
    env = dict(os.environ, TRACKER_PROTOCOL="1", PYTHONUNBUFFERED="1")
    proc = subprocess.run(
        [sys.executable, "-m", f"implementations.{slug}.demo", "--quick", "--device", "cpu", "--seed", "0"],
        capture_output=True, text=True, timeout=120, env=env,
    )
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


@pytest.mark.parametrize("slug", IMPLEMENTATIONS)
def test_demo_rejects_bad_arguments_with_exit_2(slug: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", f"implementations.{slug}.demo", "--steps", "0"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
