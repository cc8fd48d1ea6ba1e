"""The run panel end to end: a tiny real demo, cancelling a hanging one, quitting mid-run, errors."""

from __future__ import annotations

import asyncio
import os
import time

from textual.widgets import ProgressBar, RichLog

from tests.tui.helpers import loaded, wait_for
from tracker.tui.widgets.metrics_plot import MetricsPlot


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def gone_within(pids, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def log_lines(app) -> list[str]:
    return [strip.text.rstrip() for strip in app.screen.query_one(RichLog).lines]


def test_a_real_demo_streams_progress_metrics_claim_and_outcome(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 45)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            await pilot.press("x")
            await wait_for(pilot, lambda: app.current_mode == "run")
            await wait_for(pilot, lambda: app.run_state is not None and app.run_state.result is not None, 30)
            await pilot.pause(0.3)
            state = app.run_state
            assert state.command[1:] == ["-m", "implementations.tiny.demo", "--quick"]
            assert (state.total, state.step) == (5, 5)
            assert state.metrics["loss"] == [(1, 1.0), (2, 0.5), (3, 1 / 3), (4, 0.25), (5, 0.2)]
            assert state.result.outcome == "passed" and state.result.exit_code == 0
            assert log_lines(app) == ["tiny demo starting"] + [f"step {s}/5  loss {1 / s:.3f}" for s in range(1, 6)]
            bar = app.screen.query_one(ProgressBar)
            assert (bar.total, bar.progress) == (5, 5)
            assert app.screen.query_one(MetricsPlot).plt is not None
            verdict = str(app.screen.query_one("#run-verdict").render())
            assert "Claim    loss falls below 0.25  measured 0.2 vs 0.25: REPRODUCED" in verdict
            assert "Outcome  passed  exit code 0" in verdict
            assert "passed" in str(app.screen.query_one("#run-heading").render())
            runs = store.runs(node_id="backprop")
            assert [(r.kind, r.outcome, r.verdict) for r in runs] == [("demo", "passed", "reproduced")]
            assert app.check_action("cancel_run", ()) is False

    asyncio.run(main())


def test_tests_run_with_pytest_colours_kept_and_count_as_implemented(make_app, store, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # the child pytest starts faster

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            await pilot.press("t")
            await wait_for(pilot, lambda: app.run_state is not None and app.run_state.result is not None, 60)
            await pilot.pause(0.3)
            assert app.run_state.result.outcome == "passed"
            summary = [strip for strip in app.screen.query_one(RichLog).lines if "1 passed" in strip.text]
            assert summary and any(seg.style and seg.style.color for seg in summary[-1])  # pytest's green
            assert "\x1b" not in "".join(strip.text for strip in app.screen.query_one(RichLog).lines)
            assert store.implemented(["tiny"]) == {"tiny"}

    asyncio.run(main())


def test_cancel_kills_the_whole_process_group(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("hanging")
            await wait_for(pilot, lambda: app.selected == "hanging")
            await pilot.press("x")
            await wait_for(pilot, lambda: app.run_state is not None and any(
                line.startswith("child ") for line in app.run_state.log), 30)
            leader = app._active_run.pid
            child = int(next(line for line in app.run_state.log if line.startswith("child ")).split()[1])
            assert alive(leader) and alive(child)
            assert app.check_action("cancel_run", ()) is True
            await pilot.press("c")
            await wait_for(pilot, lambda: app.run_state.result is not None, 15)
            assert app.run_state.result.outcome == "cancelled"
            assert gone_within([leader, child])
            assert [r.outcome for r in store.runs(node_id="hanging")] == ["cancelled"]

    asyncio.run(main())


def test_quitting_during_a_run_kills_it(make_app):
    pids = []

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("hanging")
            await wait_for(pilot, lambda: app.selected == "hanging")
            await pilot.press("x")
            await wait_for(pilot, lambda: any(line.startswith("child ") for line in app.run_state.log), 30)
            pids.append(app._active_run.pid)
            pids.append(int(next(line for line in app.run_state.log if line.startswith("child ")).split()[1]))
            await pilot.press("q")

    started = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - started < 20
    assert gone_within(pids)


def test_missing_implementations_and_busy_runs_are_notifications(make_app):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("missing-code")
            await wait_for(pilot, lambda: app.selected == "missing-code")
            await pilot.press("x")
            await wait_for(pilot, lambda: any(
                "'ghost' is not installed" in n.message and n.severity == "error" for n in app._notifications), 5)
            for node_id in ("transformer", "perceptron"):  # no implementation: the run keys are hidden
                app.jump_to(node_id)
                await wait_for(pilot, lambda: app.selected == node_id)
                assert app.check_action("run", ("demo", True)) is False
                await pilot.press("x")
            assert app.current_mode == "browse" and app.run_state is None

    asyncio.run(main())
