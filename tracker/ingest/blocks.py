"""A reading list's CommonMark tree, folded into the blocks the parser walks.

markdown-it-pyrs (markdown-it's Rust port) builds the syntax tree with byte
offsets; it parses a 1 MB list about three times faster than markdown-it-py
and has no nesting limit that silently drops entries. Each block keeps its
1-based source line; headings, paragraphs, list items and table cells carry
their inline content flattened into text, with every link's line and position
and every bold/italic span, so the parser can tell a title from its labels.
HTML anchors (``<a href>``), reference-style links and linkified bare URLs
all come out as links.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape

from markdown_it_pyrs import MarkdownIt, Node

ANCHOR_RE = re.compile(r"""<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a\s*>""", re.I | re.S)
TAG_RE = re.compile(r"<[^>]+>")
BREAK_TAG_RE = re.compile(r"<br\s*/?>", re.I)


@dataclass
class InlineLink:
    url: str
    text: str
    line: int
    start: int = 0  # position of the link text in Inline.text
    end: int = 0


@dataclass
class Span:
    """A bold, italic or underscored stretch of text (outside links), as positions in Inline.text."""

    kind: str  # strong | em
    text: str
    start: int
    end: int


@dataclass
class Inline:
    """A paragraph's content: text with link texts inline, its links, its emphasis spans."""

    text: str = ""
    links: list[InlineLink] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    bold_lead: str = ""
    line: int = 0
    checked: bool = False
    raw: str = ""  # the text with its original spacing (two spaces often separate a title from its summary)


@dataclass
class Block:
    kind: str  # heading, paragraph, list, item, table, front_matter, other
    line: int
    level: int = 0
    inline: Inline | None = None
    children: list[Block] = field(default_factory=list)
    content: str = ""
    rows: list[list[Inline]] = field(default_factory=list)  # table rows (the first is the header)
    depth: int = 0  # list nesting depth of an item


@lru_cache(maxsize=1)
def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    md.enable_many(["table", "linkify", "front_matter", "tasklist", "strikethrough"])
    return md


class _Lines:
    """Byte offset -> 1-based line."""

    def __init__(self, data: bytes, first_line: int = 1) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
        self.shift = first_line - 1

    def __call__(self, offset: int | None) -> int:
        return bisect_right(self.starts, offset) + self.shift if offset is not None else 0


INLINE_CONTAINERS = {"strong", "em", "strikethrough", "link", "autolink", "linkify"}
BLOCK_NAMES = {"paragraph", "heading", "bullet_list", "ordered_list", "table", "blockquote", "html_block",
               "front_matter", "fence", "code_block", "hr", "definition", "list_item"}


class _InlineBuilder:
    def __init__(self, line_of: _Lines, start_line: int) -> None:
        self.line_of = line_of
        self.out = Inline(line=start_line)
        self.parts: list[str] = []
        self.size = 0
        self.line = start_line
        self.in_link = 0
        self.html_link: tuple[str, int, int] | None = None

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def node(self, node: Node) -> None:
        name = node.name
        meta = node.meta
        if name in ("text", "text_special"):
            self.emit(meta.get("content", ""))
        elif name == "code_inline":
            self.emit(meta.get("content", "") if "content" in meta else _node_text(node))
        elif name in ("softbreak", "hardbreak"):
            self.line += 1
            self.emit(" ")
        elif name == "todo_checkbox":
            self.out.checked = bool(meta.get("checked"))
        elif name == "linkify" and not re.match(r"(https?://|www\.)", _node_text(node), re.I):
            self.emit(_node_text(node))  # "deeplearning.ai" in prose is a name, not a link
        elif name in ("link", "autolink", "linkify"):
            url = str(meta.get("url", ""))
            line = self.line_of(node.srcmap[0]) if node.srcmap else self.line
            start = self.size
            self.in_link += 1
            for child in node.children:
                self.node(child)
            self.in_link -= 1
            text = "".join(self.parts)[start:]
            self.out.links.append(InlineLink(url, " ".join(text.split()), line, start, self.size))
        elif name in ("strong", "em"):
            start = self.size
            for child in node.children:
                self.node(child)
            if not self.in_link:
                text = "".join(self.parts)[start:]
                self.out.spans.append(Span(name, " ".join(text.split()), start, self.size))
        elif name == "html_inline":
            self.html(meta.get("content", ""))
        elif name == "image":
            return  # badges and pictures are not entries
        elif name in BLOCK_NAMES:
            return  # a nested block ends the inline run (handled by the block walker)
        else:
            for child in node.children:
                self.node(child)

    def html(self, content: str) -> None:
        """``<a href="u">text</a>`` written inline becomes a link; ``<br>`` a separator."""
        low = content.lower()
        match = re.match(r"""<a\s[^>]*?href\s*=\s*["']([^"']*)["']""", content, re.I)
        if match:
            self.html_link = (unescape(match.group(1)), self.size, self.line)
        elif low.startswith("</a") and self.html_link:
            url, start, line = self.html_link
            self.html_link = None
            text = "".join(self.parts)[start:]
            self.out.links.append(InlineLink(url, " ".join(text.split()), line, start, self.size))
        elif BREAK_TAG_RE.fullmatch(content.strip()):
            self.emit("  ")
        elif 'type="checkbox"' in low:
            self.out.checked = "checked" in low

    def finish(self) -> Inline:
        raw = "".join(self.parts)
        out = self.out
        out.raw = raw
        out.text, shift = _collapse(raw)
        for link in out.links:
            link.start, link.end = shift(link.start), shift(link.end)
        for span in out.spans:
            span.start, span.end = shift(span.start), shift(span.end)
        out.spans.sort(key=lambda s: s.start)
        lead = out.spans[0] if out.spans else None
        if lead and lead.kind == "strong" and not out.text[: lead.start].strip():
            out.bold_lead = lead.text
        return out


_SPACE_RUN_RE = re.compile(r"\s+")


def _collapse(raw: str):
    """Whitespace runs become one space (and the ends are trimmed); returns the text and a position map."""
    starts: list[int] = []  # raw position where each dropped stretch begins
    removed: list[int] = []  # characters dropped up to and including that stretch
    out: list[str] = []
    last = dropped = 0
    for match in _SPACE_RUN_RE.finditer(raw):
        a, b = match.span()
        keep = 0 if a == 0 or b == len(raw) else 1
        if b - a == keep and match.group() == " ":
            continue  # a single space stays as it is
        out.append(raw[last:a])
        out.append(" " if keep else "")
        starts.append(a + keep)
        dropped += b - a - keep
        removed.append(dropped)
        last = b
    if not starts:
        return raw, lambda pos: pos
    out.append(raw[last:])
    text = "".join(out)
    size = len(text)

    def shift(pos: int) -> int:
        i = bisect_right(starts, pos) - 1
        if i < 0:
            return min(pos, size)
        run_start = starts[i]
        before = removed[i - 1] if i else 0
        gone = removed[i] - before
        inside = min(pos - run_start, gone)  # positions inside a dropped stretch land at its end
        return min(pos - before - inside, size)

    return text, shift


def _node_text(node: Node) -> str:
    parts = []
    stack = [node]
    while stack:
        current = stack.pop()
        if "content" in current.meta and current.name != "front_matter":
            parts.append(current.meta["content"])
        stack.extend(reversed(current.children))
    return "".join(parts)


def _inline_of(nodes: list[Node], line_of: _Lines, start_line: int) -> Inline:
    builder = _InlineBuilder(line_of, start_line)
    for node in nodes:
        builder.node(node)
    return builder.finish()


def _html_block(content: str, line: int) -> Block:
    """An HTML block: its anchors become a paragraph of links (its other markup is dropped)."""
    links: list[InlineLink] = []
    parts: list[str] = []
    size = 0
    pos = 0
    for match in ANCHOR_RE.finditer(content):
        before = unescape(TAG_RE.sub(" ", content[pos:match.start()]))
        parts.append(before)
        size += len(before)
        text = " ".join(unescape(TAG_RE.sub(" ", match.group(2))).split())
        parts.append(text)
        lines_before = content.count("\n", 0, match.start())
        links.append(InlineLink(unescape(match.group(1)), text, line + lines_before, size, size + len(text)))
        size += len(text)
        pos = match.end()
    parts.append(unescape(TAG_RE.sub(" ", content[pos:])))
    raw = "".join(parts)
    if not links:
        return Block("other", line, content=content)
    text, shift = _collapse(raw)
    for link in links:
        link.start, link.end = shift(link.start), shift(link.end)
    return Block("paragraph", line, inline=Inline(text=text, links=links, line=line, raw=raw))


MAX_DEPTH = 40  # deeper lists are flattened (with a warning): the walkers recurse once per level


class _Folder:
    def __init__(self, data: bytes, first_line: int = 1, notes: list[tuple[int, str]] | None = None) -> None:
        self.line_of = _Lines(data, first_line)
        self.notes = notes

    def line(self, node: Node) -> int:
        return self.line_of(node.srcmap[0]) if node.srcmap else 0

    def blocks(self, nodes: list[Node], depth: int = 0) -> list[Block]:
        out: list[Block] = []
        for node in nodes:
            name = node.name
            if name == "front_matter":
                out.append(Block("front_matter", self.line(node), content=node.meta.get("content", "")))
            elif name == "heading":
                line = self.line(node)
                out.append(Block("heading", line, level=int(node.meta.get("level", 1)),
                                 inline=_inline_of(node.children, self.line_of, line)))
            elif name == "paragraph":
                line = self.line(node)
                out.append(Block("paragraph", line, inline=_inline_of(node.children, self.line_of, line)))
            elif name in ("bullet_list", "ordered_list"):
                block = Block("list", self.line(node))
                block.children = [self.item(child, depth + 1) for child in node.children if child.name == "list_item"]
                out.append(block)
            elif name == "blockquote":
                out.extend(self.blocks(node.children, depth))
            elif name == "table":
                out.append(self.table(node))
            elif name == "html_block":
                out.append(_html_block(node.meta.get("content", ""), self.line(node)))
        return out

    def item(self, node: Node, depth: int) -> Block:
        line = self.line(node)
        block = Block("item", line, depth=depth)
        inline_nodes: list[Node] = []
        rest: list[Node] = []
        for child in node.children:
            if child.name in BLOCK_NAMES or rest:
                rest.append(child)
            else:
                inline_nodes.append(child)
        if inline_nodes:
            block.inline = _inline_of(inline_nodes, self.line_of, line)
        elif rest and rest[0].name in ("paragraph", "heading"):
            first = rest.pop(0)
            block.inline = _inline_of(first.children, self.line_of, self.line(first) or line)
            if first.name == "heading":
                block.level = int(first.meta.get("level", 1))
        if block.inline is not None:
            for child in node.children:
                if child.name == "todo_checkbox":
                    block.inline.checked = bool(child.meta.get("checked"))
        if depth >= MAX_DEPTH:
            block.children = self.flattened(rest, depth)
        else:
            block.children = self.blocks(rest, depth)
        return block

    def flattened(self, nodes: list[Node], depth: int) -> list[Block]:
        """Items nested past MAX_DEPTH, as one flat list under the deepest kept item: none is lost."""
        flat = Block("list", self.line(nodes[0]) if nodes else 0)
        stack = list(reversed(nodes))
        while stack:
            node = stack.pop()
            if node.name == "list_item":
                inner = [c for c in node.children if c.name in ("bullet_list", "ordered_list")]
                item = self.item_shallow(node, depth + 1)
                flat.children.append(item)
                for sub in reversed(inner):
                    stack.extend(reversed(sub.children))
            elif node.name in ("bullet_list", "ordered_list"):
                stack.extend(reversed(node.children))
        if flat.children and self.notes is not None:
            self.notes.append((flat.children[0].line, f"lists nested deeper than {MAX_DEPTH} levels are read as "
                                                      f"one level below level {MAX_DEPTH}"))
        return [flat] if flat.children else []

    def item_shallow(self, node: Node, depth: int) -> Block:
        """A list item without its nested lists (they are flattened by the caller)."""
        line = self.line(node)
        block = Block("item", line, depth=depth)
        inline_nodes = [c for c in node.children if c.name not in BLOCK_NAMES]
        paragraphs = [c for c in node.children if c.name in ("paragraph", "heading")]
        if inline_nodes:
            block.inline = _inline_of(inline_nodes, self.line_of, line)
        elif paragraphs:
            block.inline = _inline_of(paragraphs[0].children, self.line_of, self.line(paragraphs[0]) or line)
        return block

    def table(self, node: Node) -> Block:
        block = Block("table", self.line(node))
        for section in node.children:
            for row in section.children:
                if row.name != "trow":
                    continue
                row_line = self.line(row)
                block.rows.append([_inline_of(cell.children, self.line_of, row_line) for cell in row.children])
        return block


class _ParserPanic(Exception):
    """markdown-it-pyrs gave up on this text (a Rust panic, e.g. ``[`a`` with no closing backtick)."""


@contextmanager
def _quiet_stderr():
    """The Rust side prints its panic message straight to fd 2; the user should see our warning instead."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _tree(text: str) -> Node:
    try:
        with _quiet_stderr():
            return make_parser().tree(text)
    except BaseException as err:  # pyo3's PanicException derives from BaseException
        if isinstance(err, (KeyboardInterrupt, SystemExit)):
            raise
        raise _ParserPanic(str(err)) from None


_CHUNK_RE = re.compile(r"\n[ \t]*\n(?=\S)")


def parse_blocks(text: str, notes: list[tuple[int, str]] | None = None) -> list[Block]:
    """The block tree of a document; a stretch the fast parser cannot read is re-read with its backticks escaped."""
    try:
        tree = _tree(text)
    except _ParserPanic:
        return _parse_in_chunks(text, notes)
    return _Folder(text.encode("utf-8"), 1, notes).blocks(tree.children)


def _parse_in_chunks(text: str, notes: list[tuple[int, str]] | None) -> list[Block]:
    blocks: list[Block] = []
    start = 0
    line = 1
    bounds = [m.end() for m in _CHUNK_RE.finditer(text)] + [len(text)]
    for end in bounds:
        chunk = text[start:end]
        try:
            tree = _tree(chunk)
        except _ParserPanic:
            chunk = chunk.replace("`", "\\`")
            if notes is not None:
                notes.append((line, "unbalanced backticks here; read as plain text"))
            try:
                tree = _tree(chunk)
            except _ParserPanic:
                if notes is not None:
                    notes.append((line, "could not parse this part of the list; skipped"))
                start, line = end, line + text.count("\n", start, end)
                continue
        blocks.extend(_Folder(chunk.encode("utf-8"), line, notes).blocks(tree.children))
        start, line = end, line + text.count("\n", start, end)
    return blocks
