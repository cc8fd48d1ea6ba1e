"""The dashboard's figures from fixed data: totals, per-topic bars, reads per week, streak, code."""

from __future__ import annotations

import asyncio

from textual.widgets import Sparkline

from tests.tui.helpers import loaded, seed, wait_for


def rendered(renderable, width: int = 126) -> str:
    import io

    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text().rstrip("\n")


def test_dashboard_figures(make_app, store):
    seed(store)

    async def main():
        app = make_app()
        async with app.run_test(size=(130, 45)) as pilot:
            await loaded(pilot)
            await pilot.press("d")
            await wait_for(pilot, lambda: app.current_mode == "dashboard" and hasattr(app.screen, "figures"))
            screen = app.screen
            text = lambda wid: str(screen.query_one(wid).render())  # noqa: E731
            assert "3 of 8 read (38%)   1 skipped · 1 reading" in text("#overall")  # done means read
            figures = text("#figures")
            assert "Streak    2 days" in figures
            assert "Implemented  1 of 3 linked implementations pass their tests" in figures
            assert figures.endswith("Notes  1")
            assert screen.query_one(Sparkline).data == [0, 0, 0, 0, 0, 0, 1, 2]
            assert text("#weeks").startswith("W04 0    W05 0")
            assert text("#weeks").endswith("W10 1    W11 2     3 reads in 8 weeks")
            bars = rendered(screen.query_one("#topic-bars").content).splitlines()
            assert [line.split() for line in bars] == [
                ["Course", "█" * 7 + "░" * 17, "2/7", "+1", "skipped", "·", "1", "reading"],
                ["Basics", "█" * 12 + "░" * 12, "2/4", "+1", "skipped", "·", "1", "reading"],
                ["Advanced", "░" * 24, "0/3"], ["Classics", "█" * 24, "1/1"]]
            assert bars[1].startswith("  Basics")  # sub-topics indented under their topic
            assert rendered(screen.query_one("#list-bars").content).split() == [
                "Course", "█" * 8 + "░" * 16, "2/6", "+1", "skipped"]  # items cited by course.md

    asyncio.run(main())
