"""The YAML schema of graph layers, validated with pydantic.

A layer file looks like::

    list: {id: weekly-journey, title: Deep-Learning-Journey, file: weekly-journey.md}
    nodes:
      - id: resnet
        kind: paper
        title: Deep Residual Learning for Image Recognition
        aliases: [ResNet]
        authors: [Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun]
        year: 2015
        url: https://arxiv.org/abs/1512.03385
        arxiv: "1512.03385"
        topics: [cnn]
        requires:
          - {id: alexnet, reason: ResNet deepens the AlexNet/VGG recipe}
        related: [identity-mappings]
        implementation: resnet
        sources: [{list: weekly-journey.md, line: 72, order: 31}]

Unknown fields are errors, so a typo never silently drops data.
"""

from __future__ import annotations

import re
from typing import List, Literal

from .model import NODE_KINDS as MODEL_NODE_KINDS
from pydantic import BaseModel, ConfigDict, Field, field_validator

NodeKind = Literal["paper", "article", "video", "book", "course", "talk", "code", "topic"]
NODE_KINDS: tuple[str, ...] = NodeKind.__args__  # type: ignore[attr-defined]
assert NODE_KINDS == MODEL_NODE_KINDS, "the schema and the model must agree on node kinds"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._/-]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Link(Strict):
    url: str
    label: str = ""
    kind: NodeKind | None = None


class Source(Strict):
    list: str
    line: int = Field(ge=0)
    order: int = Field(default=0, ge=0)
    label: str = ""  # the list's own name for the entry ("Vanilla"): shown, never an alias or identity


class Requirement(Strict):
    id: str
    reason: str = Field(min_length=1)


class NodeSpec(Strict):
    id: str
    kind: NodeKind = "topic"
    title: str = ""
    derived_title: bool = False  # made from the URL by the importer; never used to merge by title
    aliases: list[str] = []  # curated layers: names that identify the node; imported layers: shown, never identity
    old_ids: list[str] = []  # every id this entry had in earlier imports: progress stored against them resolves
    authors: list[str] = []
    year: int | None = Field(default=None, ge=1600, le=2200)
    stars: int | None = Field(default=None, ge=0, le=10)  # a list's priority mark (":star:" x n)
    url: str | None = None
    links: list[Link] = []
    arxiv: str | None = None
    doi: str | None = None
    openreview: str | None = None
    placeholder_url: bool = False  # the url names no particular thing (shared by several entries, a repo root)
    resource_of: list[str] = []  # a concept's resource: a node only when another record names the same key
    concept: bool = False  # a list's bare concept bullet ("BERT"): joins a curated node it names by alias
    supplementary: bool = False  # a helpful extra of a week or paper ("Helpful YouTube links"): never gates
    tags: list[str] = []
    topics: list[str] = []
    description: str = ""
    requires: list[Requirement] = []
    related: list[str] = []
    implementation: str | None = None
    no_implementation: str | None = None
    sources: list[Source] = []

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError(f"id {value!r} must be a lowercase slug (a-z, 0-9, '-', '.', '/')")
        return value


class Override(Strict):
    """The user's own change to a node, kept in ``overrides.yaml``, which re-importing never rewrites."""

    id: str  # the node's id, any id it had before, or an alias
    title: str | None = None
    tags: list[str] = []
    requires: list[Requirement] = []
    notes: str | None = None  # shown as the node's description
    implementation: str | None = None  # links a list's own node (a concept like "Early Stopping") to code


class ListInfo(Strict):
    id: str
    title: str
    file: str


class CanonicalTopic(Strict):
    """A topic of the canonical topic map (curated layers): list headings and items filed under it."""

    id: str
    title: str
    keywords: list[str] = []  # how a heading about it is worded: an imported list's headings match on these
    headings: list[str] = []  # list topics (with everything under them) that belong to it
    nodes: list[str] = []  # items filed under it directly (curated papers no list files)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError(f"id {value!r} must be a lowercase slug (a-z, 0-9, '-', '.', '/')")
        return value


class LayerFile(Strict):
    nodes: List[NodeSpec] = []  # noqa: UP006 - the field below shadows ``list`` here
    overrides: List[Override] = []  # noqa: UP006
    topic_map: List[CanonicalTopic] = []  # noqa: UP006 - curated layers only (tracker.graph.topic_map)
    list: ListInfo | None = None
