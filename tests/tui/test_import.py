"""Importing a reading list from the TUI: the same report as ``tracker import``, then the graph reloads."""

from __future__ import annotations

import asyncio

from textual.widgets import Button, Input, RichLog

from tests.tui.helpers import loaded, settle, wait_for
from tracker.config import user_lists_dir

LIST = """# My Plan

## Classics

- [x] [The Perceptron](https://example.org/perceptron)
- **Gradient-Based Learning Applied to Document Recognition** (1998), Y. LeCun et al. [[pdf]](https://example.org/lenet.pdf)
- [[bold red]x[/] a hostile title](https://example.org/hostile)
"""


def _report_text(screen) -> str:
    """The report as one line of text (the log wraps long lines at spaces)."""
    return " ".join(" ".join(strip.text for strip in screen.query_one("#import-report", RichLog).lines).split())


def test_preview_then_import_writes_the_layer_marks_checked_items_and_reloads(make_app, tmp_path, store):
    listing = tmp_path / "my-plan.md"
    listing.write_text(LIST, encoding="utf-8")

    async def main():
        app = make_app()
        async with app.run_test(size=(140, 45)) as pilot:
            await loaded(pilot)
            app.import_list()
            await wait_for(pilot, lambda: app.screen.query("#import-path"))
            screen = app.screen
            screen.query_one("#import-path", Input).value = str(listing)
            await pilot.press("enter")
            await wait_for(pilot, lambda: "3 entries" in _report_text(screen))
            report = _report_text(screen)
            assert "The Perceptron → merged into" in report
            assert "[bold red]x[/] a hostile title" in report  # literal, not markup
            assert not (user_lists_dir() / "my-plan.yaml").exists()  # a preview writes nothing
            assert not screen.query_one("#import", Button).disabled
            await pilot.click("#import")
            await wait_for(pilot, lambda: app.screen is not screen)
            await wait_for(pilot, lambda: any(n.title.startswith("Gradient-Based")
                                              for n in app.session.graph.nodes.values()))
            await settle(pilot)
        return app

    asyncio.run(main())
    assert (user_lists_dir() / "my-plan.yaml").is_file()
    assert store.statuses().get("perceptron") == "read"  # "- [x]" marks the merged node read


def test_a_missing_file_says_so_and_writes_nothing(make_app, tmp_path):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.import_list()
            await wait_for(pilot, lambda: app.screen.query("#import-path"))
            screen = app.screen
            screen.query_one("#import-path", Input).value = str(tmp_path / "nope.md")
            await pilot.press("enter")
            await wait_for(pilot, lambda: "no such file" in _report_text(screen))
            assert screen.query_one("#import", Button).disabled

    asyncio.run(main())
    assert not user_lists_dir().exists() or not any(user_lists_dir().iterdir())
