"""The run panel end to end: a tiny real demo, cancelling a hanging one, quitting mid-run, errors."""

from __future__ import annotations

import asyncio
import os
import time

from textual.widgets import DataTable, ProgressBar, RichLog

from tests.tui.helpers import loaded, wait_for
from tracker.tui.widgets.metrics_plot import MetricsPlot
from tracker.tui.widgets.node_details import NodeDetails


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
            assert "Claim    loss falls below 0.25  measured 0.2 vs threshold 0.25: REPRODUCED" in verdict
            assert "Outcome  passed  exit code 0" in verdict
            assert "running" not in str(app.screen.query_one("#run-heading").render())
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


TWO_MODELS_DEMO = r"""
import sys
from tracker.demo_protocol import Reporter
r = Reporter()
r.start(6, series=["plain", "residual"])
for k, name in enumerate(["plain", "residual"]):
    for step in range(1, 4):
        r.progress(k * 3 + step, series=name, loss=(2.0 - k) / step)
r.claim("residual ends lower", 0.33333333333, 0.5, True)
r.end("reproduced")
"""


def test_a_demo_that_trains_two_models_plots_two_labelled_curves_on_one_step_axis(make_app, impl_root):
    (impl_root / "tiny" / "demo.py").write_text(TWO_MODELS_DEMO)

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 45)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            await pilot.press("x")
            await wait_for(pilot, lambda: app.run_state is not None and app.run_state.result is not None, 30)
            await pilot.pause(0.3)
            state = app.run_state
            assert state.metrics == {"plain loss": [(1, 2.0), (2, 1.0), (3, 2 / 3)],
                                     "residual loss": [(1, 1.0), (2, 0.5), (3, 1 / 3)]}
            assert (state.total, state.step, state.series) == (6, 6, ["plain", "residual"])
            assert "plain step 1/3  loss 2" in log_lines(app)  # the human line counts the model's own steps
            verdict = str(app.screen.query_one("#run-verdict").render())
            assert "measured 0.3333 vs threshold 0.5: REPRODUCED" in verdict  # not 0.33333333333
            [run] = app.session.store.runs()
            assert run.curves == {"plain loss": [[1, 2.0], [2, 1.0], [3, 2 / 3]],
                                  "residual loss": [[1, 1.0], [2, 0.5], [3, 1 / 3]]}
            assert (run.measured, run.threshold) == (0.33333333333, 0.5)

    asyncio.run(main())


def test_tests_show_each_name_and_outcome_with_counts(make_app, impl_root, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    (impl_root / "tiny" / "test_tiny.py").write_text(
        "import pytest\n\ndef test_ok():\n    assert 1 + 1 == 2\n\ndef test_wrong():\n    assert 1 + 1 == 3\n\n"
        "@pytest.mark.skip(reason='later')\ndef test_later():\n    pass\n")

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 45)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            await pilot.press("t")
            await wait_for(pilot, lambda: app.run_state is not None and app.run_state.result is not None, 60)
            await pilot.pause(0.3)
            state = app.run_state
            assert [(name.rsplit("::", 1)[1], outcome) for name, outcome in state.tests] == [
                ("test_ok", "passed"), ("test_wrong", "failed"), ("test_later", "skipped")]
            assert state.test_counts == {"passed": 1, "failed": 1, "skipped": 1}
            assert (state.total, state.step) == (3, 3)
            assert state.result.outcome == "failed"
            verdict = str(app.screen.query_one("#run-verdict").render())
            assert "Tests    1 passed · 1 failed · 1 skipped  failed: " in verdict and "test_wrong" in verdict
            assert any(line.endswith("test_tiny.py::test_ok PASSED") or "test_ok PASSED" in line
                       for line in log_lines(app))  # -v: one line per test
            [run] = app.session.store.runs()
            assert run.tests == {"passed": 1, "failed": 1, "skipped": 1}

    asyncio.run(main())


def seed_runs(db_path, *, stale_pid: int | None = None) -> list[int]:
    """Two finished runs of the tiny demo and a cancelled one, as an earlier session left them."""
    from tracker.store import open_store

    with open_store(db_path) as s:
        first = s.start_run("backprop", "tiny", "demo")
        s.finish_run(first, outcome="passed", exit_code=0, claim="loss falls below 0.25", verdict="reproduced",
                     output_tail="first run log", curves={"loss": [[1, 1.0], [2, 0.5]]},
                     figures={"measured": 0.5, "threshold": 0.75}, seconds=2.0)
        second = s.start_run("backprop", "tiny", "demo")
        s.finish_run(second, outcome="passed", exit_code=0, claim="loss falls below 0.25", verdict="reproduced",
                     output_tail="second run log", curves={"loss": [[1, 0.9], [2, 0.4]]},
                     figures={"measured": 0.4, "threshold": 0.75}, seconds=3.0)
        third = s.start_run("backprop", "tiny", "demo")
        s.finish_run(third, outcome="cancelled", exit_code=-15, output_tail="cancelled log", seconds=1.0)
        ids = [first, second, third]
        if stale_pid is not None:
            ids.append(s.start_run("backprop", "tiny", "demo", pid=stale_pid, pid_started=1,
                                   host=__import__("socket").gethostname()))
    return ids


def test_after_a_restart_the_runs_panel_lists_past_runs_reopens_their_logs_and_compares_curves(make_app, db_path):
    import subprocess
    import sys

    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)
    first, second, third, stale = seed_runs(db_path, stale_pid=dead)

    async def main():
        app = make_app()
        async with app.run_test(size=(140, 45)) as pilot:
            await loaded(pilot)
            await pilot.press("l")
            table = app.screen.query_one(DataTable)
            await wait_for(pilot, lambda: table.row_count == 4)
            # The stale row's watcher is gone: the TUI's start closed it.
            assert [str(table.get_row_at(i)[4]) for i in range(4)] == ["interrupted", "cancelled", "passed", "passed"]
            assert [table.get_row_at(i)[0] for i in range(4)] == [f"#{stale}", f"#{third}", f"#{second}", f"#{first}"]
            assert table.get_row_at(2)[5].plain == "0.4 / 0.75" and table.get_row_at(2)[6] == "3.0s"
            heading = str(app.screen.query_one("#run-heading").render())
            assert f"run #{stale}" in heading and "interrupted" in heading and "No run yet" not in heading
            table.move_cursor(row=3)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.screen.shown.run_id == first)
            assert log_lines(app) == ["first run log"]
            verdict = str(app.screen.query_one("#run-verdict").render())
            assert "measured 0.5 vs threshold 0.75: REPRODUCED" in verdict
            table.move_cursor(row=2)
            await pilot.press("v")
            assert app.screen.compared.run_id == second
            plot = app.screen.query_one(MetricsPlot)
            assert plot.display
            assert f"curves of run #{second}" in str(app.screen.query_one("#run-verdict").render())
            await pilot.press("escape")
            assert app.screen.compared is None
            # The details keep the last verdict in sight, apart from the run that did not finish.
            app.jump_to("backprop")
            details = app.screen.query_one(NodeDetails)
            await wait_for(pilot, lambda: details.node_id == "backprop" and "verdict" in str(
                details.query_one("#details-code").render()))
            code = str(details.query_one("#details-code").render())
            assert "demo     verdict passed · claim reproduced · " in code
            assert "last run interrupted" in code

    asyncio.run(main())
    from tracker.store import open_store

    with open_store(db_path) as s:
        assert s.run(stale).outcome == "interrupted"
        assert s.last_run("tiny", "demo").outcome == "interrupted"
        assert s.last_run("tiny", "demo", finished=True).id == second


SETSID_HANG_DEMO = r"""
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                          "print('ready', flush=True); time.sleep(600)"], start_new_session=True,
                         stdout=subprocess.PIPE, text=True)
child.stdout.readline()  # it ignores SIGTERM from here on
print(f"child {child.pid}", flush=True)
time.sleep(600)
"""


def test_quitting_during_a_run_kills_a_grandchild_that_left_the_process_group(make_app, impl_root):
    (impl_root / "hang" / "demo.py").write_text(SETSID_HANG_DEMO)
    pids = []

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("hanging")
            await wait_for(pilot, lambda: app.selected == "hanging")
            await pilot.press("x")
            await wait_for(pilot, lambda: any(line.startswith("child ") for line in app.run_state.log), 30)
            pids.append(int(next(line for line in app.run_state.log if line.startswith("child ")).split()[1]))
            assert alive(pids[0])
            await pilot.press("q")

    try:
        asyncio.run(main())
        assert gone_within(pids), "the setsid() grandchild outlived the TUI"
    finally:
        for pid in pids:
            if alive(pid):
                os.kill(pid, 9)
