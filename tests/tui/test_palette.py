"""The command palette: fuzzy node search that jumps, the app's commands, literal titles."""

from __future__ import annotations

import asyncio

from textual.command import CommandList, CommandPalette

from tests.tui.helpers import loaded, screen_text, wait_for
from tracker.tui.widgets.topic_tree import TopicTree


def prompts(app) -> list[str]:
    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def search(pilot, text: str, expect: str) -> None:
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*text)
    await wait_for(pilot, lambda: any(expect in p for p in prompts(pilot.app)))


def test_palette_finds_a_node_by_alias_and_jumps_to_it(make_app):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await search(pilot, "rosenblatt", "The Perceptron")
            assert prompts(app)[0].startswith("The Perceptron  paper")
            await pilot.press("down", "enter")
            tree = app.screen_stack[0].query_one(TopicTree)
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "perceptron")
            assert app.selected == "perceptron" and not isinstance(app.screen, CommandPalette)

    asyncio.run(main())


def test_palette_searches_authors_lists_commands_and_shows_titles_literally(make_app):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await search(pilot, "mallory", "not markup")
            expected = "[bold red]x[/] not markup  article\n[i]Mallory[/i] · markup-title, matched author"
            assert prompts(app)[0] == expected
            assert "[bold red]x[/] not markup" in screen_text(app)
            await pilot.press("escape")
            await search(pilot, "dashboard", "Dashboard")
            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: app.current_mode == "dashboard")

    asyncio.run(main())


def test_palette_mark_acts_on_the_highlighted_node_and_only_where_one_is_shown(make_app, store):
    from tests.tui.helpers import settle

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await search(pilot, "mark reading", "Mark reading")
            await pilot.press("enter")
            await settle(pilot)
            assert store.statuses() == {"perceptron": "reading"}
            await pilot.press("d")
            await wait_for(pilot, lambda: app.current_mode == "dashboard")
            await search(pilot, "mark read", "Mark read")
            await pilot.press("enter")
            await settle(pilot)
            assert store.statuses() == {"perceptron": "reading"}  # the dashboard shows no node: nothing marked
            assert any(n.message.startswith("no node is highlighted here") for n in app._notifications)

    asyncio.run(main())
