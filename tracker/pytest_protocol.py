"""A pytest plugin that reports each test to the runner in the demo protocol.

``tracker run --tests`` and the TUI load it with ``-p tracker.pytest_protocol`` (and ``-v``);
it sends a ``start`` event with the number of tests collected and one ``test``
event per finished test, so the run panel can list each test's name and
outcome with counts, whatever pytest prints for people. Silent unless
``TRACKER_PROTOCOL=1``.
"""

from __future__ import annotations

import json
import os
import sys

import pytest

from .demo_protocol import ENV_FLAG, MAX_TEXT, PREFIX


def _emit(event: str, **data) -> None:
    """One protocol line. In ``-v`` mode (as the runner runs pytest) pytest ends each result line
    lazily, just before the next, so the event starts a fresh line and leaves pytest to end it."""
    if os.environ.get(ENV_FLAG) == "1":
        sys.stdout.write("\n" + PREFIX + json.dumps({"event": event, **data}))
        sys.stdout.flush()


def pytest_collection_finish(session) -> None:
    if session.items:
        _emit("start", total=len(session.items), title="tests")


def _outcome(report) -> str | None:
    """One outcome per test: its call, or the setup/teardown that failed or skipped it."""
    xfail = hasattr(report, "wasxfail")
    if report.when == "call":
        if xfail:
            return "xpassed" if report.passed else "xfailed"
        return report.outcome  # passed, failed, skipped
    if report.failed:
        return "error"
    if report.when == "setup" and report.skipped:
        return "xfailed" if xfail else "skipped"
    return None


@pytest.hookimpl(trylast=True)  # after pytest's own "PASSED", so the line is whole
def pytest_runtest_logreport(report) -> None:
    outcome = _outcome(report)
    if outcome is not None:
        _emit("test", name=report.nodeid[:MAX_TEXT], outcome=outcome)
