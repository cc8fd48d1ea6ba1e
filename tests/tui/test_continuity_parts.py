"""The plain parts behind back/forward, the remembered view and bulk scopes, without a screen."""

from __future__ import annotations

import json

import pytest

from tracker.graph.loader import load_graph
from tracker.tui.bulk import question, scopes
from tracker.tui.history import LIMIT, JumpHistory
from tracker.tui.view_state import ViewState, load_state, save_state, state_path
from tracker.tui.viewmodel import Filter, GraphView


def test_history_is_a_browser_history():
    jumps = JumpHistory()
    assert jumps.back("a") is None and not jumps.can_go_back
    jumps.visit("a", "b")
    jumps.visit("b", "c")
    assert jumps.entries == ["a", "b", "c"]
    assert jumps.back("c") == "b" and jumps.back("b") == "a" and jumps.back("a") is None
    assert jumps.forward("a") == "b"
    jumps.visit("b", "d")  # a jump drops what was ahead
    assert jumps.entries == ["a", "b", "d"] and not jumps.can_go_forward
    assert jumps.back("moved-by-hand") == "b"  # where you were replaces the page you jumped to
    assert jumps.forward("b") == "moved-by-hand"
    assert jumps.back("moved-by-hand", exists=lambda n: n != "b") == "a"  # a vanished node is skipped


def test_history_keeps_its_last_entries():
    jumps = JumpHistory()
    for i in range(LIMIT + 50):
        jumps.visit(None, f"n{i}")
    assert len(jumps.entries) == LIMIT and jumps.entries[-1] == f"n{LIMIT + 49}"
    assert jumps.back(f"n{LIMIT + 49}") == f"n{LIMIT + 48}"


def test_the_view_state_round_trips_atomically_and_reads_bad_files_as_none(tmp_path):
    state = ViewState(mode="next", open=(("a",), ("a", "b")), cursor=("a", "b", "c"), hide_done=True,
                      kind="video", by_topic=True, extra={"future": 1})
    save_state(state)
    assert load_state() == state and load_state().extra == {"future": 1} and load_state().by_topic
    assert [p.name for p in state_path().parent.iterdir()] == ["tui-state.json"]  # no temporary file left
    for text in ("", "[1, 2]", "{broken", json.dumps({"mode": "nonsense", "open": "x", "cursor": [1],
                                                        "hide_done": "yes", "kind": 3})):
        state_path().write_text(text)
        assert load_state() == ViewState()


def test_the_jump_history_is_kept_in_the_view_state_and_bad_parts_are_dropped():
    jumps = JumpHistory()
    for origin, target in (("a", "b"), ("b", "c")):
        jumps.visit(origin, target)
    jumps.back("c")
    save_state(ViewState(jumps=tuple(jumps.entries), jump_index=jumps.index))
    state = load_state()
    assert (state.jumps, state.jump_index) == (("a", "b", "c"), 1)
    again = JumpHistory(state.jumps, state.jump_index)
    assert again.forward("b") == "c" and again.back("c") == "b" and again.back("b") == "a"
    for jumps_value, index, expected in ((["a", 3], 0, ((), -1)), (["a", "b"], 7, (("a", "b"), 1)),
                                         (["a", "b"], True, (("a", "b"), 1)),
                                         ([f"n{i}" for i in range(250)], 249, (tuple(f"n{i}" for i in range(50, 250)), 199)),
                                         ([f"n{i}" for i in range(250)], 10, (tuple(f"n{i}" for i in range(50, 250)), 0))):
        state_path().write_text(json.dumps({"jumps": jumps_value, "jump_index": index}))
        state = load_state()
        assert (state.jumps, state.jump_index) == expected
        assert JumpHistory(state.jumps, state.jump_index).index == expected[1]


def test_a_failed_write_raises_oserror_and_leaves_no_temporary_file():
    state_path().mkdir(parents=True)  # a folder where the file should go: the rename fails, even for root
    with pytest.raises(OSError):
        save_state(ViewState(mode="run"))
    assert [p.name for p in state_path().parent.iterdir()] == ["tui-state.json"]
    assert load_state() == ViewState()


GRAPH = """\
nodes:
  - {id: course, kind: topic, title: Course}
  - {id: week-1, kind: topic, title: "[b]Week 1[/b]", topics: [course]}
  - {id: a, kind: paper, title: A, topics: [week-1]}
  - {id: b, kind: video, title: B, topics: [week-1]}
  - {id: c, kind: video, title: C, topics: [course]}
  - {id: loose, kind: article, title: Loose}
"""


def test_bulk_scopes_offer_the_selection_the_topic_and_the_filtered_view(write_layer):
    view = GraphView(load_graph(write_layer(GRAPH)))
    progress = {"a": "read"}
    assert [(s.label, s.node_ids) for s in scopes(view, progress, Filter(), selected={"b", "week-1", "gone"},
                                                  topic="week-1")] == [
        ("the 1 item selected", ("b",)),  # topics and unknown ids are never selected items
        ("the 2 items of [b]Week 1[/b]", ("a", "b")),
    ]
    only_videos = Filter(kind="video")
    offered = scopes(view, progress, only_videos, topic="course")
    assert [(s.label, s.node_ids) for s in offered] == [
        ("the 2 items of Course, only video", ("b", "c")),
        ("the 2 items shown (only video)", ("b", "c")),
    ]
    assert scopes(view, progress, Filter(), topic="a") == []  # an item is not a topic, no filter: nothing
    topic = scopes(view, progress, Filter(), topic="course")[0]
    assert topic.pending("read", progress) == ["b", "c"]
    assert question(topic, "read", progress) == ("Mark 2 items read?\n\nThe 3 items of Course: 1 already read, "
                                                 "left as it is.\n\nOne z undoes the whole batch.")
