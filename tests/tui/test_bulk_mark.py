"""Bulk marks (M): a topic's items, a multi-selection (space) or the filtered view, confirmed with the count;
one z undoes the whole batch, restoring every item's previous status."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import at, loaded, settle, wait_for
from tracker.tui.screens.bulk_mark import BulkMarkPicker
from tracker.tui.screens.confirm import ConfirmScreen
from tracker.tui.widgets.topic_tree import TopicTree

BASICS = ["perceptron", "backprop", "markup-title", "ansi-title"]


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def pick(pilot, index: int) -> list[str]:
    """Open the bulk mark picker, note its choices, take the one at ``index``."""
    app = pilot.app
    await pilot.press("M")
    await wait_for(pilot, lambda: isinstance(app.screen, BulkMarkPicker))
    choices = [f"{status} {scope.label}" for scope, status in app.screen.choices]
    await pilot.press(*["down"] * index, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    return choices


def question(app) -> str:
    return str(app.screen.query_one("#confirm-question").render())


def test_marking_a_topic_read_names_the_count_and_one_undo_restores_every_status(make_app, store):
    store.mark("perceptron", "read", at=at(1))
    store.mark("markup-title", "skipped", at=at(2))
    store.mark("ansi-title", "reading", at=at(3))
    before = {n: store.statuses().get(n, "unread") for n in BASICS}

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            app.jump_to("basics")
            await wait_for(pilot, lambda: app.selected == "basics")
            choices = await pick(pilot, 0)
            assert choices == ["read the 4 items of Basics", "skipped the 4 items of Basics"]
            assert question(app).startswith("Mark 3 items read?\n\nThe 4 items of Basics: 1 already read, "
                                            "left as it is.")
            await pilot.press("y")
            await settle(pilot)
            assert {n: store.statuses()[n] for n in BASICS} == dict.fromkeys(BASICS, "read")
            assert [r.label.plain for r in tree._rows["basics"]] == ["Basics  4/4"]
            assert messages(app)[-1] == "3 marked read: the 4 items of Basics   (z undoes all of them)"

            await pilot.press("z")  # one undo for the batch
            await settle(pilot)
            assert {n: store.statuses().get(n, "unread") for n in BASICS} == before
            assert [r.label.plain for r in tree._rows["basics"]] == ["Basics  1/4 +1 skipped"]
            assert messages(app)[-1] == "undone: the 3 items of the bulk mark are as they were (the 4 items of Basics)"
            app.switch_mode("dashboard")  # the palette's "Bulk mark" goes back to the tree and offers the same
            await wait_for(pilot, lambda: app.current_mode == "dashboard")
            app.action_bulk_mark()
            await wait_for(pilot, lambda: isinstance(app.screen, BulkMarkPicker))
            assert app.screen.choices[0][0].label == "the 4 items of Basics"
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, BulkMarkPicker))
            await pilot.press("z")  # the batch was one entry: nothing of this window's is left
            await settle(pilot)
            assert messages(app)[-1].startswith("nothing to undo in this window")
            assert {n: store.statuses().get(n, "unread") for n in BASICS} == before

    asyncio.run(main())


def test_a_multi_selection_shows_its_rows_and_is_marked_skipped(make_app, store):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await pilot.press("space", "down", "down")  # select the perceptron, skip backprop
            await wait_for(pilot, lambda: app.selected == "markup-title")
            await pilot.press("space")
            assert tree.chosen == {"perceptron", "markup-title"}
            assert tree._rows["perceptron"][0].label.plain == "● [ ] The Perceptron  paper"
            assert tree._rows["backprop"][0].label.plain.startswith("[ ] Learning")
            assert tree.border_subtitle == "2 selected"
            await pilot.press("space")  # space again unselects
            await pilot.press("space")
            assert tree.chosen == {"perceptron", "markup-title"}
            choices = await pick(pilot, 1)
            assert choices[:2] == ["read the 2 items selected", "skipped the 2 items selected"]
            assert question(app).startswith("Mark 2 items skipped?\n\nThe 2 items selected.")
            await pilot.press("y")
            await settle(pilot)
            assert store.statuses() == {"perceptron": "skipped", "markup-title": "skipped"}
            assert tree.chosen == set() and tree.border_subtitle == ""
            assert tree._rows["perceptron"][0].label.plain == "[-] The Perceptron  paper"

    asyncio.run(main())


def test_the_filtered_view_and_a_batch_changed_elsewhere_before_its_undo(make_app, store):
    store.mark("perceptron", "read", at=at(1))

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("f")  # hide done: the view scope is what the tree shows
            tree = app.screen.query_one(TopicTree)
            await wait_for(pilot, lambda: tree.filter.hide_done)
            choices = await pick(pilot, 3)
            assert choices == ["read the 6 items of Course, hiding read/skipped",
                               "skipped the 6 items of Course, hiding read/skipped",
                               "read the 7 items shown (hiding read/skipped)",  # the book filed nowhere too
                               "skipped the 7 items shown (hiding read/skipped)"]
            assert question(app).startswith("Mark 7 items skipped?")
            await pilot.press("n")  # no: nothing is written
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
            assert store.statuses() == {"perceptron": "read"}
            await pick(pilot, 2)
            await pilot.press("y")
            await settle(pilot)
            assert set(store.statuses().values()) == {"read"} and len(store.statuses()) == 8

            store.mark("backprop", "reading")  # another window changes one of them
            await pilot.press("z")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            text = question(app)
            assert "Since then 1 of them were changed elsewhere" in text
            assert "Learning representations by back-propagating errors: reading" in text
            await pilot.press("n")  # keep: nothing written, the batch stays undoable
            await settle(pilot)
            assert store.statuses()["backprop"] == "reading" and store.statuses()["transformer"] == "read"
            await pilot.press("z")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await settle(pilot)
            assert {n: s for n, s in store.statuses().items() if s != "unread"} == {"perceptron": "read"}

    asyncio.run(main())
