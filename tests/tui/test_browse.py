"""Browsing: the lazy DAG tree with counts, filters, the details pane, jumping and links."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.tui.helpers import at, loaded, row_labels, wait_for
from tracker.tui.widgets.node_details import LinkList, NodeDetails, RelationList
from tracker.tui.widgets.topic_tree import TopicTree


def browse(app):
    return app.screen_stack[0]


async def wait_for_picker(pilot):
    from tracker.tui.screens.kind_picker import KindPicker

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, KindPicker))
    return pilot.app.screen


def test_tree_expands_lazily_and_shows_an_item_under_each_of_its_topics(make_app, store):
    store.mark("perceptron", "read", at=at(1))

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            assert row_labels(tree) == ["Course  1/7", "Not filed under a topic  0/1"]
            course = tree.root.children[0]
            assert len(course.children) == 0  # nothing built before it is opened
            await pilot.press("enter")  # the cursor starts on Course
            await wait_for(pilot, lambda: course.is_expanded)
            await pilot.press("down", "enter", "down", "down", "down", "down", "down", "enter")
            await pilot.press("down", "down", "down", "down", "enter")
            await wait_for(pilot, lambda: all(c.is_expanded for c in course.children))
            assert row_labels(tree) == [
                "Course  1/7",
                "  Basics  1/4",
                "    [x] The Perceptron  paper",
                "    [ ] Learning representations by back-propagating errors  paper",
                "    [ ] [bold red]x[/] not markup  article",
                "    [ ] Escape red title  video",
                "  Advanced  0/3",
                "    [ ] Attention Is All You Need  paper",
                "    [ ] A demo that never ends  code",
                "    [ ] Code that is not installed  code",
                "  Classics  0/1",
                "    [ ] Learning representations by back-propagating errors  paper",
                "Not filed under a topic  0/1",
            ]
            assert len(tree._rows["backprop"]) == 2

    asyncio.run(main())


def test_filters_hide_finished_items_and_other_kinds(make_app, store):
    store.mark("perceptron", "read", at=at(1))
    store.mark("markup-title", "skipped", at=at(1))

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "perceptron")
            await pilot.press("f")
            await pilot.pause()
            assert row_labels(tree) == [
                "Course  1/7 +1 skipped",
                "  Basics  1/4 +1 skipped",
                "    [ ] Learning representations by back-propagating errors  paper",
                "    [ ] Escape red title  video",
                "  Advanced  0/3",
                "  Classics  0/1",
                "Not filed under a topic  0/1",
            ]
            assert tree.border_subtitle == "hiding read/skipped"
            await pilot.press("f", "K")  # done shown again; the kind picker lists the kinds present
            picker = await wait_for_picker(pilot)
            options = picker.query_one("#kind-options")
            assert [str(options.get_option_at_index(i).prompt).split() for i in range(options.option_count)] == [
                ["●", "every", "kind", "8"], ["paper", "3"], ["code", "2"], ["article", "1"], ["book", "1"],
                ["video", "1"]]
            await pilot.press("down", "down", "down", "enter")  # article
            await wait_for(pilot, lambda: tree.filter.kind == "article")
            assert not tree.filter.hide_done
            assert row_labels(tree) == ["Course  1/7 +1 skipped", "  Basics  1/4 +1 skipped",
                                        "    [-] [bold red]x[/] not markup  article"]
            await pilot.press("K")
            picker = await wait_for_picker(pilot)
            await pilot.press("down", "enter")  # book: only the unfiled one
            await wait_for(pilot, lambda: tree.filter.kind == "book")
            assert row_labels(tree) == ["Not filed under a topic  0/1"]
            await pilot.press("K")
            await wait_for_picker(pilot)
            await pilot.press("escape")  # closing the picker changes nothing
            await pilot.pause()
            assert tree.filter.kind == "book"
            await pilot.press("K")
            await wait_for_picker(pilot)
            await pilot.press("home", "enter")  # every kind again: the way back
            await wait_for(pilot, lambda: tree.filter.kind is None)
            assert row_labels(tree)[0] == "Course  1/7 +1 skipped"

    asyncio.run(main())


def test_details_show_facts_status_dates_relations_code_and_notes(make_app, store):
    store.mark("perceptron", "read", at=at(1))
    store.mark("backprop", "reading", at=at(2))
    store.mark("backprop", "read", at=at(5))
    store.add_note("backprop", "# Heading\n\nA **bold** idea with [red]literal[/] brackets")
    run_id = store.start_run("backprop", "tiny", "demo")
    store.finish_run(run_id, outcome="passed", exit_code=0, verdict="reproduced")

    async def main():
        app = make_app()
        async with app.run_test(size=(140, 50)) as pilot:
            await loaded(pilot)
            app.jump_to("backprop")
            details = app.screen.query_one(NodeDetails)
            await wait_for(pilot, lambda: details.node_id == "backprop")
            text = lambda wid: str(details.query_one(wid).render())  # noqa: E731
            assert text("#details-title") == "Learning representations by back-propagating errors"
            facts = text("#details-facts")
            assert "paper  1986  id backprop" in facts
            assert "read  started 2024-03-02  finished 2024-03-05" in facts
            assert "David Rumelhart, Geoffrey Hinton, Ronald Williams" in facts
            assert "from     course.md:4" in facts and "topics   Basics, Classics" in facts
            rel = details.query_one(RelationList)
            lines = [str(rel.get_option_at_index(i).prompt) for i in range(rel.option_count)]
            assert lines == ["requires  [x] The Perceptron  Backprop trains multilayer perceptrons",
                             "needed by [ ] Attention Is All You Need  Trained end to end with backprop"]
            links = details.query_one(LinkList)
            assert [str(links.get_option_at_index(i).prompt) for i in range(links.option_count)] == [
                "link      https://example.org/backprop", "link      sneaky  javascript:alert(1)",
                "link      Lecture notes  https://example.org/backprop-notes"]
            # the links come right under the title, before the facts and relations
            assert links.region.y < details.query_one("#details-facts").region.y < rel.region.y
            code = text("#details-code")
            assert "implementations/tiny  Tiny demo" in code and "claim    loss falls below 0.25" in code
            assert "demo     verdict passed · claim reproduced · " in code and "last run" not in code
            assert "tests    never run (t)" in code
            notes = details.query_one("#details-notes")
            await wait_for(pilot, lambda: len(notes.children) >= 2)
            assert "[red]literal[/]" in notes.source

    asyncio.run(main())


def fake_browser(tmp_path, monkeypatch, exit_code: int) -> Path:
    """$BROWSER set to a real program that writes down the URL it was given and exits with ``exit_code``."""
    import stat
    import webbrowser

    log = tmp_path / "browser.log"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexit {exit_code}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(script))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # webbrowser reads $BROWSER once: make it read ours
    monkeypatch.setattr(webbrowser, "_browsers", {})
    return log


def opened_urls(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def test_relations_jump_to_a_prerequisite_and_open_only_safe_links(make_app, tmp_path, monkeypatch):
    log = fake_browser(tmp_path, monkeypatch, exit_code=0)

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("transformer")
            tree = app.screen.query_one(TopicTree)
            await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "transformer")
            rel = app.screen.query_one(RelationList)
            rel.focus()
            await pilot.press("home", "enter")  # the first relation: requires backprop
            await wait_for(pilot, lambda: tree.cursor_node.data == "backprop")
            assert app.selected == "backprop" and tree.has_focus
            assert tree.path_of(tree.cursor_node) == ("course", "basics", "backprop")
            await pilot.press("o")
            await wait_for(pilot, lambda: any(n.message.startswith("opened") for n in app._notifications))
            assert opened_urls(log) == ["https://example.org/backprop"]
            links = app.screen.query_one(LinkList)
            links.focus()
            links.highlighted = 1  # javascript: link
            await pilot.press("enter")
            await pilot.pause()
            assert opened_urls(log) == ["https://example.org/backprop"]
            assert any("only http and https" in n.message for n in app._notifications)

    asyncio.run(main())


def test_open_with_no_browser_says_so_and_copies_the_link(make_app, tmp_path, monkeypatch):
    log = fake_browser(tmp_path, monkeypatch, exit_code=1)  # a browser that refuses, as on a headless server

    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("perceptron")
            await wait_for(pilot, lambda: app.selected == "perceptron")
            await pilot.press("o")
            await wait_for(pilot, lambda: any("clipboard" in n.message for n in app._notifications))
            assert opened_urls(log) == ["https://example.org/perceptron"]  # it was asked, and said no
            assert app.clipboard == "https://example.org/perceptron"
            messages = [n.message for n in app._notifications]
            assert not any(m.startswith("opened") for m in messages)
            assert any(m.startswith("no web browser found here: copied the link") for m in messages)

    asyncio.run(main())


def test_left_and_right_fold_and_unfold_the_tree(make_app):
    async def main():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.screen.query_one(TopicTree)
            course = tree.root.children[0]
            assert tree.cursor_node is course and not course.is_expanded
            await pilot.press("right")  # unfold
            await wait_for(pilot, lambda: course.is_expanded)
            await pilot.press("right")  # already open: down to the first child
            await wait_for(pilot, lambda: tree.cursor_node.data == "basics")
            await pilot.press("right", "right")
            await wait_for(pilot, lambda: tree.cursor_node.data == "perceptron")
            await pilot.press("right")  # an item: nothing to unfold
            await pilot.press("left")  # up to the parent
            await wait_for(pilot, lambda: tree.cursor_node.data == "basics")
            assert tree.cursor_node.is_expanded
            await pilot.press("left")  # fold it
            await wait_for(pilot, lambda: not tree.cursor_node.is_expanded)
            await pilot.press("left", "left")  # up to Course, then fold it
            await wait_for(pilot, lambda: tree.cursor_node is course and not course.is_expanded)

    asyncio.run(main())


MANY = "\n".join(
    ["list: {id: many, title: Many, file: many.md}", "nodes:", "  - {id: base, kind: topic, title: Base}",
     "  - {id: hub, kind: paper, title: The hub, topics: [base], url: 'https://example.org/hub'}"]
    + [f"  - {{id: d{i:02d}, kind: paper, title: Dependent {i:02d}, topics: [base], "
       f"requires: [{{id: hub, reason: needs the hub}}]}}" for i in range(12)])


def test_a_long_relations_list_shows_its_first_rows_then_a_more_row(tmp_path, db_path, impl_root):
    import argparse

    from tracker.cli.context import Context
    from tracker.tui.app import TrackerApp

    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "many.yaml").write_text(MANY, encoding="utf-8")
    ctx = Context(argparse.Namespace(graph_data=str(folder), db=str(db_path), json=False))

    async def main():
        app = TrackerApp(ctx, implementations_root=impl_root, clock=lambda: at(14))
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.jump_to("hub")
            details = app.screen.query_one(NodeDetails)
            await wait_for(pilot, lambda: details.node_id == "hub")
            rel = details.query_one(RelationList)
            prompts = [str(rel.get_option_at_index(i).prompt) for i in range(rel.option_count)]
            assert len(prompts) == RelationList.SHOWN + 1
            assert prompts[0].startswith("needed by [ ] Dependent 00")
            assert prompts[-1] == "+4 more (Enter shows them)"
            assert rel.region.height == RelationList.SHOWN + 1  # sized to its rows: code and notes stay close
            rel.focus()
            rel.highlighted = RelationList.SHOWN
            await pilot.press("enter")
            await wait_for(pilot, lambda: rel.option_count == 12)
            assert str(rel.get_option_at_index(11).prompt).startswith("needed by [ ] Dependent 11")
            assert rel.highlighted == RelationList.SHOWN  # the cursor stays where the "more" row was

    asyncio.run(main())
