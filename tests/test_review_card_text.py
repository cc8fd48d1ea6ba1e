"""What a card shows, from a real loaded graph: Q: prompts, the defaults per kind, the claim, the reasons."""

from __future__ import annotations

from tests.test_cli_store import write_graph
from tracker.graph.loader import load_graph
from tracker.review.card_text import DEFAULT_FRONTS, FALLBACK_FRONT, card_text, prompts_in


def graph(tmp_path):
    return load_graph([write_graph(tmp_path / "g")])


def test_q_lines_become_the_front_in_note_order():
    notes = ["intro\nQ: first?\n- Q: second, as a bullet?\nq: third, lower case", "Q:\nQ:   fourth  "]
    assert prompts_in(notes) == ["first?", "second, as a bullet?", "third, lower case", "fourth"]
    assert prompts_in(["no questions here", "Quite so: not a prompt"]) == []


def test_front_falls_back_to_the_claim_then_the_kind(tmp_path):
    tg = graph(tmp_path)
    assert card_text(tg, "lstm", []).prompts == [DEFAULT_FRONTS["paper"]] == [
        "What problem does this paper solve, and how?"]
    claimed = card_text(tg, "lstm", ["just notes"], claim="The forget gate lets it count past 100.", verdict="reproduced")
    assert (claimed.prompts, claimed.own_prompts, claimed.verdict) == (
        ["The forget gate lets it count past 100."], False, "reproduced")
    own = card_text(tg, "lstm", ["Q: why gates?"], claim="c")
    assert (own.prompts, own.own_prompts, own.notes) == (["why gates?"], True, ["Q: why gates?"])
    assert card_text(tg, "cnn", []).prompts == [FALLBACK_FRONT]  # a topic has no kind default


def test_back_carries_the_reasons_on_prerequisite_edges(tmp_path):
    tg = graph(tmp_path)
    assert card_text(tg, "resnet", []).reasons == [
        ("ImageNet Classification with Deep Convolutional Neural Networks", "ResNet deepens the AlexNet recipe")]
    assert card_text(tg, "alexnet", []).reasons == []
