"""Generated molecule-like graphs and a batching format for sparse message passing.

Atoms are C, N or O (one-hot node features) with degree capped at their
valence (4, 3, 2). A random spanning tree plus a few ring-closing bonds gives
the skeleton; each bond is single or double (one-hot edge features). Two
targets: the number of carbonyl groups, C=O double bonds (a property of single
bonds, which the atom types alone cannot tell), and the number of acyl groups,
O=C-X with X = N or O single-bonded to the carbonyl carbon (amides, esters,
acids): a pattern of two bonds that share an atom, which a list of bonds cannot
tell either.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

ATOMS = ("C", "N", "O")
ATOM_PROBS = (0.55, 0.15, 0.3)
VALENCE = {"C": 4, "N": 3, "O": 2}
BONDS = ("single", "double")
DOUBLE_BOND_PROB = 0.5


@dataclass
class Graph:
    atoms: list[int]                     # index into ATOMS per node
    bonds: list[tuple[int, int, int]]    # (u, v, bond type), each bond once


@dataclass
class GraphBatch:
    """A disjoint union of graphs; every bond appears as two directed edges."""

    node_features: torch.Tensor   # (nodes, len(ATOMS))
    edge_index: torch.Tensor      # (2, edges): source w, target v of message w -> v
    edge_features: torch.Tensor   # (edges, len(BONDS))
    graph_index: torch.Tensor     # (nodes,) which graph each node belongs to
    num_graphs: int

    def to(self, device) -> "GraphBatch":
        return GraphBatch(self.node_features.to(device), self.edge_index.to(device),
                          self.edge_features.to(device), self.graph_index.to(device), self.num_graphs)


def random_molecule(rng: random.Random, min_atoms: int = 6, max_atoms: int = 16, max_rings: int = 2) -> Graph:
    n = rng.randint(min_atoms, max_atoms)
    atoms = rng.choices(range(len(ATOMS)), weights=ATOM_PROBS, k=n)
    atoms[0] = 0                                      # start every skeleton from a carbon
    free = [VALENCE[ATOMS[a]] for a in atoms]
    bonds: list[tuple[int, int, int]] = []

    def bond(u: int, v: int) -> None:
        kind = 1 if (rng.random() < DOUBLE_BOND_PROB and free[u] >= 2 and free[v] >= 2) else 0
        bonds.append((u, v, kind))
        free[u] -= 1 + kind
        free[v] -= 1 + kind

    for v in range(1, n):                             # spanning tree: attach to an earlier atom with room
        candidates = [u for u in range(v) if free[u] > 0]
        if not candidates:
            atoms, n = atoms[:v], v
            break
        bond(rng.choice(candidates), v)
    linked = {(u, v) for u, v, _ in bonds} | {(v, u) for u, v, _ in bonds}
    for _ in range(rng.randint(0, max_rings)):        # ring closures
        pairs = [(u, v) for u in range(n) for v in range(u + 2, n) if free[u] > 0 and free[v] > 0 and (u, v) not in linked]
        if pairs:
            u, v = rng.choice(pairs)
            bond(u, v)
            linked |= {(u, v), (v, u)}
    return Graph(atoms, bonds)


def carbonyl_count(graph: Graph) -> int:
    """Number of C=O double bonds."""
    c, o = ATOMS.index("C"), ATOMS.index("O")
    return sum(1 for u, v, kind in graph.bonds if kind == 1 and {graph.atoms[u], graph.atoms[v]} == {c, o})


def acyl_count(graph: Graph) -> int:
    """Number of carbonyl carbons that also have a single bond to an N or an O (O=C-N, O=C-O)."""
    c, n, o = (ATOMS.index(a) for a in ("C", "N", "O"))
    double_o, single_x = set(), set()
    for u, v, kind in graph.bonds:
        for a, b in ((u, v), (v, u)):
            if graph.atoms[a] != c:
                continue
            if kind == 1 and graph.atoms[b] == o:
                double_o.add(a)
            elif kind == 0 and graph.atoms[b] in (n, o):
                single_x.add(a)
    return len(double_o & single_x)


def collate(graphs: list[Graph]) -> GraphBatch:
    """Stack graphs into one disjoint graph with offset node ids."""
    features, sources, targets, edge_kinds, owner = [], [], [], [], []
    offset = 0
    for g, graph in enumerate(graphs):
        features += graph.atoms
        owner += [g] * len(graph.atoms)
        for u, v, kind in graph.bonds:
            sources += [offset + u, offset + v]
            targets += [offset + v, offset + u]
            edge_kinds += [kind, kind]
        offset += len(graph.atoms)
    return GraphBatch(
        node_features=torch.nn.functional.one_hot(torch.tensor(features), len(ATOMS)).float(),
        edge_index=torch.tensor([sources, targets], dtype=torch.long).reshape(2, -1),
        edge_features=torch.nn.functional.one_hot(torch.tensor(edge_kinds, dtype=torch.long), len(BONDS)).float().reshape(-1, len(BONDS)),
        graph_index=torch.tensor(owner),
        num_graphs=len(graphs),
    )
