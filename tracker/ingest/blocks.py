"""markdown-it-py's flat token stream folded into a tree of blocks.

Each block keeps its source line (1-based) and, for headings, paragraphs and
list items, the inline tokens of its first paragraph with the line of every
link, so an entry's provenance points at the line where it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin


@dataclass
class InlineLink:
    url: str
    text: str
    line: int


@dataclass
class Inline:
    """A paragraph's content: plain text with link texts inline, and its links."""

    text: str = ""
    links: list[InlineLink] = field(default_factory=list)
    bold_lead: str = ""
    line: int = 0
    checked: bool = False


@dataclass
class Block:
    kind: str  # heading, paragraph, list, item, front_matter, other
    line: int
    level: int = 0
    inline: Inline | None = None
    children: list[Block] = field(default_factory=list)
    content: str = ""


@lru_cache(maxsize=1)
def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "html": True}).enable("linkify")
    md.use(front_matter_plugin).use(dollarmath_plugin, allow_space=True, double_inline=True).use(tasklists_plugin)
    md.validateLink = lambda url: True  # keep every link; safety is decided where links are opened
    md.normalizeLink = lambda url: url  # keep URLs exactly as written (no re-encoding): they are identities
    md.normalizeLinkText = lambda text: text
    return md


def _inline(token: Token, start_line: int) -> Inline:
    """Flatten inline children into text, links (with lines) and a bold lead."""
    out = Inline(line=start_line)
    parts: list[str] = []
    line = start_line
    link_stack: list[tuple[str, int, int]] = []
    in_strong = 0
    strong_at_start = False
    strong_text: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            line += 1
            parts.append(" ")
        elif kind == "text" or kind == "code_inline":
            parts.append(child.content)
            if in_strong:
                strong_text.append(child.content)
        elif kind in ("math_inline", "math_inline_double"):
            parts.append(f"${child.content}$")
        elif kind == "strong_open":
            if not "".join(parts).strip():
                strong_at_start = True
            in_strong += 1
        elif kind == "strong_close":
            in_strong -= 1
        elif kind == "link_open":
            link_stack.append((str(child.attrs.get("href", "")), len(parts), line))
        elif kind == "link_close" and link_stack:
            href, at, link_line = link_stack.pop()
            text = " ".join("".join(parts[at:]).split())
            out.links.append(InlineLink(href, text, link_line))
        elif kind == "image":
            continue
        elif kind == "html_inline":
            if 'type="checkbox"' in child.content:
                out.checked = "checked" in child.content
    out.text = " ".join("".join(parts).split())
    if strong_at_start:
        out.bold_lead = " ".join("".join(strong_text).split())
    return out


def parse_blocks(text: str) -> list[Block]:
    tokens = make_parser().parse(text)
    root = Block("root", 0)
    stack = [root]
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else (stack[-1].line if stack else 0)
        if token.type == "front_matter":
            stack[-1].children.append(Block("front_matter", line, content=token.content))
        elif token.type == "heading_open":
            block = Block("heading", line, level=int(token.tag[1]))
            block.inline = _inline(tokens[index + 1], line)
            stack[-1].children.append(block)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            block = Block("list", line)
            stack[-1].children.append(block)
            stack.append(block)
        elif token.type == "list_item_open":
            block = Block("item", line)
            stack[-1].children.append(block)
            stack.append(block)
        elif token.type in ("bullet_list_close", "ordered_list_close", "list_item_close"):
            stack.pop()
        elif token.type == "paragraph_open":
            inline = _inline(tokens[index + 1], line)
            parent = stack[-1]
            if parent.kind == "item" and parent.inline is None:
                parent.inline = inline
            else:
                parent.children.append(Block("paragraph", line, inline=inline))
        elif token.type == "html_block":
            stack[-1].children.append(Block("other", line, content=token.content))
    return root.children
