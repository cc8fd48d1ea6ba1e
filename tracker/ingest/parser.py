"""Walk the block tree of one reading list and extract topics and items.

The five styles this understands (and mixes of them):
- headings as topics, bold-titled bullets as papers, plain sub-bullets as notes;
- a heading whose first bullets are only notes is itself a paper (``### Title``);
- ``#### Paper N: Title`` headings and bare link lists under ``### Week N``;
- nested topic bullets whose ``[[paper](url)] [[blog](url)]`` link groups are
  the resources of the thing the bullet text names;
- ``[Title](url): description`` bullets, also when the title spans two lines
  or the bullet lacks its space (``-[x](y)``);
- Obsidian notes: front matter, ``#PAPER Title (Author Year): URL`` lines with
  ``#CODE``/``#TALK`` sub-items, ``[[wiki-links]]`` and ``^block-ids``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..graph.identity import slugify
from ..gc_pause import gc_paused
from . import classify as C
from .blocks import Block, Inline, parse_blocks
from .items import ImportWarning, ParsedItem, ParsedLink, ParsedList, ParsedTopic
from .reading import read_list

WIKILINK_RE = re.compile(r"\[\[([^\[\]|#^]*)(?:#\^?([^\[\]|]*))?(?:\|([^\[\]]*))?\]\]")
PAPER_HEADING_RE = re.compile(r"^paper\s+\d+\s*[:.\-–]\s*(.+)$", re.I)
WEEK_RE = re.compile(r"^(week|day|lecture|module|part|chapter|session)\s*(\d+)\b", re.I)
ITEM_TAGS = {"paper", "book", "talk", "course", "code", "video", "blog", "article", "tutorial"}
MAX_TITLE = 300
BLOCK_REF_RE = re.compile(r"^\s*\[\[#\^([A-Za-z0-9-]+)\]\]\s*$")


def _wikilink_text(match: re.Match[str]) -> str:
    note, section, alias = match.group(1), match.group(2), match.group(3)
    return (alias or " › ".join(p for p in (note, section) if p) or "").strip()


def _clean_text(text: str) -> str:
    text = WIKILINK_RE.sub(_wikilink_text, text)
    return " ".join(text.split())


def _is_http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _strip_link_groups(text: str, inline: Inline) -> str:
    """The bullet text without its link groups: what names the thing."""
    for link in inline.links:
        if link.text:
            text = text.replace(f"[{link.text}]", " ")
            text = text.replace(link.text, " ", 1) if C.is_generic_label(link.text) or link.text == link.url else text
    text = re.sub(r"\(\s*\[*\s*\]*\s*\)|\[\s*\]", " ", text)
    text = re.sub(r"[\[\]]", " ", text)
    return " ".join(text.split()).strip(" :-–|,;")


class _Walker:
    def __init__(self, file: str, list_id: str, root_title: str) -> None:
        self.out = ParsedList(file=file, list_id=list_id, title=root_title)
        self.root = (root_title,)
        self.order = 0
        self.topic_paths: set[tuple[str, ...]] = set()
        self.block_ids: dict[str, int] = {}
        self.bold_style = False

    # -- helpers -----------------------------------------------------------
    def warn(self, line: int, message: str) -> None:
        self.out.warnings.append(ImportWarning(self.out.file, line, message))

    def next_order(self) -> int:
        self.order += 1
        return self.order

    def topic(self, path: tuple[str, ...], line: int, links: list[ParsedLink] | None = None) -> tuple[str, ...]:
        if path not in self.topic_paths:
            self.topic_paths.add(path)
            self.out.topics.append(ParsedTopic(path, path[-1], line, self.next_order(), links or []))
        return path

    def add_item(self, item: ParsedItem) -> int:
        item.title = item.title[:MAX_TITLE].strip()
        if not item.title:
            item.title = C.title_from_url(item.url) if item.url else "untitled"
            item.derived_title = True
        self.out.items.append(item)
        return len(self.out.items) - 1

    def resource(self, url: str, line: int, topic: tuple[str, ...], context: str, title: str = "",
                 label: str = "", kind: str | None = None) -> ParsedItem:
        kind = kind or C.kind_from_label(label) or C.kind_from_url(url) or C.kind_from_context(context) or "article"
        derived = not title or title == url
        return ParsedItem(
            title=C.title_from_url(url, context if kind == "video" and len(context.split()) <= 5 else "") if derived else title,
            kind=kind, line=line, order=self.next_order(), topic=topic, url=url,
            links=[ParsedLink(url, label or "", kind)], derived_title=derived,
        )

    # -- headings ------------------------------------------------------------
    def walk(self, blocks: list[Block]) -> None:
        heading_stack: list[tuple[int, tuple[str, ...]]] = []
        current = self.topic(self.root, 1)
        heading_item: int | None = None
        context = ""
        for index, block in enumerate(blocks):
            if block.kind == "heading" and block.inline:
                title = _clean_text(block.inline.text).strip(" :")
                title = C.extract_block_id(title)[0] or "untitled"
                while heading_stack and heading_stack[-1][0] >= block.level:
                    heading_stack.pop()
                parent = heading_stack[-1][1] if heading_stack else self.root
                heading_item = None
                context = ""
                paper = PAPER_HEADING_RE.match(title)
                if paper or self._heading_is_item(blocks, index):
                    name = paper.group(1) if paper else title
                    name, authors, year = C.split_authors_year(name)
                    link = next((l for l in block.inline.links if _is_http(l.url)), None)
                    item = ParsedItem(title=name, kind="paper", line=block.line, order=self.next_order(), topic=parent,
                                      url=link.url if link else None, authors=authors, year=year)
                    heading_item = self.add_item(item)
                    current = parent
                    self.topic(parent, block.line)
                    continue
                links = [ParsedLink(l.url, l.text) for l in block.inline.links if _is_http(l.url)]
                current = self.topic(parent + (title,), block.line, links)
                heading_stack.append((block.level, current))
            elif block.kind == "list":
                self.walk_list(block, current, heading_item, context)
            elif block.kind == "paragraph" and block.inline:
                context = self.paragraph(block, current, heading_item, context)

    def _heading_is_item(self, blocks: list[Block], index: int) -> bool:
        """A deep heading whose first list holds only notes names a paper, not a topic."""
        heading = blocks[index]
        if not self.bold_style or heading.level < 3 or WEEK_RE.match(heading.inline.text if heading.inline else ""):
            return False
        for block in blocks[index + 1:]:
            if block.kind == "heading":
                return False
            if block.kind == "list":
                items = [i for i in block.children if i.kind == "item"]
                return bool(items) and self._is_note(items[0]) and not any(
                    i.inline and any(_is_http(l.url) for l in i.inline.links) for i in items)
        return False

    def _is_note(self, item: Block) -> bool:
        inline = item.inline
        if inline is None:
            return True
        _, tags = C.extract_tags(inline.text)
        return not inline.links and not inline.bold_lead and not any(t.lower() in ITEM_TAGS for t in tags)

    # -- paragraphs ----------------------------------------------------------
    def paragraph(self, block: Block, topic: tuple[str, ...], heading_item: int | None, context: str) -> str:
        inline = block.inline
        text = _clean_text(inline.text)
        http_links = [l for l in inline.links if _is_http(l.url)]
        if not http_links:
            words = text.split()
            if 0 < len(words) <= 6 or text.endswith(":"):
                return text.rstrip(":").strip()  # a label for what follows
            return context
        lead = text.split(http_links[0].text)[0] if http_links[0].text else ""
        if heading_item is not None and re.search(r"link to the paper", lead, re.I):
            item = self.out.items[heading_item]
            item.url = item.url or http_links[0].url
            item.links.append(ParsedLink(http_links[0].url, "paper", "paper"))
            http_links = http_links[1:]
        for link in http_links:
            self.link_item(link, topic, heading_item, context)
        return context

    def link_item(self, link, topic, related: int | None, context: str) -> None:
        if link.text and link.text != link.url and not C.is_generic_label(link.text):
            text, year = C.leading_year(link.text)
            title, authors, year2 = C.split_authors_year(text.rstrip(". "))
            item = ParsedItem(title=title, kind=C.kind_from_url(link.url) or C.kind_from_context(context) or "article",
                              line=link.line, order=self.next_order(), topic=topic, url=link.url,
                              links=[ParsedLink(link.url)], authors=authors, year=year or year2)
        else:
            item = self.resource(link.url, link.line, topic, context)
        if related is not None:
            item.related_to.append(related)
        self.add_item(item)

    # -- lists ---------------------------------------------------------------
    def walk_list(self, block: Block, topic: tuple[str, ...], parent_item: int | None, context: str) -> None:
        for item in block.children:
            if item.kind == "item":
                self.list_item(item, topic, parent_item, context)

    def _children_named(self, item: Block) -> bool:
        """Whether a bullet's sub-bullets are things of their own (so the bullet is a topic)."""
        for sub in item.children:
            if sub.kind != "list":
                continue
            for child in sub.children:
                inline = child.inline
                if inline is None:
                    continue
                text = _clean_text(inline.text)
                _, tags = C.extract_tags(text)
                if tags and any(t.lower() in ITEM_TAGS for t in tags):
                    return True
                bare = [l for l in inline.links if l.text == l.url or not l.text]
                if inline.links and len(bare) == len(inline.links) and text.strip() == inline.links[0].text:
                    continue  # a bare URL: a link of this bullet, not a thing of its own
                if inline.links or inline.bold_lead or any(c.kind == "list" for c in child.children):
                    return True
                if len(text.split()) <= 8 and not text.endswith("."):
                    return True
        return False

    def list_item(self, block: Block, topic: tuple[str, ...], parent_item: int | None, context: str) -> None:
        inline = block.inline or Inline(line=block.line)
        ref = BLOCK_REF_RE.match(C.extract_tags(inline.text)[0])
        if ref and ref.group(1) in self.block_ids:
            target = self.out.items[self.block_ids[ref.group(1)]]
            target.also.append((topic, inline.line or block.line, self.next_order()))
            return
        raw = _clean_text(inline.text)
        raw, block_id = C.extract_block_id(raw)
        text, tags = C.extract_tags(raw)
        checked = inline.checked or bool(re.match(r"^\[[xX]\]\s", text))
        text = re.sub(r"^\[[ xX]\]\s+", "", text)
        line = inline.line or block.line
        http_links = [l for l in inline.links if _is_http(l.url)]
        generic = [l for l in http_links if C.is_generic_label(l.text)]
        named = [l for l in http_links if l not in generic and l.text and l.text != l.url]
        bare = [l for l in http_links if l not in generic and l not in named]
        has_children = any(c.kind == "list" for c in block.children)
        item_tags = [t for t in tags if t.lower() in ITEM_TAGS]
        label = _strip_link_groups(text, inline) if http_links else text.strip(" :")
        new_item: int | None = None

        if parent_item is not None and not http_links and not item_tags and not inline.bold_lead and raw:
            # Plain sub-bullets under an entry are notes on it, however deeply nested.
            target = self.out.items[parent_item]
            target.description = (target.description + "\n" if target.description else "") + text
            self._children(block, topic, parent_item, context)
            return
        if item_tags or ((generic or bare) and not named and not (label and has_children and self._children_named(block))):
            # A thing named by its text, with its resources as links:
            # "#PAPER Title (Author 2015): URL", "AlexNet [[paper](..)] [[blog](..)]",
            # "A Brief History (2020): http://..."
            if not label and bare and not item_tags:
                for link in bare:
                    self.link_item(link, topic, parent_item, context)
                self._children(block, topic, parent_item, context)
                return
            title, year = C.leading_year(label)
            title, authors, year2 = C.split_authors_year(title)
            links = [ParsedLink(l.url, l.text if l.text != l.url else "", C.kind_from_label(l.text)) for l in http_links]
            primary = next((l for l in links if l.kind == "paper"), None) or (links[0] if links else None)
            group_kind = C.kind_from_context(topic[-1]) if len(topic[-1].split()) <= 3 else None
            kind = (C.kind_from_tags(item_tags) or group_kind or (primary.kind if primary else None)
                    or next((l.kind for l in links if l.kind), None)
                    or (C.kind_from_url(primary.url) if primary else None) or C.kind_from_context(context)
                    or C.kind_from_context(" ".join(topic[-1:])) or ("article" if links else "topic"))
            item = ParsedItem(title=title, kind=kind, line=line, order=self.next_order(), topic=topic,
                              url=primary.url if primary else None, links=links, authors=authors,
                              year=year or year2, tags=tags, checked=checked, block_id=block_id)
            if parent_item is not None and (item_tags or not has_children):
                item.related_to.append(parent_item)
            new_item = self.add_item(item)
        elif named and not (has_children and self._children_named(block) and not label):
            # "[Title](url): description" — each named link is an item of its own.
            for link in named:
                self.link_item(link, topic, parent_item, context)
                new_item = len(self.out.items) - 1
            _, year = C.leading_year(text)
            if year and len(named) == 1:
                self.out.items[new_item].year = self.out.items[new_item].year or year
            self.out.items[new_item].checked = checked
            self.out.items[new_item].tags = tags
        elif has_children and self._children_named(block):
            # A grouping bullet: "**Blogs**", "Linear Algebra ([[notes](..)])", "Topics".
            title = label or inline.bold_lead or f"section at line {line}"
            links = [ParsedLink(l.url, l.text if l.text != l.url else "", C.kind_from_label(l.text)) for l in http_links]
            sub_topic = self.topic(topic + (title.strip(" :"),), line, links)
            self._children(block, sub_topic, None, title)
            return
        elif inline.bold_lead:
            lead = inline.bold_lead
            rest = text[len(lead):].strip(" -–:")
            title, authors, year = C.split_authors_year(lead)
            item = ParsedItem(title=title, kind=C.kind_from_context(context) or "paper", line=line,
                              order=self.next_order(), topic=topic, authors=authors, year=year, tags=tags,
                              description=rest, checked=checked, block_id=block_id)
            new_item = self.add_item(item)
        elif raw:
            # Plain text: a note on the thing above it, or a concept to learn.
            if parent_item is not None:
                target = self.out.items[parent_item]
                target.description = (target.description + "\n" if target.description else "") + text
            elif len(text.split()) <= 8 and not text.endswith((".", ":")) and len(topic) > 1 and block_id is None:
                item = ParsedItem(title=text, kind="topic", line=line, order=self.next_order(), topic=topic,
                                  tags=tags, checked=checked)
                new_item = self.add_item(item)
            # else: prose under a topic; not an entry
        if block_id and new_item is not None:
            self.block_ids[block_id] = new_item
            self.out.items[new_item].block_id = block_id
        self._children(block, topic, new_item if new_item is not None else parent_item, context)

    def _children(self, block: Block, topic: tuple[str, ...], parent_item: int | None, context: str) -> None:
        for child in block.children:
            if child.kind == "list":
                for sub in child.children:
                    if sub.kind == "item":
                        self._sub_item(sub, topic, parent_item, context)
            elif child.kind == "paragraph" and child.inline:
                if parent_item is not None:
                    target = self.out.items[parent_item]
                    note = _clean_text(child.inline.text)
                    target.description = (target.description + "\n" if target.description else "") + note
                    for link in child.inline.links:
                        if _is_http(link.url) and link.url not in {l.url for l in target.links}:
                            target.links.append(ParsedLink(link.url, link.text if link.text != link.url else ""))
                else:
                    self.paragraph(child, topic, None, context)

    def _sub_item(self, sub: Block, topic: tuple[str, ...], parent_item: int | None, context: str) -> None:
        """A sub-bullet under an item: a bare URL is another link of the item."""
        inline = sub.inline
        if parent_item is not None and inline is not None:
            text = _clean_text(inline.text)
            _, tags = C.extract_tags(text)
            links = [l for l in inline.links if _is_http(l.url)]
            if links and not tags and all(l.text == l.url for l in links) and text.strip() == " ".join(l.url for l in links).strip():
                target = self.out.items[parent_item]
                for link in links:
                    if link.url not in {l.url for l in target.links}:
                        target.links.append(ParsedLink(link.url, "", C.kind_from_url(link.url)))
                    if target.url is None:
                        target.url = link.url
                for child in sub.children:
                    if child.kind == "list":
                        for deeper in child.children:
                            self._sub_item(deeper, topic, parent_item, context)
                return
        self.list_item(sub, topic, parent_item, context)


def _front_matter_title(blocks: list[Block]) -> str | None:
    for block in blocks:
        if block.kind == "front_matter":
            try:
                data = yaml.safe_load(block.content)
            except yaml.YAMLError:
                return None
            if isinstance(data, dict) and isinstance(data.get("title"), str):
                return data["title"].strip() or None
    return None


def list_title(blocks: list[Block], path: Path) -> tuple[str, list[Block]]:
    """The list's own title: front matter, or a single leading H1; else the file name."""
    title = _front_matter_title(blocks)
    if title:
        return title, blocks
    headings = [b for b in blocks if b.kind == "heading"]
    h1 = [b for b in headings if b.level == 1]
    if len(h1) == 1 and headings and headings[0] is h1[0] and h1[0].inline:
        rest = [b for b in blocks if b is not h1[0]]
        return _clean_text(h1[0].inline.text) or path.stem, rest
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Reading list", blocks


@gc_paused()
def parse_text(text: str, path: Path, list_id: str | None = None) -> ParsedList:
    blocks = parse_blocks(text)
    title, blocks = list_title(blocks, path)
    walker = _Walker(path.name, list_id or slugify(path.stem), title)
    walker.bold_style = _uses_bold_titles(blocks)
    walker.walk(blocks)
    return walker.out


def _uses_bold_titles(blocks: list[Block]) -> bool:
    """Whether the list names its papers in bold (``- **Title** - note``)."""
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if block.kind == "item" and block.inline and block.inline.bold_lead:
            return True
        stack.extend(block.children)
    return False


def parse_file(path: Path, list_id: str | None = None) -> ParsedList:
    """Parse a reading list; problems become warnings, never exceptions (except unreadable files)."""
    text, warnings = read_list(path)
    try:
        parsed = parse_text(text, path, list_id)
    except RecursionError:
        parsed = ParsedList(file=path.name, list_id=list_id or slugify(path.stem), title=path.stem)
        warnings.append(ImportWarning(str(path), 1, "markup nested too deeply to parse; nothing imported"))
    for w in parsed.warnings:
        warnings.append(ImportWarning(str(path), w.line, w.message))
    parsed.warnings = warnings
    return parsed
