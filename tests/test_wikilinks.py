"""Wiki-links in notes resolve to nodes; backlinks; the notes list's order and topic filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from tracker.graph.loader import load_graph
from tracker.graph.note_list import note_entries, topic_choices
from tracker.graph.topic_map import TOPIC
from tracker.graph.wikilinks import backlink_index, resolve_link, wiki_links

GRAPH = """\
topic_map: [{id: vision, title: Vision, headings: [cnn]}]
nodes:
  - {id: cnn, title: CNNs}
  - {id: resnet, kind: paper, title: Deep Residual Learning for Image Recognition, aliases: [ResNet],
     old_ids: [resnet-v1], topics: [cnn]}
  - {id: resnext, kind: paper, title: Aggregated Residual Transformations, topics: [cnn]}
  - {id: deep-a, kind: paper, title: Deep Learning A}
  - {id: deep-b, kind: paper, title: Deep Learning B}
"""
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass
class Note:
    uid: str
    node_id: str
    body: str
    created_at: datetime
    updated_at: datetime


@pytest.fixture
def graph(write_layer):
    return load_graph(write_layer(GRAPH))


@pytest.mark.parametrize("text, target", [
    ("resnet", "resnet"), ("ResNet", "resnet"), ("resnet-v1", "resnet"),
    ("Deep Residual Learning for Image Recognition", "resnet"),
    ("Deep Residual Learning…", "resnet"), ("Deep Residual Learning...", "resnet"),
    ("Deep Learning…", None),  # two titles start so: it names neither
    ("Deep…", None), ("nothing like it", None), ("", None),
])
def test_a_link_resolves_by_name_or_a_unique_title_prefix(graph, text, target):
    assert resolve_link(graph, text) == target


def test_obsidian_forms_and_the_line_each_link_sits_on(graph):
    body = "First line\nsee [[ResNet|the residual net]] and [[resnext#Method]]\n[[resnet^block1]] [[nope]]"
    links = wiki_links(graph, body)
    assert [(l.text, l.target) for l in links] == [("ResNet", "resnet"), ("resnext", "resnext"),
                                                     ("resnet", "resnet"), ("nope", None)]
    assert links[0].line == "see [[ResNet|the residual net]] and [[resnext#Method]]"


def test_backlinks_skip_a_note_linking_its_own_node_and_follow_old_ids(graph):
    notes = [("resnet-v1", "cf. [[resnext]] and [[resnet]]"), ("resnext", "builds on [[ResNet]]"),
             ("gone", "[[resnet]]")]  # a note on a node no longer in the graph names nobody
    index = backlink_index(graph, notes)
    assert [(b.source, b.line) for b in index["resnext"]] == [("resnet", "cf. [[resnext]] and [[resnet]]")]
    assert [b.source for b in index["resnet"]] == ["resnext"]


def test_notes_list_latest_edit_first_and_filtered_by_a_canonical_or_list_topic(graph):
    notes = [Note("a", "resnet-v1", "old one", T0, T0 + timedelta(days=5)),
             Note("b", "deep-a", "newer", T0 + timedelta(days=1), T0 + timedelta(days=2)),
             Note("c", "resnext", "newest", T0 + timedelta(days=3), T0 + timedelta(days=9)),
             Note("d", "gone", "kept though its node left", T0, T0),
             Note("e", "deep-b", "   ", T0, T0)]
    entries = note_entries(graph, notes)
    assert [e.uid for e in entries] == ["c", "a", "b", "d"]
    assert entries[1].node_id == "resnet" and entries[3].node_id is None and "not in the graph" in entries[3].title
    assert [e.uid for e in note_entries(graph, notes, TOPIC + "vision")] == ["c", "a"]
    assert [e.uid for e in note_entries(graph, notes, "cnn")] == ["c", "a"]
    assert topic_choices(graph, entries) == [(TOPIC + "vision", "Vision", 2), ("cnn", "CNNs", 2)]


def test_cli_notes_recent_first_and_by_topic(cli, write_layer, tmp_path):
    import json

    folder, db = str(write_layer(GRAPH)), str(tmp_path / "t.db")
    for node, body in (("resnet", "first"), ("deep-a", "second"), ("resnext", "third")):
        assert cli("note", node, "-m", body, "--graph-data", folder, "--db", db)[0] == 0
    _, out, _ = cli("notes", "--recent", "--graph-data", folder, "--db", db, "--json")
    assert [n["body"] for n in json.loads(out)] == ["third", "second", "first"]
    _, out, _ = cli("notes", "--topic", "vision", "--graph-data", folder, "--db", db, "--json")
    assert [n["body"] for n in json.loads(out)] == ["first", "third"]
    _, out, _ = cli("notes", "--topic", "CNNs", "--recent", "--graph-data", folder, "--db", db, "--json")
    assert [n["body"] for n in json.loads(out)] == ["third", "first"]
