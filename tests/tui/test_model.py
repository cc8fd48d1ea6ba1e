"""The TUI's UI-free parts: the graph view, the session (marks, undo, notes), settings and keymaps."""

from __future__ import annotations

import argparse
import json

from tests.tui.helpers import TODAY, at
from tracker.cli.context import Context
from tracker.graph import queries
from tracker.tui.session import Session
from tracker.tui.settings import keymap_path, load_keymap, load_settings, save_settings, settings_path
from tracker.tui.viewmodel import UNFILED, Filter


def session_for(graph_dir, db_path, impl_root) -> Session:
    ctx = Context(argparse.Namespace(graph_data=str(graph_dir), db=str(db_path), json=False))
    session = Session(ctx, impl_root)
    session.load()
    return session


def test_view_structure_filters_and_paths(graph_dir, db_path, impl_root):
    s = session_for(graph_dir, db_path, impl_root)
    view = s.view
    assert view.roots() == ["course", UNFILED]
    assert view.children(UNFILED) == ["lonely"]
    assert view.children("basics") == ["perceptron", "backprop", "markup-title", "ansi-title"]
    counts = view.counts("course", {"perceptron": "read", "backprop": "reading", "markup-title": "skipped"})
    assert (counts.read, counts.reading, counts.skipped, counts.total) == (1, 1, 1, 7)
    assert view.children("course") == ["basics", "advanced", "classics"]
    assert view.kinds() == [("paper", 3), ("code", 2), ("article", 1), ("book", 1), ("video", 1)]
    progress = {"perceptron": "read", "markup-title": "skipped"}
    assert view.visible_children("basics", progress, Filter(hide_done=True)) == ["backprop", "ansi-title"]
    assert view.visible_children("course", progress, Filter(kind="video")) == ["basics"]
    assert view.visible_children("course", progress, Filter(kind="book")) == []
    assert view.path_to("transformer") == ["course", "advanced"]
    assert view.path_to("backprop") == ["course", "basics"]  # first parent in source order
    assert view.path_to("lonely") == [UNFILED]
    assert view.affected_topics(["backprop"]) == {"basics", "classics", "course"}


def test_relations_list_prerequisites_dependents_related_and_links(graph_dir, db_path, impl_root):
    s = session_for(graph_dir, db_path, impl_root)
    rels = [(r.kind, r.target, r.reason, r.via) for r in s.view.relations("backprop", {})]
    assert rels == [
        ("requires", "perceptron", "Backprop trains multilayer perceptrons", ""),
        ("needed by", "transformer", "Trained end to end with backprop", ""),
        ("link", "https://example.org/backprop", "", ""),
        ("link", "javascript:alert(1)", "", ""),
        ("link", "https://example.org/backprop-notes", "", ""),
    ]
    inherited = [(r.kind, r.target, r.via) for r in s.view.relations("hanging", {})]
    assert inherited == [("inherited", "basics", "Advanced")]


def test_session_marks_undo_and_refuses_topics(graph_dir, db_path, impl_root, store):
    s = session_for(graph_dir, db_path, impl_root)
    assert s.mark("perceptron", "reading").to_status == "reading"
    assert s.mark("perceptron", "read").from_status == "reading"
    assert s.mark("perceptron", "read") is None
    assert store.statuses() == {"perceptron": "read"}
    undone = s.undo()
    assert undone.changed and undone.mark.node_id == "perceptron" and undone.since is None
    assert s.progress["perceptron"] == "reading" and store.statuses() == {"perceptron": "reading"}
    try:
        s.mark("basics", "read")
    except Exception as err:
        assert "topic" in str(err)
    else:
        raise AssertionError("a topic with items was marked")


def test_session_notes_create_on_first_text_then_update(graph_dir, db_path, impl_root, store):
    s = session_for(graph_dir, db_path, impl_root)
    blank = s.editable_note("backprop")
    assert (blank.uid, blank.body, blank.updated_at) == (None, "", None)
    assert s.save_note(blank, "   ") == blank
    first = s.save_note(blank, "first")
    more = s.save_note(first, "first, then more")
    assert more.uid == first.uid and more.updated_at > first.updated_at
    assert [(n.uid, n.body) for n in store.notes(["backprop"])] == [(first.uid, "first, then more")]
    assert s.editable_note("backprop") == more


def test_session_queries_match_the_core(graph_dir, db_path, impl_root, store):
    s = session_for(graph_dir, db_path, impl_root)
    assert s.ready() == ["perceptron", "markup-title", "ansi-title", "lonely"]  # a course topic's items first
    assert s.ready() == queries.ready(s.graph, {}, limit=50)
    assert s.plan("transformer") == ["perceptron", "backprop", "markup-title", "ansi-title", "transformer"]
    store.mark("perceptron", "read", at=at(13))
    store.mark("lonely", "read", at=at(6))
    s.progress = {"perceptron": "read", "lonely": "read"}
    data = s.dashboard(TODAY)
    assert data["totals"] == {"read": 2, "reading": 0, "skipped": 0, "total": 8}
    assert data["streak_days"] == 2 - 1  # 13 March only: 12 March has no read
    assert [w["reads"] for w in data["weekly_reads"]][-2:] == [1, 1]
    assert data["implementations_linked"] == 3 and data["implemented"] == []


def test_implementation_lookup_explains_what_is_missing(graph_dir, db_path, impl_root):
    s = session_for(graph_dir, db_path, impl_root)
    assert s.implementation("backprop")[0] == "tiny"
    for node_id, words in (("transformer", "Too big for a laptop"), ("missing-code", "'ghost' is not installed"),
                           ("perceptron", "no linked implementation")):
        try:
            s.implementation(node_id)
        except Exception as err:
            assert words in str(err)
        else:
            raise AssertionError(node_id)


def test_settings_round_trip_and_keymap_problems(tmp_path):
    assert load_settings() == {}
    save_settings(theme="nord")
    save_settings(other=1)
    assert json.loads(settings_path().read_text()) == {"other": 1, "theme": "nord"}
    assert settings_path().parent == tmp_path / "data"
    keymap_path().write_text('mark_read = "R"\nnot_a_binding = "x"\nundo = 3\n')
    keymap, problems = load_keymap({"mark_read", "undo"})
    assert keymap == {"mark_read": "R"}
    assert len(problems) == 2 and "not_a_binding" in problems[0] and "undo" in problems[1]
    keymap_path().write_text("[keymap]\nundo = 'ctrl+z'\n")
    assert load_keymap({"undo"}) == ({"undo": "ctrl+z"}, [])
    keymap_path().write_text("this is not toml")
    assert load_keymap({"undo"})[1][0].startswith(str(keymap_path()))
