"""Next up's reasons and O (core/optional), the learning path's reasons, folded done steps and h (optional steps)."""

from __future__ import annotations

import asyncio

import pytest

from tests.tui.helpers import at, loaded, wait_for
from tracker.tui.screens.learning_path import LearningPathScreen
from tracker.tui.widgets.node_list import NodeList

EXTRAS = """\
list: {id: extras, title: Extras, file: extras.md}
nodes:
  - {id: helpful-video, kind: video, title: A helpful video on the basics, topics: [basics], supplementary: true,
     sources: [{list: extras.md, line: 1, order: 1}]}
"""


@pytest.fixture(autouse=True)
def with_extras(graph_dir):
    (graph_dir / "extras.yaml").write_text(EXTRAS, encoding="utf-8")


def prompts(node_list) -> dict[str, str]:
    return {o.id: str(o.prompt) for o in node_list._options}


def test_path_says_why_folds_done_steps_and_h_shows_the_optional_ones(make_app, store):
    store.mark("perceptron", "read", at=at(1))

    async def main():
        app = make_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("transformer")
            await wait_for(pilot, lambda: app.selected == "transformer")
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, LearningPathScreen))
            steps = app.screen.query_one(NodeList)
            assert [o.id for o in steps._options] == ["backprop", "markup-title", "ansi-title", "transformer"]
            heading = str(app.screen.query_one("#path-heading").render())
            assert heading == ("Learning path to Attention Is All You Need  4 steps, about 5h 15m, 0 done"
                               " · 1 optional hidden (h shows them)")
            assert str(app.screen.query_one("#path-done").render()) == "✓ 1 done before: The Perceptron"
            rows = prompts(steps)
            assert rows["markup-title"].endswith("30m\n       Basics come first — for Attention Is All You Need,"
                                                 " via Basics")
            assert rows["transformer"].endswith("\n       your target")
            await pilot.press("h")
            await wait_for(pilot, lambda: "helpful-video" in prompts(steps))
            assert "optional steps shown (h hides them)" in str(app.screen.query_one("#path-heading").render())
            await pilot.press("h")
            await wait_for(pilot, lambda: "helpful-video" not in prompts(steps))

    asyncio.run(main())


def test_O_makes_a_core_item_optional_in_the_queue_and_back(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("n")
            await wait_for(pilot, lambda: app.current_mode == "next" and app.screen.query(NodeList))
            ready = app.screen.query_one(NodeList)
            await wait_for(pilot, lambda: ready.option_count > 0)
            heading = str(app.screen.query_one("#next-heading").render())
            assert heading == "Next up  5 ready"
            assert prompts(ready)["helpful-video"].endswith("supplementary to Basics")
            assert app.selected == "perceptron"
            await pilot.press("O")
            await wait_for(pilot, lambda: store.roles() == {"perceptron": "optional"})
            await wait_for(pilot, lambda: "optional (your choice)" in prompts(ready).get("perceptron", ""))
            # optional rows come after the core ones
            assert [o.id for o in ready._options][-2:] == ["perceptron", "helpful-video"]
            ready.highlighted = [o.id for o in ready._options].index("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await pilot.press("O")  # back to what the list says: the choice is cleared
            await wait_for(pilot, lambda: store.roles() == {})
            await wait_for(pilot, lambda: [o.id for o in ready._options][0] == "perceptron")

    asyncio.run(main())
