"""The graph in other formats: JSON (the stable machine format), GraphML, Mermaid, BibTeX, markdown.

Titles, authors and links come from untrusted reading lists, so every format
is made inert the same way: control characters and terminal escapes are
removed exactly as ``show`` removes them (``tracker.text.clean``), and each
format then escapes its own syntax, so no text can add a BibTeX field, a
markdown link or heading, a Mermaid node, or a live terminal sequence.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from urllib.parse import quote

import networkx as nx

from .graph import queries
from .graph.model import PART_OF, REQUIRES, TopicGraph, sort_key
from .text import clean

FORMATS = ("json", "graphml", "mermaid", "bibtex", "markdown")


def inert(value):
    """Every string inside ``value`` (lists and dicts too) cleaned of control characters."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [inert(v) for v in value]
    if isinstance(value, dict):
        return {k: inert(v) for k, v in value.items()}
    return value


# Characters kept as they are in exported URLs: RFC 3986 reserved ones, minus
# those that end a markdown link or a BibTeX field, plus ``%`` (already encoded).
_URL_SAFE = "!#$%&'*+,/:;=?@[]~"


def export_url(url: str | None) -> str | None:
    """An http(s) URL safe in any export (``()<>``, spaces, quotes, braces, backslashes percent-encoded), or None."""
    text = clean(url).strip()
    if not text.lower().startswith(("http://", "https://")):
        return None
    return quote(text, safe=_URL_SAFE)


def to_json_data(tg: TopicGraph) -> dict:
    nodes = sorted(tg.nodes.values(), key=lambda n: n.id)
    edges = sorted(tg.edges(), key=lambda e: (e.source, e.target, e.kind))
    return {
        "nodes": [inert(n.to_json()) for n in nodes],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind, "reason": clean(e.reason)}
                  for e in edges],
    }


def to_json(tg: TopicGraph) -> str:
    return json.dumps(to_json_data(tg), indent=2, ensure_ascii=False) + "\n"


# GraphML --------------------------------------------------------------------

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value):
    """GraphML is XML 1.0, which cannot hold most control characters (networkx escapes the markup)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    value = inert(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return _XML_INVALID.sub("\ufffd", text)


def to_graphml(tg: TopicGraph) -> str:
    out = nx.DiGraph()
    for node in tg.nodes.values():
        data = node.to_json()
        out.add_node(node.id, **{k: _xml_safe(v) for k, v in data.items() if v is not None})
    for edge in tg.edges():
        out.add_edge(edge.source, edge.target, kind=edge.kind, reason=_xml_safe(edge.reason))
    buffer = io.BytesIO()
    nx.write_graphml(out, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


# Mermaid --------------------------------------------------------------------

# Inside a quoted Mermaid label these would end the label, start an entity or
# be read as HTML or markdown; Mermaid's numeric entity codes show them as text.
_MERMAID_ENTITIES = {'"': "#34;", "#": "#35;", "&": "#38;", "<": "#60;", ">": "#62;", "`": "#96;"}
MERMAID_LABEL_CHARS = 80


def _mermaid_label(text: str) -> str:
    short = clean(text)[:MERMAID_LABEL_CHARS].strip()
    return '"' + "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in short) + '"'


def to_mermaid(tg: TopicGraph) -> str:
    """Prerequisites as solid arrows (read first -> read later), membership dotted."""
    ids = {node_id: f"n{i}" for i, node_id in enumerate(sorted(tg.nodes))}
    lines = ["graph LR"]
    for node_id in sorted(tg.nodes):
        node = tg.nodes[node_id]
        shape = ("[[", "]]") if node.is_topic else ("[", "]")
        lines.append(f"  {ids[node_id]}{shape[0]}{_mermaid_label(node.title)}{shape[1]}")
    for edge in sorted(tg.edges(), key=lambda e: (e.kind, e.source, e.target)):
        if edge.kind == REQUIRES:
            lines.append(f"  {ids[edge.target]} --> {ids[edge.source]}")
        elif edge.kind == PART_OF:
            lines.append(f"  {ids[edge.source]} -.-> {ids[edge.target]}")
        else:
            lines.append(f"  {ids[edge.source]} --- {ids[edge.target]}")
    return "\n".join(lines) + "\n"


# BibTeX ---------------------------------------------------------------------

# BibTeX has no escape for braces: a field ends at its first unbalanced ``}``.
# Every literal brace is therefore written as a LaTeX command (whose own braces
# are balanced), and the other LaTeX specials are escaped, so the only braces
# in an exported value are ones this module wrote, in pairs.
_BIB_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_BIB_SPECIAL_RE = re.compile("|".join(re.escape(ch) for ch in _BIB_SPECIALS))
_AND_WORD = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


def bib_text(text: str) -> str:
    """Untrusted text as the inside of a braced BibTeX value: LaTeX specials escaped, spaces collapsed as BibTeX does."""
    return _BIB_SPECIAL_RE.sub(lambda m: _BIB_SPECIALS[m.group()], " ".join(clean(text).split()))


def _bib_author(name: str) -> str:
    """One author; a name that BibTeX would split (a word ``and``, or three commas) is kept whole in braces."""
    text = bib_text(name)
    return "{" + text + "}" if _AND_WORD.search(text) or text.count(",") > 2 else text


def _bib_key(node, taken: set[str]) -> str:
    words = clean(node.authors[0]).split() if node.authors else []
    stem = words[-1] if words else node.id.split("-")[0]
    base = re.sub(r"[^a-zA-Z0-9]", "", stem).lower()
    base = f"{base}{node.year or ''}{re.sub(r'[^a-z0-9]', '', node.id)[:12]}" or "entry"
    key, n = base, 1
    while key.lower() in taken:  # BibTeX keys are case-insensitive
        n += 1
        key = f"{base}{n}"
    taken.add(key.lower())
    return key


def bibtex_fields(node) -> list[tuple[str, str]]:
    """The (name, braced value) pairs of one entry, exactly as exported."""
    fields = [("title", "{" + bib_text(node.title) + "}")]
    authors = [a for a in (_bib_author(a) for a in node.authors) if a]
    if authors:
        fields.append(("author", " and ".join(authors)))
    if node.year:
        fields.append(("year", str(int(node.year))))
    url = export_url(node.url)
    if url:
        fields.append(("url", url))
    if node.arxiv:
        fields += [("eprint", bib_text(node.arxiv)), ("archivePrefix", "arXiv")]
    return fields


def to_bibtex(tg: TopicGraph) -> str:
    entries = []
    taken: set[str] = set()
    for node in sorted(tg.nodes.values(), key=lambda n: n.id):
        if node.kind not in ("paper", "book"):
            continue
        key = _bib_key(node, taken)
        kind = "book" if node.kind == "book" else ("misc" if not node.arxiv else "article")
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in bibtex_fields(node))
        entries.append(f"@{kind}{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


# markdown -------------------------------------------------------------------

# Backslash-escaped (CommonMark allows it before any ASCII punctuation): the
# characters that could start a link, image, emphasis, code, HTML, an entity,
# a strikethrough, a table cell or close a heading.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&!~|#])")


def md_text(text: str) -> str:
    """Untrusted text as literal one-line markdown."""
    return _MD_SPECIAL.sub(r"\\\1", clean(text).strip())


def reading_order(tg: TopicGraph) -> list[str]:
    """Every study unit, prerequisites first, otherwise in list order."""
    order: list[str] = []
    seen: set[str] = set()
    units = sorted((n for n in tg.nodes.values() if tg.is_unit(n.id)), key=sort_key)
    for node in units:
        if node.id in seen:
            continue
        for step in queries.learning_path(tg, node.id, {}):
            if step not in seen and tg.is_unit(step):
                seen.add(step)
                order.append(step)
    return order


def to_markdown(tg: TopicGraph, progress: Mapping[str, str] | None = None) -> str:
    """A checklist of the graph in reading order, grouped by topic; read items are [x]."""
    progress = progress or {}
    rank = {node_id: i for i, node_id in enumerate(reading_order(tg))}
    lines: list[str] = []
    placed: set[str] = set()

    def emit(topic_id: str, depth: int) -> None:
        lines.append(f"{'#' * min(depth, 6)} {md_text(tg.nodes[topic_id].title)}")
        lines.append("")
        children = tg.children(topic_id)
        items = sorted((c for c in children if tg.is_unit(c) and c not in placed), key=lambda c: rank.get(c, 0))
        for item in items:
            placed.add(item)
            node = tg.nodes[item]
            mark = "x" if progress.get(item) in ("read", "skipped") else " "
            title = md_text(node.title) or md_text(node.id)
            url = export_url(node.url)
            lines.append(f"- [{mark}] " + (f"[{title}]({url})" if url else title))
        if items:
            lines.append("")
        for child in children:
            if not tg.is_unit(child):
                emit(child, depth + 1)

    for root in tg.roots():
        emit(root, 1)
    return "\n".join(lines).rstrip() + "\n"
