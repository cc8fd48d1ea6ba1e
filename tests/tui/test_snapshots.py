"""SVG snapshots of the main screens, on fixed data, a fixed clock and a fixed terminal size.

Update after an intended visual change with ``pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tests.tui.helpers import at, loaded, seed, wait_for
from tracker.demo_protocol import parse_line
from tracker.runner import OutputLine, RunResult
from tracker.tui.runs import RunOutput, RunState
from tracker.tui.widgets.node_details import NodeDetails

SIZE = (120, 36)


def quiet(run_before):
    """Toasts time out: clear them so that a slow machine takes the same picture as a fast one."""

    async def wrapped(pilot):
        await run_before(pilot)
        pilot.app.clear_notifications()
        await pilot.pause(0.1)

    return wrapped


def seeded(store) -> None:
    seed(store)
    store.add_note("backprop", "## Why it matters\n\nGradients for **every** layer, `[b]literal[/b]`.")


def test_browse_screen(snap_compare, make_app, store):
    seeded(store)

    async def run_before(pilot):
        await loaded(pilot)
        pilot.app.jump_to("backprop")
        details = pilot.app.screen.query_one(NodeDetails)
        await wait_for(pilot, lambda: details.node_id == "backprop")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=quiet(run_before))


@pytest.mark.parametrize("size", [(80, 24), (140, 45)], ids=["80x24", "140x45"])
def test_browse_screen_small_and_large_terminals(snap_compare, make_app, store, size):
    """80x24: labels cut with an ellipsis keep their mark and counter; the footer starts with the node keys."""
    seeded(store)

    async def run_before(pilot):
        await loaded(pilot)
        pilot.app.jump_to("backprop")
        details = pilot.app.screen.query_one(NodeDetails)
        await wait_for(pilot, lambda: details.node_id == "backprop")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=size, run_before=quiet(run_before))


@pytest.mark.parametrize("size", [(80, 24), (140, 45)], ids=["80x24", "140x45"])
def test_dashboard_small_and_large_terminals(snap_compare, make_app, store, size):
    seeded(store)

    async def run_before(pilot):
        await loaded(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: hasattr(pilot.app.screen, "figures"))
        await pilot.pause(0.2)

    assert snap_compare(make_app(), terminal_size=size, run_before=quiet(run_before))


def test_details_of_a_node_with_inherited_prerequisites(snap_compare, make_app, store):
    seeded(store)

    async def run_before(pilot):
        await loaded(pilot)
        pilot.app.jump_to("transformer")
        details = pilot.app.screen.query_one(NodeDetails)
        await wait_for(pilot, lambda: details.node_id == "transformer")
        await pilot.press("f")  # hide what is done
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=quiet(run_before))


def test_dashboard(snap_compare, make_app, store):
    seeded(store)

    async def run_before(pilot):
        await loaded(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: hasattr(pilot.app.screen, "figures"))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=quiet(run_before))


def test_next_up(snap_compare, make_app, store):
    store.mark("perceptron", "read", at=at(1))

    async def run_before(pilot):
        await loaded(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: pilot.app.current_mode == "next")
        await pilot.pause(0.2)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=quiet(run_before))


DEMO_OUTPUT = [
    "\x1b[1mtiny demo\x1b[0m",
    '@@tracker {"event": "start", "total": 8}',
    *[line for step in range(1, 9) for line in (
        f"step {step}/8  loss {2 / step:.3f}  acc {step / 8:.3f}",
        f'@@tracker {{"event": "progress", "step": {step}, "metrics": {{"loss": {2 / step}, "acc": {step / 8}}}}}')],
    '@@tracker {"event": "claim", "text": "loss falls below 0.3", "measured": 0.25, "threshold": 0.3,'
    ' "reproduced": true}',
    "claim: loss falls below 0.3 -> REPRODUCED",
]


def test_run_panel(snap_compare, make_app):
    async def run_before(pilot):
        await loaded(pilot)
        app = pilot.app
        state = RunState("backprop", "tiny", "demo", "quick demo",
                         ["python", "-m", "implementations.tiny.demo", "--quick"])
        app.run_state = state
        for text in DEMO_OUTPUT:
            app.post_message(RunOutput(state, line=OutputLine(text, parse_line(text))))
        result = RunResult("passed", 0, 1.5, metrics={"loss": 0.25}, claim=None, run_id=7)
        app.post_message(RunOutput(state, result=result))
        await pilot.press("l")
        await wait_for(pilot, lambda: app.current_mode == "run" and state.result is not None)
        await pilot.pause(0.5)

    assert snap_compare(make_app(), terminal_size=(120, 44), run_before=quiet(run_before))
