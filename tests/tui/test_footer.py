"""The footer lists the keys of what is on screen, in full at 140 columns, and "c Cancel run" during a run."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import loaded, screen_text, wait_for


def footer(app) -> str:
    return " ".join(screen_text(app).splitlines()[-1].split())


def test_footer_at_140_columns_shows_every_key_of_the_highlighted_item(make_app):
    async def main():
        app = make_app()
        async with app.run_test(size=(140, 45)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            await wait_for(pilot, lambda: app.selected == "backprop")
            await pilot.pause(0.3)
            assert footer(app) == ("r i s u Mark e Note o Open p Path x X t Run f Hide done K Kinds z Undo n Next "
                                   "d Stats l Runs w Review / Search ? Help q Quit")
            app.jump_to("perceptron")  # no implementation: no run keys
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await pilot.pause(0.3)
            assert "x X t Run" not in footer(app) and footer(app).startswith("r i s u Mark e Note o Open p Path f Hide")

    asyncio.run(main())


def test_cancel_run_is_in_the_footer_only_while_a_run_is_going(make_app):
    async def main():
        app = make_app()
        async with app.run_test(size=(140, 45)) as pilot:
            await loaded(pilot)
            app.jump_to("hanging")
            await wait_for(pilot, lambda: app.selected == "hanging")
            await pilot.pause(0.2)
            assert "Cancel run" not in footer(app)
            await pilot.press("x")
            await wait_for(pilot, lambda: app._active_run is not None)
            await pilot.pause(0.3)
            assert "c Cancel run" in footer(app)
            await pilot.press("c")
            await wait_for(pilot, lambda: app._active_run is None, timeout=30)
            await pilot.pause(0.3)
            assert "Cancel run" not in footer(app)

    asyncio.run(main())
