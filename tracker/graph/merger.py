"""Which records of different layers are one real thing, and what the merged node holds.

Rules (see ``tracker.graph.identity`` for the keys):
- strong keys first (arXiv, DOI, OpenReview, URL); a record never joins a node
  holding a different id of the same kind;
- then a curated name: a curated alias matches any record of that kind family,
  generic or not ("ResNet", "BERT"); a curated title only a specific title, or
  a short one whose record agrees on the year and the first author's surname;
- then a specific title of a node an imported list created; generic titles
  ("Vanilla", "Deep Learning") never merge across layers;
- a record merged by a name is provenance: its title, URL and ids become no
  identity key for later records (no chaining), and it never changes curated
  fields (title, authors, year, URL, ids) or adds aliases to a curated node;
- a concept's resource (``resource_of``) is a node only when a full record, or
  another list's resource, names the same strong key.
Callers merge layers in a canonical order (``canonical_order``), so the result
never depends on the order files were imported or listed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .identity import (is_specific_title, kind_family, normalize_title, record_ids, slugify,
                       strong_keys)
from .model import LinkRef, Node, SourceRef
from .schema import NodeSpec

Key = tuple[str, str]


def _surname(name: str) -> str:
    """"Kaiming He", "He, Kaiming", "K. He et al." -> "he"."""
    name = name.replace(" et al", "").strip(" .")
    if "," in name:
        name = name.split(",", 1)[0]
    else:
        name = name.split()[-1] if name.split() else ""
    return normalize_title(name) or ""


@dataclass
class Record:
    spec: NodeSpec
    file: str
    index: int
    curated: bool = False  # from a hand-curated layer (one without a ``list:`` header)

    @property
    def line(self) -> int:
        from .loader import line_of

        return line_of(self.file, self.index)


@dataclass(frozen=True)
class Merge:
    """One record joining a node another record created: the import report lists these."""

    file: str
    record_id: str
    title: str
    node_id: str
    via: str  # arxiv, doi, openreview, url, alias, title, id, resource


@dataclass
class MergeLog:
    """What the merge did, for the import report: every join, renamed records, curated nodes."""

    merges: list[Merge] = field(default_factory=list)
    file_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    curated: set[str] = field(default_factory=set)


def canonical_order(layers: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Curated layers first, then imported lists by list id: the same graph for any file order."""
    def key(pair):
        path, layer = pair
        info = getattr(layer, "list", None)
        return (info is not None, info.id if info else "", path)

    return sorted(layers, key=key)


class Merger:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.records: dict[str, list[Record]] = {}
        self.id_aliases: dict[str, str] = {}
        self.file_ids: dict[tuple[str, str], str] = {}
        self.keys: dict[Key, str] = {}  # strong keys -> node
        self.titles: dict[str, str] = {}  # "family:specific title" -> node
        self.curated_names: dict[str, tuple[str, str, bool]] = {}  # name -> (node, family, is an alias)
        self.held: dict[str, dict[str, set[str]]] = {}  # node -> strong ids it holds, for conflicts
        self.curated: set[str] = set()
        self.link_urls: dict[str, set[str]] = {}
        self.stubs: list[Record] = []
        self.merges: list[Merge] = []

    # -- finding -------------------------------------------------------------
    def _conflicts(self, node_id: str, ids: dict[str, str]) -> bool:
        held = self.held.get(node_id, {})
        return any(kind in held and value not in held[kind] for kind, value in ids.items())

    def _same_thing(self, node_id: str, rec: Record, ids: dict, keys: list[Key], family: str) -> str | None:
        """How a record whose id (or old id) names an existing node is that node, if it is."""
        node, spec = self.nodes[node_id], rec.spec
        if node.is_topic or spec.kind == "topic":
            return "id" if node.is_topic and spec.kind == "topic" else None
        shared = next((k for k in keys if self.keys.get(k) == node_id), None)
        if shared:
            return shared[0]
        if self._conflicts(node_id, ids) or kind_family(node.kind) != family:
            return None
        if rec.curated and not keys:
            return "id"  # a curated record adding fields to a node by its id
        norm = normalize_title(spec.title)
        if (not spec.derived_title and norm == normalize_title(node.title) and is_specific_title(norm)
                and self._facts_agree(node_id, spec)):
            return "title"
        return None

    def _same_authorship(self, node_id: str, spec: NodeSpec) -> bool:
        """A short curated title ("Pointer Networks", "Deep learning") names the record too when the year and
        the first author's surname agree: title, year and first author together are a key."""
        node = self.nodes[node_id]
        if not (node.year and spec.year and node.authors and spec.authors) or node.year != spec.year:
            return False
        return _surname(node.authors[0]) == _surname(spec.authors[0])

    def _facts_agree(self, node_id: str, spec: NodeSpec) -> bool:
        """A title merge needs the year and the first author not to differ where both are known."""
        node = self.nodes[node_id]
        if node.year and spec.year and node.year != spec.year:
            return False
        return not (node.authors and spec.authors and _surname(node.authors[0]) != _surname(spec.authors[0]))

    def _find(self, rec: Record, ids: dict, keys: list[Key], family: str) -> tuple[str | None, str | None]:
        spec = rec.spec
        for candidate in (spec.id, self.id_aliases.get(spec.id)):
            if candidate in self.nodes:
                via = self._same_thing(candidate, rec, ids, keys, family)
                if via:
                    return candidate, via
        if spec.kind == "topic":
            return self._concept_target(spec)
        for key in keys:
            found = self.keys.get(key)
            if found is not None and not self._conflicts(found, ids):
                return found, key[0]
        names = [] if spec.derived_title else [spec.title]
        if rec.curated:
            names += spec.aliases
        for name in names:
            norm = normalize_title(name)
            entry = self.curated_names.get(norm) if norm else None
            if entry is None:
                continue
            found, node_family, is_alias = entry
            # A curated alias is the curator's word that the name is this node, whatever kind a list calls it.
            if ((is_alias or node_family == family and (is_specific_title(norm) or self._same_authorship(found, spec)))
                    and not self._conflicts(found, ids)):
                return found, "alias" if is_alias else "title"
        norm = None if spec.derived_title else normalize_title(spec.title)
        if norm and is_specific_title(norm):
            found = self.titles.get(f"{family}:{norm}")
            if (found is not None and not self._conflicts(found, ids) and not self._other_url(found, keys, family)
                    and self._facts_agree(found, spec)):
                return found, "title"
        return None, None

    def _concept_target(self, spec: NodeSpec) -> tuple[str | None, str | None]:
        """A bare concept bullet that is a curated node's alias ("BERT") is that node."""
        norm = normalize_title(spec.title) if spec.concept and not spec.derived_title else None
        entry = self.curated_names.get(norm) if norm else None
        if entry and (entry[2] or is_specific_title(norm)):
            return entry[0], "alias" if entry[2] else "title"
        return None, None

    def _other_url(self, node_id: str, keys: list[Key], family: str) -> bool:
        """Two posts, videos or courses at different addresses are different things whatever their titles."""
        if family == "text":
            return False
        url = next((v for k, v in keys if k == "url"), None)
        held = self.held.get(node_id, {}).get("url")
        return bool(url and held and url not in held)

    # -- adding --------------------------------------------------------------
    def add(self, spec: NodeSpec, file: str, index: int, curated: bool = False) -> None:
        rec = Record(spec, file, index, curated)
        if spec.resource_of:
            self.stubs.append(rec)
            return
        self._add(rec)

    def _add(self, rec: Record, force_new: bool = False) -> str:
        spec = rec.spec
        ids = record_ids(spec.url, arxiv=spec.arxiv, doi=spec.doi, openreview=spec.openreview)
        keys = strong_keys(ids, spec.url, spec.placeholder_url) if spec.kind != "topic" else []
        family = kind_family(spec.kind)
        found, via = (None, None) if force_new else self._find(rec, ids, keys, family)
        if rec.curated and spec.kind != "topic":  # a curated record's other copies of the work (not its code)
            for link in spec.links:
                if link.kind in (None, spec.kind):
                    keys += [k for k in strong_keys(record_ids(link.url), link.url) if k not in keys]
        if found is None and spec.id in self.nodes:
            # Same id, different thing (e.g. a talk and a paper both titled "Deep Learning"):
            # give this record a free id; references from its own file still reach it.
            n = 2
            while f"{spec.id}-{n}" in self.nodes:
                n += 1
            self.file_ids[(rec.file, spec.id)] = f"{spec.id}-{n}"
            spec = rec.spec = spec.model_copy(update={"id": f"{spec.id}-{n}"})
        created = found is None
        if created:
            found = spec.id
            self.nodes[found] = Node(id=found, kind=spec.kind, title=spec.title or found,
                                     derived_title=spec.derived_title)
            self.link_urls[found] = set()
            if rec.curated:
                self.curated.add(found)
        else:
            self.merges.append(Merge(rec.file, spec.id, spec.title, found, via or "id"))
        node = self.nodes[found]
        if spec.id != found:
            self.id_aliases.setdefault(spec.id, found)
        for old in spec.old_ids:
            if old not in self.nodes:
                self.id_aliases.setdefault(old, found)
        by_name = via in ("alias", "title")
        into_curated = found in self.curated and not rec.curated
        if node.derived_title and spec.title and not spec.derived_title and not into_curated:
            node.title, node.derived_title = spec.title, False  # a real title beats one made from a URL
            self._register_title(found, node.title, family)
        elif created and not spec.derived_title:
            self._register_title(found, spec.title, family)
        self._merge_fields(node, spec, rec.curated, into_curated, ids if not by_name else {})
        if rec.file not in node.files:
            node.files.append(rec.file)
        self.records.setdefault(found, []).append(rec)
        if not node.is_topic and not by_name:
            for key in keys:
                self.keys.setdefault(key, found)
            held = self.held.setdefault(found, {})
            for kind, value in keys:
                held.setdefault(kind, set()).add(value)
        if rec.curated and not node.is_topic:
            self._curated_names(found, spec, family)
        return found

    def _register_title(self, node_id: str, title: str, family: str) -> None:
        norm = normalize_title(title)
        if norm and is_specific_title(norm) and self.nodes[node_id].kind != "topic":
            self.titles.setdefault(f"{family}:{norm}", node_id)

    def _curated_names(self, node_id: str, spec: NodeSpec, family: str) -> None:
        for name, is_alias in [(spec.title, False)] + [(a, True) for a in spec.aliases]:
            norm = normalize_title(name)
            if norm:
                self.curated_names.setdefault(norm, (node_id, family, is_alias))
        for alias in spec.aliases:
            slug = slugify(alias, max_length=200)
            if slug not in self.nodes:
                self.id_aliases.setdefault(slug, node_id)

    def _merge_fields(self, node: Node, spec: NodeSpec, curated: bool, into_curated: bool, ids: dict) -> None:
        def union(into: list, items: list) -> None:
            for item in items:
                if item not in into:
                    into.append(item)

        names = {normalize_title(node.title), *(normalize_title(a) for a in node.aliases)}
        if curated:
            union(node.aliases, [a for a in spec.aliases if a != node.title])
        else:  # an imported list's names for the node: found by search, never identity
            union(node.also_titled, [t for t in ([] if spec.derived_title else [spec.title]) + spec.aliases
                                     if t and normalize_title(t) not in names])
        if curated and spec.title and not spec.derived_title and normalize_title(spec.title) not in names:
            union(node.aliases, [spec.title])
        if not into_curated:
            if not node.authors:
                node.authors = list(spec.authors)
            node.year = node.year or spec.year
            node.url = node.url or spec.url
            node.arxiv = node.arxiv or ids.get("arxiv")
            node.doi = node.doi or ids.get("doi")
            node.openreview = node.openreview or ids.get("openreview")
            if spec.description and not node.description:
                node.description = spec.description
        if spec.stars and spec.stars > (node.stars or 0):
            node.stars = spec.stars
        known = self.link_urls[node.id]
        for link in spec.links:
            if link.url not in known:
                node.links.append(LinkRef(link.url, link.label, link.kind))
                known.add(link.url)
        union(node.tags, spec.tags)
        union(node.topics, spec.topics)
        if curated or not into_curated:
            node.implementation = node.implementation or spec.implementation
            node.no_implementation = node.no_implementation or spec.no_implementation
        for src in spec.sources:
            ref = SourceRef(src.list, src.line, src.order, src.label)
            if ref not in node.sources:
                node.sources.append(ref)

    # -- a concept's resources ---------------------------------------------
    def settle_resources(self) -> list[Record]:
        """Resources that another record names join that node; those that two lists share become one
        node; the rest stay links of their concept. Returns the records that joined a node."""
        joined: list[Record] = []
        pending: dict[Key, list[Record]] = {}
        for rec in self.stubs:
            spec = rec.spec
            ids = record_ids(spec.url, arxiv=spec.arxiv, doi=spec.doi, openreview=spec.openreview)
            keys = strong_keys(ids, spec.url, spec.placeholder_url)
            target = next((self.keys[k] for k in keys if k in self.keys), None)
            if target is not None:
                self._join(rec, target, next(k for k in keys if self.keys.get(k) == target)[0])
                joined.append(rec)
            elif keys:
                pending.setdefault(keys[0], []).append(rec)
        for group in pending.values():
            if len({r.file for r in group}) < 2:
                continue
            first = self._add(group[0], force_new=True)
            joined.append(group[0])
            for rec in group[1:]:
                self._join(rec, first, "resource")
                joined.append(rec)
        return joined

    def _join(self, rec: Record, node_id: str, via: str) -> None:
        node, spec = self.nodes[node_id], rec.spec
        self.merges.append(Merge(rec.file, spec.id, spec.title, node_id, via))
        if spec.id not in self.nodes:
            self.id_aliases.setdefault(spec.id, node_id)
        self.file_ids[(rec.file, spec.id)] = node_id
        union_topics = [t for t in spec.topics if t not in node.topics]
        node.topics.extend(union_topics)
        for src in spec.sources:
            ref = SourceRef(src.list, src.line, src.order, src.label)
            if ref not in node.sources:
                node.sources.append(ref)
        if rec.file not in node.files:
            node.files.append(rec.file)
        self.records.setdefault(node_id, []).append(rec)

