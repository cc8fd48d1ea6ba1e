"""The notes list (N) and wiki-links: recent first, by topic, open in the editor, follow links, backlinks."""

from __future__ import annotations

import asyncio

from textual.widgets import OptionList, Select

from tests.tui.helpers import loaded, wait_for
from tracker.tui.screens.notes import NotesScreen
from tracker.tui.screens.notes_list import NotesListScreen
from tracker.tui.widgets.node_details import NodeDetails, RelationList
from tracker.tui.widgets.topic_tree import TopicTree


def plain(option_list: OptionList) -> list[str]:
    return [option_list.get_option_at_index(i).prompt.plain for i in range(option_list.option_count)]


def test_notes_list_recent_first_filtered_by_topic_and_opened_in_the_editor(make_app, store):
    store.add_note("perceptron", "Perceptron first.\nThen see [[backprop]].")
    store.add_note("transformer", "Attention: trained as in [[Learning representations…]]; [[nowhere]] is no node")

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("N")
            await wait_for(pilot, lambda: isinstance(app.screen, NotesListScreen))
            screen = app.screen
            notes = screen.query_one("#notes-list", OptionList)
            await wait_for(pilot, lambda: notes.option_count == 2)
            rows = plain(notes)
            assert "Attention Is All You Need" in rows[0] and "Attention: trained" in rows[0]  # the latest first
            assert "The Perceptron" in rows[1] and "Perceptron first." in rows[1]
            links = screen.query_one("#note-links", OptionList)
            assert plain(links) == ["show in the tree  Attention Is All You Need",
                                    "links to  Learning representations by back-propagating errors",
                                    "no such node  [[nowhere]]"]
            assert app.selected == "transformer"  # the node keys act on the highlighted note's node

            select = screen.query_one("#notes-topic", Select)
            assert ("Basics (1)", "basics") in [(str(p), v) for p, v in select._options]
            select.value = "basics"
            await wait_for(pilot, lambda: notes.option_count == 1)
            assert "The Perceptron" in plain(notes)[0]

            notes.focus()
            await pilot.press("enter")  # exactly this note, in the editor
            await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))
            assert app.screen.editor.text == "Perceptron first.\nThen see [[backprop]]."
            app.screen.editor.move_cursor((0, 0))
            await pilot.press(*"Edited. ")
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, NotesListScreen))
            await wait_for(pilot, lambda: "Edited. Perceptron first." in plain(notes)[0])
            assert [n.body for n in store.notes(["perceptron"])] == ["Edited. Perceptron first.\nThen see [[backprop]]."]

            links.focus()
            links.highlighted = 1
            screen.reload()  # what a save here or another window's write does: the link the user is on stays
            await pilot.pause()
            assert links.highlighted == 1
            await pilot.press("enter")  # follow the wiki-link: the tree shows its node
            await wait_for(pilot, lambda: not isinstance(app.screen, NotesListScreen) and app.selected == "backprop")
            assert app.screen.query_one(TopicTree).cursor_node.data == "backprop"

    asyncio.run(main())


def test_details_show_a_notes_links_and_its_backlinks_and_enter_follows_them(make_app, store):
    store.add_note("perceptron", "Read next: [[Backprop]].")
    store.add_note("transformer", "Needs [[backprop]] and [[The Perceptron]]")

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            details = app.screen.query_one(NodeDetails)
            relations = details.query_one(RelationList)
            await wait_for(pilot, lambda: details.node_id == "backprop"
                           and any(r.kind == "mentioned" for r in relations.relations))
            mentioned = [(r.target, r.reason) for r in relations.relations if r.kind == "mentioned"]
            assert mentioned == [("perceptron", "in your notes on it: Read next: [[Backprop]]."),
                                 ("transformer", "in your notes on it: Needs [[backprop]] and [[The Perceptron]]")]
            store.add_note("lonely", "Someone else wrote: [[backprop]]")  # another process: the watch sees it
            await wait_for(pilot, lambda: "lonely" in [r.target for r in relations.relations if r.kind == "mentioned"])
            app.jump_to("transformer")
            await wait_for(pilot, lambda: details.node_id == "transformer"
                           and any(r.kind == "links to" for r in relations.relations))
            assert [r.target for r in relations.relations if r.kind == "links to"] == ["backprop", "perceptron"]
            index = next(i for i, r in enumerate(relations.relations) if r.kind == "links to")
            relations.focus()
            relations.highlighted = index
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.selected == "backprop")

    asyncio.run(main())
