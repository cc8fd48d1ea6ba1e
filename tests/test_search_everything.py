"""Search covers notes, edge reasons, claims and descriptions; ranks by field and recency; forgives typos."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tracker.graph.loader import load_graph
from tracker.graph.search import SearchText, search, search_texts

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)

GRAPH = """\
nodes:
  - {id: resnet, kind: paper, title: Deep Residual Learning, old_ids: [resnet-old], implementation: resnet,
     requires: [{id: vgg, reason: "ResNet keeps the VGG recipe of stacked three by three convolutions"}]}
  - {id: vgg, kind: paper, title: Very Deep Convolutional Networks,
     description: "Small filters stacked deep; the plateau of plain deep nets."}
  - {id: lstm, kind: paper, title: Long Short-Term Memory}
  - {id: gru, kind: paper, title: Gated Recurrent Units}
  - {id: plateau, kind: article, title: Plateau}
"""


@pytest.fixture
def graph(write_layer):
    return load_graph(write_layer(GRAPH))


def test_a_word_from_a_note_finds_its_node_even_under_an_old_id(graph):
    notes = [SearchText("resnet-old", "note", "The degradation problem is an optimisation problem.", NOW)]
    assert search(graph, "degradation", extra=notes, now=NOW)[0].id == "resnet"
    assert search(graph, "degradation", extra=notes, now=NOW)[0].field == "note"
    assert search(graph, "degradation", now=NOW) == []  # it is the note that found it


def test_edge_reasons_descriptions_and_claims_are_searched(graph):
    [hit] = search(graph, "stacked three")
    assert (hit.id, hit.field) == ("resnet", "reason")
    assert [(h.id, h.field) for h in search(graph, "filters")] == [("vgg", "about")]
    claims = search_texts(graph, claims={"resnet": "the 20-layer residual net beats the plain one"})
    assert [(h.id, h.field) for h in search(graph, "plain one", extra=claims)] == [("resnet", "claim")]


def test_a_name_outranks_the_same_word_in_your_note_which_outranks_a_description(graph):
    notes = [SearchText("lstm", "note", "a plateau in the loss", NOW)]
    ranked = [(h.id, h.field) for h in search(graph, "plateau", extra=notes, now=NOW)]
    assert ranked == [("plateau", "title"), ("lstm", "note"), ("vgg", "about")]


def test_of_two_notes_saying_the_same_the_recent_one_ranks_first(graph):
    notes = [SearchText("lstm", "note", "gates decide what to keep", NOW - timedelta(days=300)),
             SearchText("gru", "note", "gates decide what to keep", NOW - timedelta(days=2))]
    assert [h.id for h in search(graph, "gates decide", extra=notes, now=NOW)] == ["gru", "lstm"]
    notes[0] = SearchText("lstm", "note", "gates decide what to keep", NOW - timedelta(hours=1))
    assert [h.id for h in search(graph, "gates decide", extra=notes, now=NOW)] == ["lstm", "gru"]


def test_a_typo_in_a_note_word_is_forgiven_below_a_match_as_typed(graph):
    notes = [SearchText("gru", "note", "optimisation matters", NOW)]
    assert [h.id for h in search(graph, "optimsation", extra=notes, now=NOW)] == ["gru"]


def test_tranformer_ranks_attention_is_all_you_need_first_on_the_shipped_graph():
    tg = load_graph([Path(__file__).resolve().parent.parent / "graph_data"])
    for typo in ("tranformer", "transfomer", "transfromer", "trnasformer"):
        assert tg.nodes[search(tg, typo)[0].id].title == "Attention Is All You Need", typo
    assert search(tg, "resnet")[0].id == "resnet"  # as typed still comes first
    assert search(tg, "residul learning")[0].id == "resnet"


def test_cli_search_finds_a_word_of_your_note(cli, write_layer, tmp_path):
    import json

    folder, db = str(write_layer(GRAPH)), str(tmp_path / "t.db")
    assert cli("note", "vgg", "-m", "Remember the receptive field argument", "--graph-data", folder, "--db", db)[0] == 0
    code, out, _ = cli("search", "receptive", "--graph-data", folder, "--db", db, "--json")
    assert code == 0 and [(h["id"], h["matched"]) for h in json.loads(out)] == [("vgg", "note")]
    code, out, _ = cli("search", "receptive", "--graph-data", folder, "--db", db)
    assert "Very Deep Convolutional Networks" in out and "matched note" in out
