"""Search over everything said about a node: names, descriptions, edge reasons, claims and notes.

Fields are of two sorts. **Names** (title, aliases, authors, tags, id) are
scored by ``fuzzy``: exact > prefix > every query word starts a word >
substring > in-order subsequence. **Texts** (its description, the reasons on
its prerequisite edges, and what the caller passes in: implementation
claims, the user's notes) count only whole-word prefixes and substrings: a
long text holds most letter sequences in order, which would match anything.
A field's score is weighted by what it is (a title match outranks the same
match in an alias, a name outranks a note) and, for notes, by how recently
they were edited. A typo is forgiven below any match as typed: rapidfuzz's
normalised edit similarity of the query to a word or a whole name
(``typo_score``; it replaced difflib's ratio, which scored a mere subsequence
of letters as well as one missing letter; ``benchmarks/bench_search.py``).

Scoring every field of a 100k-node graph in Python costs half a second, so
the graph keeps an index per sort of field: each text folded once, all of
them joined into one string, and a word index. Tiers of candidates are
scored best first, and a tier is skipped once the page's last hit beats the
best score it could reach; the results equal a full scan
(``tests/test_query_indexes.py``).
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from rapidfuzz import fuzz, process

from .identity import fold
from .model import REQUIRES, Node, TopicGraph

MIN_SCORE = 0.3
OTHER_FIELD_WEIGHT = 0.95  # a title match outranks the same match in an alias or author
TYPO_RATIO = 0.8  # similarity (0-1) a word or a name needs to count as the query with a typo
TYPO_MAX = 0.6  # a typo match scores this times its similarity: below a substring, above a subsequence
MIN_TYPO_QUERY = 4  # shorter queries are too short to tell a typo from another word
TEXT_WEIGHTS = {"claim": 0.85, "note": 0.85, "about": 0.8, "reason": 0.75}
NOTE_AGE_PENALTY = 0.1  # a note edited a year ago or more weighs this much less than one edited now
NAME_FIELDS = ("title", "alias", "author", "tag", "id")


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    field: str


@dataclass(frozen=True)
class SearchText:
    """A text about a node from outside the graph: an implementation's claim, a note (with its edit time)."""

    node_id: str
    field: str  # "claim" or "note"
    text: str
    updated_at: datetime | None = None


@dataclass
class SearchIndex:
    fields: list[tuple[str, str, str, float]]  # (node id, field name, folded text, weight), in node order
    blob: str  # every folded text, one per line
    starts: list[int]  # offset of each line in blob
    postings: dict[str, list[int]]  # word -> lines holding it
    words: list[str]  # the postings' keys, sorted, for prefix ranges
    long: bool  # texts: no subsequence matches, typos per word only, weights per line

    def length_buckets(self) -> tuple[dict[int, list[str]], dict[int, list[tuple[int, str]]]]:
        """Words by length, and (names) whole texts by length: what a typo query is compared with."""
        buckets = self.__dict__.get("_buckets")
        if buckets is None:
            words: dict[int, list[str]] = {}
            for word in self.words:
                words.setdefault(len(word), []).append(word)
            whole: dict[int, list[tuple[int, str]]] = {}
            if not self.long:
                for line, (_, _, text, _) in enumerate(self.fields):
                    joined = " ".join(text.split())
                    whole.setdefault(len(joined), []).append((line, joined))
            buckets = self.__dict__["_buckets"] = (words, whole)
        return buckets

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
    """A node's names, in the order ties are settled (the first best field is the one reported)."""
    fields = [("title", node.title)]
    fields += [("alias", a) for a in node.aliases]
    fields += [("alias", t) for t in node.also_titled]  # what imported lists call it: found, never an identity
    fields += [("author", a) for a in node.authors]
    fields += [("tag", t) for t in node.tags]
    fields.append(("id", node.id))
    return fields


def text_fields(tg: TopicGraph, node: Node) -> list[tuple[str, str]]:
    """What the graph says about a node in sentences: its description, then its prerequisites' reasons."""
    fields = [("about", node.description)] if node.description.strip() else []
    fields += [("reason", reason) for reason in _reasons(tg).get(node.id, ())]
    return fields


def _reasons(tg: TopicGraph) -> dict[str, list[str]]:
    """Each node's prerequisite reasons, from one pass over the edges (per-node edge views are slow)."""
    reasons = tg.cache.get("search_reasons")
    if reasons is None:
        reasons = tg.cache["search_reasons"] = {}
        for source, _, data in tg.graph.edges(data=True):
            if data.get("kind") == REQUIRES and data.get("reason"):
                reasons.setdefault(source, []).append(data["reason"])
    return reasons


def name_weight(name: str, typo: bool = False) -> float:
    """Title first; for a typo every name of the node counts alike (the id "transformer" is as good a name)."""
    if name == "title" or (typo and name in ("alias", "id")):
        return 1.0
    return OTHER_FIELD_WEIGHT


def text_weight(field: str, updated_at: datetime | None, now: datetime) -> float:
    weight = TEXT_WEIGHTS.get(field, TEXT_WEIGHTS["note"])
    if field == "note" and updated_at is not None:
        age_days = max((now - _aware(updated_at)).total_seconds() / 86400, 0.0)
        weight *= 1 - NOTE_AGE_PENALTY * min(age_days / 365, 1.0)
    return weight


def score_field(query: str, name: str, text: str, *, long: bool) -> float:
    """0..1 for a folded query against one folded field, weighted by what the field is (not by age)."""
    if long:
        return fuzzy_text(query, text) * TEXT_WEIGHTS.get(name, TEXT_WEIGHTS["note"])
    return score_name(query, name, text)


def score_name(query: str, name: str, text: str) -> float:
    """A name's best reading: as typed (``fuzzy``), or the query with a typo (``typo_score``)."""
    typed = fuzzy(query, text) * name_weight(name)
    if typed >= TYPO_MAX:  # a typo reading can never beat it
        return typed
    return max(typed, typo_score(query, text.split(), whole=True) * name_weight(name, typo=True))


def fuzzy(query: str, text: str) -> float:
    """0..1 for a folded query against folded text, as typed."""
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
            return 0.0
        gaps += found - pos
        pos = found + 1
    return max(0.1, 0.5 - gaps / (4 * len(text)))


def fuzzy_text(query: str, text: str) -> float:
    """0..1 for a folded query against a folded sentence: whole-word prefixes, substrings, or a typo in a word."""
    if not text:
        return 0.0
    words = text.split()
    qwords = query.split()
    if qwords and all(any(w.startswith(q) for w in words) for q in qwords):
        return 0.8
    if query in text:
        return 0.7
    return typo_score(query, words, whole=False)


def typo_score(query: str, words: list[str], whole: bool) -> float:
    """A typo or two (transposed, missing, extra letters) in a query of four letters or more: up to 0.6.

    Scored by rapidfuzz's normalised edit similarity to the closest word (or,
    for a name, to the whole name); below a substring match, above a mere
    subsequence of letters.
    """
    if len(query) < MIN_TYPO_QUERY:
        return 0.0
    candidates = words + [" ".join(words)] if whole else words
    best = max((fuzz.ratio(query, w, score_cutoff=100 * TYPO_RATIO) for w in candidates), default=0.0) / 100
    return round(TYPO_MAX * best, 4) if best >= TYPO_RATIO else 0.0


# indexes --------------------------------------------------------------------------------
def _build(fields: list[tuple[str, str, str, float]], long: bool) -> SearchIndex:
    lines = [" ".join(text.split()) if long else text.replace("\n", " ") for _, _, text, _ in fields]
    fields = [(node_id, name, line, weight) for (node_id, name, _, weight), line in zip(fields, lines)]
    starts, offset = [], 0
    postings: dict[str, list[int]] = {}
    for line_no, line in enumerate(lines):
        starts.append(offset)
        offset += len(line) + 1
        for word in set(line.split()):
            postings.setdefault(word, []).append(line_no)
    return SearchIndex(fields, "\n".join(lines), starts, postings, sorted(postings), long)


def search_index(tg: TopicGraph) -> SearchIndex:
    """The names of every node; built on first use and kept with the graph, which never changes."""
    index = tg.cache.get("search_index")
    if index is None:
        index = tg.cache["search_index"] = _build(
            [(node.id, name, fold(text), 1.0) for node in tg.nodes.values() for name, text in node_fields(node)],
            long=False)
    return index


def text_index(tg: TopicGraph) -> SearchIndex:
    """Descriptions and prerequisite reasons of every node, kept with the graph."""
    index = tg.cache.get("search_text_index")
    if index is None:
        index = tg.cache["search_text_index"] = _build(
            [(node.id, name, fold(text), TEXT_WEIGHTS[name]) for node in tg.nodes.values()
             for name, text in text_fields(tg, node)], long=True)
    return index


def extra_index(tg: TopicGraph, extra: Iterable[SearchText], now: datetime) -> SearchIndex:
    """Claims and notes, for this search only (they change while the graph does not)."""
    fields = []
    for item in extra:
        node_id = item.node_id if item.node_id in tg.nodes else tg.resolve(item.node_id)  # a note under an old id
        if node_id is not None and item.text.strip():
            fields.append((node_id, item.field, fold(item.text), text_weight(item.field, item.updated_at, now)))
    order = {node_id: i for i, node_id in enumerate(tg.nodes)}
    fields.sort(key=lambda f: order[f[0]])  # node order, so ties settle as in a full scan
    return _build(fields, long=True)


# the query ------------------------------------------------------------------------------
def search(tg: TopicGraph, query: str, limit: int | None = 20, kinds: set[str] | None = None,
           extra: Sequence[SearchText] = (), now: datetime | None = None) -> list[SearchHit]:
    """Best matches first: as typed, then with a typo, then the query's letters in order in a name."""
    q = " ".join(fold(query).split())
    if not q:
        return []
    indexes = [search_index(tg), text_index(tg)]
    if extra:
        indexes.append(extra_index(tg, extra, now or datetime.now(timezone.utc)))
    # Tiers of candidates, by the best score they can reach: every query word starts a word
    # (names >= 0.76), the query is a substring (<= 0.7), a word or name is the query with a typo
    # (<= 0.6), its letters appear in order in a name (<= 0.5). Once the page's last hit beats what
    # a tier could reach, that tier and the ones after it are skipped.
    lines = [set.intersection(*(index.lines_with_word_prefix(w) for w in q.split())) for index in indexes]
    best = _score(tg, q, indexes, lines, kinds)
    for best_later, more in ((0.7, _substring_lines), (TYPO_MAX, _typo_lines), (0.5, _in_order_lines)):
        if limit and len(best) >= limit and heapq.nlargest(limit, (s for s, _ in best.values()))[-1] > best_later:
            break
        lines = [found | more(index, q) for index, found in zip(indexes, lines)]
        best = _score(tg, q, indexes, lines, kinds)
    hits = [SearchHit(node_id, score, name) for node_id, (score, name) in best.items()]
    if limit:  # the page's last score; only hits at or above it need the full ranking key
        floor = heapq.nlargest(limit, (h.score for h in hits))[-1] if len(hits) > limit else 0.0
        hits = [h for h in hits if h.score >= floor]
    hits.sort(key=lambda h: (-h.score, -len(tg.nodes[h.id].lists), tg.nodes[h.id].title.lower()))
    return hits[:limit] if limit else hits


def _substring_lines(index: SearchIndex, q: str) -> set[int]:
    lines: set[int] = set()
    at = index.blob.find(q)
    while at >= 0:
        lines.add(index.line_at(at))
        at = index.blob.find(q, at + 1)
    return lines


def _in_order_lines(index: SearchIndex, q: str) -> set[int]:
    """Lines of names holding the query's characters in order (every substring and subsequence match)."""
    if index.long:
        return set()
    # Anchored at line starts, with possessive gaps: one linear pass per line, no backtracking.
    pattern = "^" + "".join(f"[^\\n{re.escape(c)}]*+{re.escape(c)}" for c in q)
    return {index.line_at(m.start()) for m in re.finditer(pattern, index.blob, re.MULTILINE)}


def _typo_lines(index: SearchIndex, q: str) -> set[int]:
    """Lines that a typo reading could accept: a close word, or (names) a close whole text.

    A similarity of 0.8 is impossible between strings whose lengths differ by
    more than 1.5 times, so only words and names of a near length are compared
    (in C, by rapidfuzz), bucketed by length once per index.
    """
    if len(q) < MIN_TYPO_QUERY:
        return set()
    buckets = index.length_buckets()
    low, high = int(len(q) / 1.5), int(len(q) * 1.5) + 1
    cutoff = 100 * TYPO_RATIO
    words = [w for n in range(low, high + 1) for w in buckets[0].get(n, ())]
    lines: set[int] = set()
    for word, _, _ in process.extract(q, words, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None):
        lines.update(index.postings[word])
    if not index.long:
        whole = [(i, t) for n in range(low, high + 1) for i, t in buckets[1].get(n, ())]
        found = process.extract(q, [t for _, t in whole], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
        lines.update(whole[k][0] for _, _, k in found)
    return lines


def _score(tg: TopicGraph, q: str, indexes: list[SearchIndex], lines: list[set[int]],
           kinds: set[str] | None) -> dict[str, tuple[float, str]]:
    """Each candidate node's best (score, field) over the candidate lines, those scoring at least MIN_SCORE."""
    best: dict[str, tuple[float, str]] = {}
    for index, found in zip(indexes, lines):
        for line in sorted(found):
            node_id, name, text, weight = index.fields[line]
            if kinds and tg.nodes[node_id].kind not in kinds:
                continue
            score = fuzzy_text(q, text) * weight if index.long else score_name(q, name, text)
            if score > best.get(node_id, (0.0, ""))[0]:
                best[node_id] = (score, name)
    return {node_id: found for node_id, found in best.items() if found[0] >= MIN_SCORE}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def search_texts(tg: TopicGraph, notes: Iterable = (), claims: dict[str, str] | None = None) -> list[SearchText]:
    """What callers add to a search: the user's notes (``node_id body updated_at``) and the claims of
    implementations (slug -> claim) on every node that links one."""
    texts = [SearchText(n.node_id, "note", n.body, getattr(n, "updated_at", None)) for n in notes if n.body.strip()]
    if claims:
        texts += [SearchText(node.id, "claim", claims[node.implementation]) for node in tg.nodes.values()
                  if node.implementation in claims and claims[node.implementation]]
    return texts
