"""Wiki-links in notes: ``[[resnet]]`` or ``[[Deep Residual Learning…]]`` names a node; backlinks from them.

A link's text resolves the way ``tracker show`` resolves a name (id, old id,
alias, title, slug); a title cut short with an ellipsis resolves to the one
title it starts. Obsidian's forms are read: ``[[target|shown text]]``,
``[[target#heading]]`` and ``[[target^block]]`` name ``target``. Notes come
in as plain ``(node id, body)`` pairs, as the store keeps them (an old id
still counts as its node), so this works the same on the store, a backup or
a test's list.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from .identity import normalize_title
from .model import TopicGraph

WIKILINK_RE = re.compile(r"\[\[([^\[\]\n|#^]+)(?:[#^][^\[\]\n|]*)?(?:\|([^\[\]\n]*))?\]\]")
ELLIPSIS_RE = re.compile(r"\s*(?:…|\.\.\.)\s*$")
SNIPPET = 80


@dataclass(frozen=True)
class WikiLink:
    text: str  # what the note wrote between the brackets (before any | # ^)
    target: str | None  # the node it names, None when it names none (or several)
    line: str  # the note's line it sits on, for showing it in context


@dataclass(frozen=True)
class Backlink:
    source: str  # the node whose note links here
    line: str  # the line of that note holding the link


def wiki_links(tg: TopicGraph, body: str) -> list[WikiLink]:
    """Every ``[[...]]`` in a note, in order, each resolved (or not) to a node."""
    found = []
    for match in WIKILINK_RE.finditer(body):
        start = body.rfind("\n", 0, match.start()) + 1
        end = body.find("\n", match.end())
        line = body[start:end if end >= 0 else len(body)].strip()
        text = match.group(1).strip()
        found.append(WikiLink(text, resolve_link(tg, text), _snippet(line)))
    return found


def resolve_link(tg: TopicGraph, text: str) -> str | None:
    """The node a link's text names: as ``tracker show`` resolves names, or by a unique title prefix."""
    text = text.strip()
    if not text:
        return None
    exact = tg.resolve(text)
    if exact is not None:
        return exact
    cut = ELLIPSIS_RE.sub("", text)
    if cut == text:
        return None
    prefix = normalize_title(cut)
    if not prefix:
        return None
    titles = _sorted_titles(tg)
    hits: set[str] = set()
    for title, node in titles[bisect_left(titles, (prefix, "")):]:
        if not title.startswith(prefix):
            break
        hits.add(node)
        if len(hits) > 1:  # several titles start so: the link names none of them
            return None
    return next(iter(hits), None)


def _sorted_titles(tg: TopicGraph) -> list[tuple[str, str]]:
    titles = tg.cache.get("wikilink_titles")
    if titles is None:
        titles = tg.cache["wikilink_titles"] = sorted(tg.title_index.items())
    return titles


def backlinks(tg: TopicGraph, notes: Iterable[tuple[str, str]], node_id: str) -> list[Backlink]:
    """The nodes whose notes link to ``node_id``, once per note line, in the notes' order."""
    return backlink_index(tg, notes).get(node_id, [])


def backlink_index(tg: TopicGraph, notes: Iterable[tuple[str, str]]) -> dict[str, list[Backlink]]:
    """Target node -> the notes that link to it (a note linking to its own node is no backlink)."""
    index: dict[str, list[Backlink]] = {}
    for stored_id, body in notes:
        if "[[" not in body:
            continue
        source = stored_id if stored_id in tg.nodes else tg.resolve(stored_id)
        if source is None:
            continue
        for link in wiki_links(tg, body):
            if link.target is None or link.target == source:
                continue
            entry = Backlink(source, link.line)
            if entry not in index.setdefault(link.target, []):
                index[link.target].append(entry)
    return index


def _snippet(line: str) -> str:
    return line if len(line) <= SNIPPET else line[:SNIPPET - 1] + "…"
