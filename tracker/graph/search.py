"""Fuzzy search over titles, aliases, authors, tags and ids, with an index per graph.

Scoring is per field (``fuzzy``): exact > prefix > every query word starts a
word > substring > in-order subsequence. Scoring every field of a 100k-node
graph in Python costs half a second, so the graph keeps an index: each
field's folded text once, all of them joined into one string. Two scans of
that string in C, and a word index, find every field that could score at
all (every query word starts one of its words, or it holds the query's
letters in order), and only those are scored. The candidates are a superset
of the matches, so results equal a full scan.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from difflib import SequenceMatcher
from dataclasses import dataclass

from .identity import fold
from .model import Node, TopicGraph

MIN_SCORE = 0.3
OTHER_FIELD_WEIGHT = 0.95  # a title match outranks the same match in an alias or author
TYPO_RATIO = 0.8  # difflib similarity a word needs to count as the query with a typo


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    field: str


@dataclass
class SearchIndex:
    fields: list[tuple[str, str, str]]  # (node id, field name, folded text), in node order
    blob: str  # every folded text, one per line
    starts: list[int]  # offset of each line in blob
    postings: dict[str, list[int]]  # word -> lines holding it
    words: list[str]  # the postings' keys, sorted, for prefix ranges

    def line_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def lines_with_word_prefix(self, prefix: str) -> set[int]:
        lines: set[int] = set()
        for i in range(bisect_left(self.words, prefix), len(self.words)):
            if not self.words[i].startswith(prefix):
                break
            lines.update(self.postings[self.words[i]])
        return lines


def node_fields(node: Node) -> list[tuple[str, str]]:
    fields = [("title", node.title)]
    fields += [("alias", a) for a in node.aliases]
    fields += [("alias", t) for t in node.also_titled]  # what imported lists call it: found, never an identity
    fields += [("author", a) for a in node.authors]
    fields += [("tag", t) for t in node.tags]
    fields.append(("id", node.id))
    return fields


def search_index(tg: TopicGraph) -> SearchIndex:
    """Built on first use and kept with the graph, which never changes."""
    index = tg.cache.get("search_index")
    if index is None:
        fields = [(node.id, name, fold(text)) for node in tg.nodes.values() for name, text in node_fields(node)]
        lines = [text.replace("\n", " ") for _, _, text in fields]
        starts, offset = [], 0
        postings: dict[str, list[int]] = {}
        for line_no, line in enumerate(lines):
            starts.append(offset)
            offset += len(line) + 1
            for word in set(line.split()):
                postings.setdefault(word, []).append(line_no)
        index = SearchIndex(fields, "\n".join(lines), starts, postings, sorted(postings))
        tg.cache["search_index"] = index
    return index


def fuzzy(query: str, text: str, typos: bool = False) -> float:
    """0..1 for a folded query against folded text."""
    if not text:
        return 0.0
    if query == text:
        return 1.0
    if text.startswith(query):
        return 0.9
    words = text.split()
    qwords = query.split()
    if qwords and all(any(w.startswith(q) for w in words) for q in qwords):
        return 0.8
    if query in text:
        return 0.7
    pos = 0
    gaps = 0
    for ch in query:
        found = text.find(ch, pos)
        if found < 0:
            return _typo_score(query, words) if typos else 0.0
        gaps += found - pos
        pos = found + 1
    return max(0.1, 0.5 - gaps / (4 * len(text)))


def _typo_score(query: str, words: list[str]) -> float:
    """Forgive a typo or two (transposed, missing, extra letters) in a short query."""
    if len(query) < 4:
        return 0.0
    best = max((SequenceMatcher(None, query, w).ratio() for w in words + [" ".join(words)]), default=0.0)
    return 0.4 if best >= TYPO_RATIO else 0.0


def search(tg: TopicGraph, query: str, limit: int = 20, kinds: set[str] | None = None) -> list[SearchHit]:
    """Best matches first; typos are forgiven only when nothing matches as typed."""
    q = " ".join(fold(query).split())
    if not q:
        return []
    index = search_index(tg)
    # Tiers of candidates, by the best score they can reach: every query word starts a word
    # (>= 0.76), the query is a substring (0.665-0.7), its letters appear in order (<= 0.5).
    # Once a tier fills the page, no later tier can enter it and its slower scan is skipped.
    lines = set.intersection(*(index.lines_with_word_prefix(w) for w in q.split()))
    hits = _score(tg, q, lines, index, kinds, typos=False)
    for more in (_substring_lines, _in_order_lines):
        if limit and len(hits) >= limit:
            break
        lines |= more(index, q)
        hits = _score(tg, q, lines, index, kinds, typos=False)
    if not hits:
        hits = _score(tg, q, _typo_lines(index, q), index, kinds, typos=True)
    hits.sort(key=lambda h: (-h.score, -len(tg.nodes[h.id].lists), tg.nodes[h.id].title.lower()))
    return hits[:limit]


def _substring_lines(index: SearchIndex, q: str) -> set[int]:
    lines: set[int] = set()
    at = index.blob.find(q)
    while at >= 0:
        lines.add(index.line_at(at))
        at = index.blob.find(q, at + 1)
    return lines


def _in_order_lines(index: SearchIndex, q: str) -> set[int]:
    """Lines holding the query's characters in order (every substring and subsequence match)."""
    # Anchored at line starts, with possessive gaps: one linear pass per line, no backtracking.
    pattern = "^" + "".join(f"[^\\n{re.escape(c)}]*+{re.escape(c)}" for c in q)
    return {index.line_at(m.start()) for m in re.finditer(pattern, index.blob, re.MULTILINE)}


def _typo_lines(index: SearchIndex, q: str) -> set[int]:
    """Lines that a typo-forgiving score could accept: a close word, or a close whole text.

    ``quick_ratio`` (shared letters, symmetric) bounds the similarity ratio from
    above, so it rules out almost every word cheaply; the exact ratio is left to
    the scorer.
    """
    if len(q) < 4:
        return set()
    low, high = len(q) / 1.5, len(q) * 1.5  # a 0.8 similarity ratio is impossible outside these
    bound = SequenceMatcher(None, "", q)  # seq2 fixed: only its letter counts are reused

    def could_match(text: str) -> bool:
        if not low <= len(text) <= high:
            return False
        bound.set_seq1(text)
        return bound.quick_ratio() >= TYPO_RATIO

    lines: set[int] = set()
    for word, posting in index.postings.items():
        if could_match(word):
            lines.update(posting)
    lines.update(i for i, (_, _, text) in enumerate(index.fields) if could_match(" ".join(text.split())))
    return lines


def _score(tg: TopicGraph, q: str, lines, index: SearchIndex, kinds: set[str] | None,
           typos: bool) -> list[SearchHit]:
    best: dict[str, tuple[float, str]] = {}
    for line in sorted(lines):
        node_id, name, text = index.fields[line]
        if kinds and tg.nodes[node_id].kind not in kinds:
            continue
        score = fuzzy(q, text, typos)
        if name != "title":
            score *= OTHER_FIELD_WEIGHT
        if score > best.get(node_id, (0.0, ""))[0]:
            best[node_id] = (score, name)
    return [SearchHit(node_id, score, name) for node_id, (score, name) in best.items() if score >= MIN_SCORE]
