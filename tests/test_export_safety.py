"""Exports stay inert with hostile titles and links: parsed back by real parsers (pybtex, markdown-it, networkx).

Each format is checked by reading it the way its consumer would, and
asserting it holds exactly the graph's text and links, nothing more.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pybtex.database import parse_string

from tracker import export
from tracker.graph.model import PART_OF, REQUIRES, Node, SourceRef, TopicGraph
from tracker.text import clean

TERMINAL_ATTACK = "Pwned \x1b]0;owned title\x07\x1b[2J\x1b[31mred\x1b[0m \x9b1m bell\x07 nul\x00 del\x7f"
BIB_INJECTION = "Forged}}, year = 1066, month = jan, note = 2"
LINK_BREAKOUT = "https://e.com/a)[x](javascript:alert(1)"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = st.text(alphabet=st.sampled_from(list("ab Z09{}\\%&#$_~^@\",=()[]<>*`!|\n\t\x1b\x07\x9b-+.:/'")),
                  max_size=40)


def graph_of(items: list[dict], topic_title: str = "Topic <b>one</b>") -> TopicGraph:
    """A real TopicGraph: one topic holding a paper per item, each requiring the one before."""
    nodes = {"topic": Node("topic", "topic", topic_title)}
    graph = nx.DiGraph()
    graph.add_node("topic")
    for i, item in enumerate(items):
        node_id = f"p{i}"
        nodes[node_id] = Node(node_id, item.get("kind", "paper"), item["title"], url=item.get("url"),
                              authors=item.get("authors", []), year=item.get("year", 2017),
                              arxiv=item.get("arxiv"), topics=["topic"], sources=[SourceRef("a.md", i + 1, i + 1)])
        graph.add_edge(node_id, "topic", kind=PART_OF, reason="")
        if i:
            graph.add_edge(node_id, f"p{i - 1}", kind=REQUIRES, reason=item["title"])
    return TopicGraph(nodes, graph, {}, {}, {})


def all_formats(tg: TopicGraph) -> dict[str, str]:
    return {"json": export.to_json(tg), "graphml": export.to_graphml(tg), "mermaid": export.to_mermaid(tg),
            "bibtex": export.to_bibtex(tg), "markdown": export.to_markdown(tg, {})}


# 5. control characters ---------------------------------------------------------

def test_no_export_carries_a_control_character_and_titles_read_as_show_prints_them():
    tg = graph_of([{"title": TERMINAL_ATTACK, "url": "https://e.com/\x1b[2Jx", "authors": ["Eve \x1b[5mBlink"]}],
                  topic_title="Topic \x1b]2;title\x07 end")
    for fmt, text in all_formats(tg).items():
        assert CONTROL.findall(text.replace("\n", "")) == [], fmt
    shown = clean(TERMINAL_ATTACK)
    data = json.loads(export.to_json(tg))
    assert next(n for n in data["nodes"] if n["id"] == "p0")["title"] == shown
    assert nx.read_graphml(_graphml_file(tg)).nodes["p0"]["title"] == shown


def _graphml_file(tg):
    import io

    return io.BytesIO(export.to_graphml(tg).encode("utf-8"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles=st.lists(HOSTILE, min_size=1, max_size=4))
def test_graphml_parses_and_holds_each_title_as_show_prints_it(titles):
    tg = graph_of([{"title": t} for t in titles])
    ET.fromstring(export.to_graphml(tg).encode("utf-8"))  # well-formed XML
    parsed = nx.read_graphml(_graphml_file(tg))
    assert [parsed.nodes[f"p{i}"]["title"] for i in range(len(titles))] == [clean(t) for t in titles]


# 6. BibTeX ----------------------------------------------------------------------

_BIB_COMMANDS = {"textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}", "textasciitilde": "~",
                 "textasciicircum": "^"}


def latex_to_text(value: str) -> str:
    """Undo the LaTeX escapes a BibTeX value may use for literal characters (the reader's side)."""
    value = re.sub(r"\\(" + "|".join(_BIB_COMMANDS) + r")\{\}", lambda m: _BIB_COMMANDS[m.group(1)], value)
    return re.sub(r"\\([%&#$_])", r"\1", value)


def one_line(text: str) -> str:
    """What a BibTeX reader sees of a value: cleaned text, runs of spaces collapsed."""
    return " ".join(clean(text).split())


def parse_bibtex(text: str):
    from pybtex import errors

    errors.set_strict_mode(True)
    return parse_string(text, "bibtex").entries


def test_bibtex_title_cannot_forge_fields():
    tg = graph_of([{"title": BIB_INJECTION, "authors": ["Ada Lovelace"], "url": "https://e.com/x"}])
    [entry] = parse_bibtex(export.to_bibtex(tg)).values()
    assert dict(entry.fields) == {"title": "{" + _bib_escaped(BIB_INJECTION) + "}", "year": "2017",
                                  "url": "https://e.com/x"}
    assert latex_to_text(entry.fields["title"][1:-1]) == BIB_INJECTION
    assert [str(p) for p in entry.persons["author"]] == ["Lovelace, Ada"]


def _bib_escaped(text: str) -> str:
    return re.sub(r"[{}]", lambda m: {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}[m.group()], text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.fixed_dictionaries({
    "title": HOSTILE,
    "authors": st.lists(HOSTILE.filter(lambda a: clean(a).strip()), max_size=3),
    "url": st.one_of(st.none(), HOSTILE.map(lambda s: "https://e.com/" + s), HOSTILE),
    "arxiv": st.one_of(st.none(), HOSTILE),
    "kind": st.sampled_from(["paper", "book"]),
}), min_size=1, max_size=4))
def test_every_bibtex_entry_parses_back_to_exactly_its_fields(items):
    tg = graph_of(items)
    entries = list(parse_bibtex(export.to_bibtex(tg)).values())
    assert len(entries) == len(items)  # keys are unique; nothing merged or lost
    for item, entry in zip(items, entries):
        url = export.export_url(item["url"])
        expected = {"title"} | ({"url"} if url else set()) | {"year"}
        if item["arxiv"]:
            expected |= {"eprint", "archivePrefix"}
        assert set(entry.fields) == expected
        assert latex_to_text(entry.fields["title"][1:-1]) == one_line(item["title"])
        assert entry.fields["year"] == "2017"
        if url:
            assert entry.fields["url"] == url and unquote(url) == clean(item["url"]).strip()
        if item["arxiv"]:
            assert latex_to_text(entry.fields["eprint"]) == one_line(item["arxiv"])
        assert len(entry.persons.get("author", [])) == len(item["authors"])
        assert entry.type == ("book" if item["kind"] == "book" else "article" if item["arxiv"] else "misc")


# 7. markdown ---------------------------------------------------------------------

def markdown_summary(text: str, linkify: bool = False) -> dict:
    """What a markdown renderer makes of the text: links, headings, list items and their text, raw HTML."""
    md = MarkdownIt("commonmark", {"linkify": linkify})
    if linkify:
        md.enable("linkify")
    tokens = md.parse(text)
    links, html, images, items = [], [], [], []
    for i, token in enumerate(tokens):
        if token.type in ("html_block",):
            html.append(token.content)
        if token.type == "list_item_open":
            items.append(_inline_text(tokens[i + 2]))
        for child in token.children or []:
            if child.type == "link_open":
                links.append(child.attrs["href"])
            elif child.type == "html_inline":
                html.append(child.content)
            elif child.type == "image":
                images.append(child.attrs["src"])
    headings = [_inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    return {"links": links, "html": html, "images": images, "items": items, "headings": headings}


def _inline_text(token) -> str:
    return "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline"))


def test_markdown_link_with_a_parenthesis_cannot_break_out():
    tg = graph_of([{"title": "Innocent", "url": LINK_BREAKOUT},
                   {"title": "Two\n# Forged heading\n- [x] forged item", "url": "https://e.com/(b) <c> d"}])
    text = export.to_markdown(tg, {})
    seen = markdown_summary(text)
    assert [unquote(link) for link in seen["links"]] == [LINK_BREAKOUT, "https://e.com/(b) <c> d"]
    assert all(link.startswith("https://e.com/") and not re.search(r"[()<> ]", link) for link in seen["links"])
    assert seen["items"] == ["[ ] Innocent", "[ ] Two # Forged heading - [x] forged item"]
    assert len(seen["headings"]) == 1 and seen["html"] == seen["images"] == []


URLS = st.one_of(st.none(), HOSTILE, HOSTILE.map(lambda s: "https://e.com/" + s),
                 HOSTILE.map(lambda s: "javascript:" + s))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.fixed_dictionaries({"title": HOSTILE, "url": URLS}), min_size=1, max_size=4),
       topic=HOSTILE)
def test_markdown_renders_only_the_graphs_own_links_headings_and_items(items, topic):
    tg = graph_of(items, topic_title=topic)
    text = export.to_markdown(tg, {})
    seen = markdown_summary(text)
    own = [u for u in (export.export_url(i["url"]) for i in items) if u]
    assert [unquote(link) for link in seen["links"]] == [unquote(u) for u in own]
    assert [unquote(u) for u in own] == [clean(i["url"]).strip() for i in items if export.export_url(i["url"])]
    assert seen["headings"] == [clean(topic).strip()]
    expected_items = [f"[ ] {clean(i['title']).strip() or f'p{n}'}" for n, i in enumerate(items)]
    assert seen["items"] == expected_items
    assert seen["html"] == seen["images"] == []
    # a renderer that also turns bare URLs into links still finds only http(s) ones
    assert all(link.startswith(("http://", "https://")) for link in markdown_summary(text, linkify=True)["links"])


# Mermaid --------------------------------------------------------------------------

_NODE_LINE = re.compile(r'^  n\d+(\[\[|\[)"([^"<>`\n]*)"(\]\]|\])$')
_EDGE_LINE = re.compile(r"^  n\d+ (-->|-\.->|---) n\d+$")


def mermaid_text(label: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles=st.lists(HOSTILE, min_size=1, max_size=4), topic=HOSTILE)
def test_mermaid_labels_stay_inside_their_node(titles, topic):
    tg = graph_of([{"title": t} for t in titles], topic_title=topic)
    lines = export.to_mermaid(tg).splitlines()
    assert lines[0] == "graph LR"
    labels = []
    for line in lines[1:]:
        node = _NODE_LINE.match(line)
        assert node or _EDGE_LINE.match(line), line
        if node:
            assert "#" not in re.sub(r"#\d+;", "", node.group(2))  # every # starts an entity code
            labels.append(mermaid_text(node.group(2)))
    assert labels == [clean(t)[:export.MERMAID_LABEL_CHARS].strip() for t in [*titles, topic]]


# through the real CLI and loader ----------------------------------------------------

HOSTILE_LAYER = r"""
nodes:
  - {id: reading, kind: topic, title: "Reading \x1b]0;pwned\x07list"}
  - id: forged
    kind: paper
    title: "Forged}}, year = 1066, month = jan, note = 2"
    year: 2017
    url: "https://e.com/a)[x](javascript:alert(1)"
    topics: [reading]
    sources: [{list: evil.md, line: 1, order: 1}]
  - id: escapes
    kind: paper
    title: "Clear \x1b[2J\x1b[H screen \x1b]2;set title\x07 now"
    topics: [reading]
    sources: [{list: evil.md, line: 2, order: 2}]
"""


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_cli_exports_of_a_hostile_layer_are_inert(cli, write_layer, fmt):
    folder = write_layer(HOSTILE_LAYER)
    code, out, err = cli("export", "--format", fmt, "--graph-data", str(folder))
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    if fmt == "bibtex":
        entries = parse_bibtex(out)
        assert {e.fields["year"] for e in entries.values() if "year" in e.fields} == {"2017"}
        assert all(set(e.fields) <= {"title", "year", "url"} for e in entries.values())
    if fmt == "markdown":
        assert [unquote(link) for link in markdown_summary(out)["links"]] == [LINK_BREAKOUT]
