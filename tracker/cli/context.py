"""Lazily loaded state shared by CLI commands: the graph, the store, the console."""

from __future__ import annotations

import argparse
import json
import sys
from functools import cached_property
from typing import Any

from ..config import graph_dirs
from ..errors import UserError


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @cached_property
    def console(self):
        from rich.console import Console

        return Console(highlight=False, soft_wrap=True)

    @cached_property
    def graph(self):
        from ..graph.cache import load_graph_cached
        from ..graph.problems import GraphError
        from ..impl_meta import MetaError, discover

        try:
            known = set(discover())
        except MetaError as err:
            raise UserError(str(err)) from None
        try:
            graph = load_graph_cached(graph_dirs(getattr(self.args, "graph_data", None)), known_implementations=known)
        except GraphError as err:
            raise UserError("invalid graph data:\n" + "\n".join(f"  {p}" for p in err.problems)) from None
        return graph

    @cached_property
    def store(self):
        """The progress store; opened (and migrated) on first use."""
        from ..runner import close_orphaned_runs
        from ..store import StoreError, open_store

        store = open_store(getattr(self.args, "db", None))
        try:  # runs whose watcher was killed (SIGKILL, a power cut) say "running" until someone looks
            close_orphaned_runs(store)
        except StoreError:  # a read-only or locked database: the command itself still works
            pass
        return store

    def progress(self) -> dict[str, str]:
        """Status of every node with recorded progress, keyed by current graph ids."""
        from ..store.quick_read import read_statuses

        statuses = read_statuses(getattr(self.args, "db", None))
        if statuses is None:  # no database yet, one to migrate, or not SQLite: the full store handles it
            statuses = self.store.statuses()
        resolved: dict[str, str] = {}
        for node_id, status in statuses.items():
            target = node_id if node_id in self.graph.nodes else self.graph.resolve(node_id)
            if target:
                resolved[target] = status
        return resolved

    def resolve(self, key: str) -> str:
        node_id = self.graph.resolve(key)
        if node_id is None:
            from ..graph.queries import search

            hits = search(self.graph, key, limit=3)
            hint = f" (did you mean: {', '.join(h.id for h in hits)}?)" if hits else ""
            raise UserError(f"unknown node {key!r}{hint}")
        return node_id

    def print_json(self, data: Any) -> None:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
