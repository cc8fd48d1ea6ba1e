"""Next up (ranked like `tracker next`) and the learning path, both selectable."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import at, loaded, wait_for
from tracker.tui.screens.learning_path import LearningPathScreen
from tracker.tui.widgets.node_list import NodeList
from tracker.tui.widgets.topic_tree import TopicTree


def rows(node_list) -> list[str]:
    return [str(node_list.get_option_at_index(i).prompt) for i in range(node_list.option_count)]


def test_next_up_lists_ready_items_in_rank_order_and_follows_marks(make_app, store):
    store.mark("perceptron", "read", at=at(1))

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("n")
            await wait_for(pilot, lambda: app.current_mode == "next" and app.screen.query(NodeList))
            ready = app.screen.query_one(NodeList)
            await wait_for(pilot, lambda: ready.option_count == 4)
            assert rows(ready) == [  # each with why it is there; the course's items before the unfiled book
                "  1. [ ] Learning representations by back-propagating errors (David Rumelhart et al., 1986)  paper"
                "\n       next in Basics · has an implementation",
                "  2. [ ] [bold red]x[/] not markup ([i]Mallory[/i])  article\n       next in Basics",
                "  3. [ ] Escape red title  video\n       next in Basics",
                "  4. [ ] A book filed nowhere  book",
            ]
            assert str(app.screen.query_one("#next-heading").render()) == "Next up  4 ready"
            assert app.selected == "backprop"  # the highlight is the selection
            await pilot.press("r")  # marking here removes it from the list
            await wait_for(pilot, lambda: ready.option_count == 3)
            assert store.statuses()["backprop"] == "read"
            assert rows(ready)[0].startswith("  1. [ ] [bold red]x[/] not markup")
            await pilot.press("down", "down", "enter")  # jump to "A book filed nowhere"
            await wait_for(pilot, lambda: app.current_mode == "browse")
            tree = app.screen.query_one(TopicTree)
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "lonely")

    asyncio.run(main())


def test_learning_path_lists_unread_prerequisites_in_order_and_jumps(make_app, store):
    store.mark("markup-title", "read", at=at(1))

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("transformer")
            await wait_for(pilot, lambda: app.selected == "transformer")
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, LearningPathScreen))
            steps = app.screen.query_one(NodeList)
            assert [o.id for o in steps._options] == ["perceptron", "backprop", "ansi-title", "transformer"]
            heading = str(app.screen.query_one("#path-heading").render())
            assert heading == "Learning path to Attention Is All You Need  4 steps, about 6h 45m, 0 done"
            await pilot.press("s")  # skip the highlighted first step: it stays, marked
            await wait_for(pilot, lambda: "1 done" in str(app.screen.query_one("#path-heading").render()))
            assert rows(steps)[0].startswith("  1. [-] The Perceptron (Frank Rosenblatt, 1958)  paper  2h\n")
            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: not isinstance(app.screen, LearningPathScreen))
            tree = app.screen.query_one(TopicTree)
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "backprop")

    asyncio.run(main())
