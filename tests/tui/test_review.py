"""Review mode through the real app: a whole session on real widgets and a real database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.tui.helpers import at, loaded, settle, wait_for
from tracker.review import cards
from tracker.tui.screens.review import ReviewScreen


def shown(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


def test_a_full_review_session_reveals_rates_undoes_and_counts(make_app, store):
    cards.add(store, ["perceptron", "backprop"], at(10))
    store.add_note("backprop", "Q: why does the chain rule make this cheap?\none backward pass")

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("w")
            await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
            assert "2 due today, 2 this week" in shown(app, "review-counts")
            # backprop and perceptron were added at the same time: by id, backprop first
            assert "Q: why does the chain rule make this cheap?" in shown(app, "review-front")
            assert shown(app, "review-back") == ""
            await pilot.press("3")  # rating before the answer is shown does nothing
            await settle(pilot)
            assert cards.log(store) == []
            await pilot.press("space")
            back = shown(app, "review-back")
            assert "one backward pass" in back and "Backprop trains multilayer perceptrons" in back
            await pilot.press("3")
            await settle(pilot)
            assert "Good: next review in 10 min" in shown(app, "review-said")
            assert "What problem does this paper solve, and how?" in shown(app, "review-front")  # perceptron
            await pilot.press("u")
            await settle(pilot)
            assert "undid Good" in shown(app, "review-said")
            assert "chain rule" in shown(app, "review-front")  # backprop again
            await pilot.press("space", "1")
            await settle(pilot)
            await pilot.press("space", "4")
            await settle(pilot)
            assert "Nothing left to review: 2 reviewed" in shown(app, "review-front")
            assert "1 due today, 1 this week" in shown(app, "review-counts")  # backprop: Again, back in a minute
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, ReviewScreen))

    asyncio.run(main())
    log = cards.log(store)
    assert [(e.node_id, e.rating, e.undoes is not None) for e in log] == [
        ("backprop", 3, False), ("backprop", None, True), ("backprop", 1, False), ("perceptron", 4, False)]
    assert cards.card(store, "perceptron").due == at(14) + timedelta(days=8)  # fsrs: Easy on a new card


def test_marking_read_offers_review_and_a_adds_it(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await pilot.press("r")
            await settle(pilot)
            said = [n.message for n in app._notifications]
            assert "review The Perceptron later? a adds it to review" in said
            await pilot.press("a")
            await settle(pilot)
            assert [n.message for n in app._notifications][-1] == "The Perceptron: added to review"

    asyncio.run(main())
    assert [c.node_id for c in cards.cards(store)] == ["perceptron"]


def test_details_and_dashboard_show_the_three_tracks(make_app, store):
    store.mark("perceptron", "read")
    cards.add(store, ["perceptron"], at(10))

    async def main():
        app = make_app()
        async with app.run_test(size=(140, 50)) as pilot:
            await loaded(pilot)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            from tracker.tui.widgets.node_details import NodeDetails as Pane

            pane = app.screen.query_one(Pane)
            await wait_for(pilot, lambda: "mastery" in pane_text(pane))
            assert "read ✓ · no implementation · recall 0% (due for review)" in pane_text(pane)
            await pilot.press("d")
            await wait_for(pilot, lambda: "recalled" in shown(app, "mastery"))
            assert "Basics  read 1/4 · implemented 0/1 · recalled 0/1  recall 0%" in shown(app, "mastery")

    asyncio.run(main())


def pane_text(pane) -> str:
    return " ".join(str(w.render()) for w in pane.query("Static"))


def test_the_tree_shows_a_topics_mean_recall_and_redraws_it_after_a_rating(make_app, store):
    from tests.tui.helpers import row_labels
    from tracker.tui.widgets.topic_tree import TopicTree

    cards.add(store, ["perceptron"], at(10))

    async def main():
        app = make_app()
        async with app.run_test(size=(140, 50)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            assert any(label.strip().startswith("Basics  0/4  recall 0%") for label in row_labels(tree))
            assert not any("Classics" in label and "recall" in label for label in row_labels(tree))
            await pilot.press("w")
            await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
            await pilot.press("space", "4")
            await settle(pilot)
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, ReviewScreen))
            await wait_for(pilot, lambda: any("Basics  0/4  recall 100%" in label for label in row_labels(tree)))

    asyncio.run(main())


def test_the_plan_view_replans_when_an_item_is_marked(make_app, store):
    from tracker.tui.screens.plan import PlanScreen

    async def main():
        app = make_app()
        async with app.run_test(size=(140, 50)) as pilot:
            await loaded(pilot)
            app.action_plan()
            await wait_for(pilot, lambda: isinstance(app.screen, PlanScreen))
            first = shown(app, "plan")
            assert "Week 1 (from 2024-03-11)" in first and "Read The Perceptron (2h 00m)" in first
            assert "5 hours a week" in first
            store.mark("perceptron", "read")  # marked elsewhere: the app's database watch notices
            await wait_for(pilot, lambda: "Read The Perceptron" not in shown(app, "plan"))
            assert "Read Learning representations by back-propagating errors" in shown(app, "plan")

    asyncio.run(main())
