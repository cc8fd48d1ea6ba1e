"""What a review card shows: the front (title and prompts) and the back (notes, claim, why it matters).

The learner writes prompts in a note as ``Q:`` lines; without any, the front
asks what fits the node's kind, or states the claim its implementation tests.
Every string here is untrusted list or note text: callers escape it for their
output (Rich markup, JSON), nothing here formats it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..graph.model import REQUIRES

DEFAULT_FRONTS = {
    "paper": "What problem does this paper solve, and how?",
    "article": "What is the main point of this piece, and what supports it?",
    "book": "What are the key ideas you took from this, and how do they connect?",
    "course": "What can you now do or explain that this course taught?",
    "video": "What is the main idea of this video, and how was it shown?",
    "talk": "What is the main idea of this talk, and how was it argued?",
    "code": "What does this code do, and how is it organised?",
}
FALLBACK_FRONT = "Explain this in your own words: what is it, and why does it matter?"


@dataclass(frozen=True)
class CardText:
    node_id: str
    title: str
    kind: str
    prompts: list[str]  # the learner's Q: lines, or one default question
    own_prompts: bool
    notes: list[str] = field(default_factory=list)
    claim: str | None = None
    verdict: str | None = None
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (prerequisite title, why it is needed)


def prompts_in(notes: list[str]) -> list[str]:
    """``Q:`` lines (after optional list bullets), in note order, without the marker."""
    found = []
    for body in notes:
        for line in body.splitlines():
            text = line.strip().lstrip("-*+ ").strip()
            if text[:2].upper() == "Q:" and text[2:].strip():
                found.append(text[2:].strip())
    return found


def card_text(tg, node_id: str, notes: list[str], claim: str | None = None,
              verdict: str | None = None) -> CardText:
    """The card of ``node_id``; ``claim`` is its implementation's claim, ``verdict`` that claim's last verdict."""
    node = tg.nodes[node_id]
    own = prompts_in(notes)
    if own:
        prompts = own
    elif claim:
        prompts = [claim]  # the claim its implementation tests: does it hold, and why?
    else:
        prompts = [DEFAULT_FRONTS.get(node.kind, FALLBACK_FRONT)]
    reasons = []
    for _, target, data in tg.graph.out_edges(node_id, data=True):
        if data.get("kind") == REQUIRES and data.get("reason"):
            title = tg.nodes[target].title if target in tg.nodes else target
            reasons.append((title, data["reason"]))
    return CardText(node_id, node.title, node.kind, prompts, bool(own), list(notes), claim, verdict, reasons)


def load_card_text(tg, store, node_id: str) -> CardText:
    """``card_text`` with the notes, claim and last verdict read from the store and the implementations."""
    notes = [n.body for n in store.notes([node_id])]
    node = tg.nodes[node_id]
    claim = verdict = None
    if node.implementation:
        from ..impl_meta import MetaError, discover

        try:
            meta = discover().get(node.implementation)
        except MetaError:
            meta = None
        claim = meta.claim if meta else None
        last = store.last_run(node.implementation, "demo", finished=True)
        verdict = last.verdict if last else None
    return card_text(tg, node_id, notes, claim, verdict)
