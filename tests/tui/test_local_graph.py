"""The local graph (G): the highlighted node's neighbourhood drawn as a tree; Enter jumps, marks work there."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import loaded, row_labels, settle, wait_for
from tracker.tui.screens.browse import BrowseScreen
from tracker.tui.screens.local_graph import LocalGraphScreen
from tracker.tui.widgets.local_graph import LocalGraph
from tracker.tui.widgets.topic_tree import TopicTree


async def open_local_graph(pilot, node_id: str) -> LocalGraph:
    app = pilot.app
    app.jump_to(node_id)
    await wait_for(pilot, lambda: app.selected == node_id)
    await pilot.press("G")
    await wait_for(pilot, lambda: isinstance(app.screen, LocalGraphScreen))
    await pilot.pause()
    return app.screen.query_one(LocalGraph)


def test_the_local_graph_shows_requirements_and_dependents_with_reasons_and_jumps(make_app, store):
    store.mark("perceptron", "read")

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            graph = await open_local_graph(pilot, "backprop")
            assert graph.root.label.plain == "[ ] Learning representations by back-propagating errors  paper"
            assert row_labels(graph) == [
                "requires (read these first)  1",
                "  [x] The Perceptron  paper  — Backprop trains multilayer perceptrons",
                "needed by (these wait for it)  2",
                "  [ ] Attention Is All You Need  paper  — Trained end to end with backprop",
                # Advanced requires Basics, which backprop sits in
                "  Advanced  0/3  topic  — Basics come first  (via Basics)",
            ]
            perceptron = graph.root.children[0].children[0]
            assert perceptron.label.spans[0].style == "green"  # the status colour of a read item
            await pilot.press("down", "down")
            assert app.selected == "perceptron"
            await pilot.press("enter")  # jumps to the node in the tree
            await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen))
            tree = app.screen.query_one(TopicTree)
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "perceptron")
            assert app.selected == "perceptron"

    asyncio.run(main())


def test_marks_work_on_its_rows_and_g_recentres(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            graph = await open_local_graph(pilot, "backprop")
            await pilot.press("down", "down", "down", "down")
            assert app.selected == "transformer"
            await pilot.press("r")
            await settle(pilot)
            assert store.statuses()["transformer"] == "read"
            await wait_for(pilot, lambda: graph.root.children[1].children[0].label.plain.startswith("[x]"))
            await pilot.press("down")  # the Advanced topic: G centres on it
            await pilot.press("G")
            await wait_for(pilot, lambda: graph.root.data == "advanced")
            assert isinstance(app.screen, LocalGraphScreen) and len(app.screen_stack) == 2  # no second screen
            assert graph.root.label.plain == "Advanced  1/3  topic"
            assert row_labels(graph) == [
                "requires (read these first)  1",
                "  Basics  0/4  topic  — Basics come first",
                "needed by (these wait for it)  0",
                "  nothing",
            ]
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen))

    asyncio.run(main())


def test_list_text_is_shown_literally(make_app):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            graph = await open_local_graph(pilot, "markup-title")
            assert graph.root.label.plain == "[ ] [bold red]x[/] not markup  article"
            graph = await open_local_graph(pilot, "ansi-title")
            assert graph.root.label.plain == "[ ] Escape red title  video"  # no escape sequence reaches the screen

    asyncio.run(main())
