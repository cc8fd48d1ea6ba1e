"""Bag of bonds: the strongest cheap baseline that sees bonds but passes no messages.

Gilmer et al. compare the MPNN with hand-built molecular descriptors such as
Bag of Bonds (Hansen et al. 2015), which describe a molecule by its bonds, each
with the two atom types it joins. This learned version embeds every bond from
(its endpoint atom types, its bond type), embeds every atom from its type, and
sums both per molecule before an MLP. It knows every C=O bond and every C-N
bond, but not whether two bonds share an atom: that takes a message.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from .graphs import GraphBatch


class BagOfBondsModel(nn.Module):
    def __init__(self, node_features: int, edge_features: int, hidden: int = 32, outputs: int = 1) -> None:
        super().__init__()
        self.atom = nn.Sequential(nn.Linear(node_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        # a bond is the unordered pair of its atom types (their one-hot sum) and its own type
        self.bond = nn.Sequential(nn.Linear(node_features + edge_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, outputs))

    def forward(self, graphs: GraphBatch) -> torch.Tensor:
        source, target = graphs.edge_index
        x = graphs.node_features
        bonds = self.bond(torch.cat([x[source] + x[target], graphs.edge_features], dim=-1))
        # every bond is two directed edges with the same features: the factor 2 is absorbed by the head
        per_bond = x.new_zeros(graphs.num_graphs, bonds.shape[1]).index_add_(0, graphs.graph_index[source], bonds)
        per_atom = x.new_zeros(graphs.num_graphs, bonds.shape[1]).index_add_(0, graphs.graph_index, self.atom(x))
        return self.head(torch.cat([per_atom, per_bond], dim=-1))
