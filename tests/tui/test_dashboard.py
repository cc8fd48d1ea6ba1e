"""The dashboard's figures from fixed data: totals, per-topic bars, reads per week, streak, code."""

from __future__ import annotations

import asyncio

from textual.widgets import Sparkline

from tests.tui.helpers import loaded, seed, wait_for


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
            assert "4 of 8 done (50%)   3 read · 1 skipped · 1 reading" in text("#overall")
            figures = text("#figures")
            assert "Streak    2 days" in figures
            assert "Implemented  1 of 3 linked implementations pass their tests" in figures
            assert figures.endswith("Notes  1")
            assert screen.query_one(Sparkline).data == [0, 0, 0, 0, 0, 0, 1, 2]
            assert text("#weeks").startswith("W04 0    W05 0")
            assert text("#weeks").endswith("W10 1    W11 2     3 reads in 8 weeks")
            bars = text("#topic-bars").splitlines()
            # title column (34), bar (24), then the counts
            assert [(line[:34].strip(), line[35:59].count("█"), line[59:].split()) for line in bars] == [
                ("Course", 10, ["3/7", "1", "reading"]), ("Basics", 18, ["3/4", "1", "reading"]),
                ("Advanced", 0, ["0/3"]), ("Classics", 24, ["1/1"])]
            assert text("#list-bars").split() == ["Course", "█" * 12 + "░" * 12, "3/6"]  # items cited by course.md

    asyncio.run(main())
