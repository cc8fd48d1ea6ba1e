"""Message Passing Neural Network (Gilmer et al. 2017, arXiv 1704.01212) and its edge-blind baseline.

Section 2 defines the framework: T message-passing steps

    m_v^{t+1} = sum_{w in N(v)} M_t(h_v^t, h_w^t, e_vw)          (eq. 1)
    h_v^{t+1} = U_t(h_v^t, m_v^{t+1})                              (eq. 2)

then a readout y = R({h_v^T | v in G}) (eq. 3). Choices here:
- M: the "edge network" of Section 5.1, M(h_v, h_w, e_vw) = A(e_vw) h_w, where
  an MLP maps the edge features to a d x d matrix;
- U: a GRU cell (the shared one of ``_common.recurrent``), weights shared across steps, as in GG-NN;
- R: the gated sum readout of GG-NN (Li et al. 2016, quoted in Section 2),
  sum_v sigmoid(i(h_v^T, h_v^0)) * j(h_v^T) -- not set2set.
Messages are sparse: one per directed edge, summed into nodes with index_add_.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from implementations._common.recurrent import GRUCell as SharedGRUCell

from .graphs import GraphBatch


class EdgeNetwork(nn.Module):
    """Message function M(h_v, h_w, e_vw) = A(e_vw) h_w (Section 5.1, "Edge Network")."""

    def __init__(self, edge_features: int, hidden: int) -> None:
        super().__init__()
        self.hidden = hidden
        self.matrix = nn.Sequential(nn.Linear(edge_features, 64), nn.ReLU(), nn.Linear(64, hidden * hidden))

    def edge_matrices(self, edge_features: torch.Tensor) -> torch.Tensor:
        """A(e_vw) for every edge, (edges, d, d); computed once, reused at every step."""
        return self.matrix(edge_features).view(-1, self.hidden, self.hidden)

    @staticmethod
    def aggregate(h: torch.Tensor, edge_index: torch.Tensor, matrices: torch.Tensor) -> torch.Tensor:
        """Eq. (1): m_v = sum over edges w -> v of A(e_vw) h_w, via index_add_ (no dense adjacency)."""
        source, target = edge_index
        messages = torch.bmm(matrices, h[source].unsqueeze(-1)).squeeze(-1)   # (edges, d)
        return torch.zeros_like(h).index_add_(0, target, messages)


class GRUCell(SharedGRUCell):
    """Update U(h, m) = GRU(h, m) (eq. 2): the shared GRU cell with the message m as its input.

    ``x_proj`` reads m, ``h_proj`` reads h; gate rows are stacked z, r, n.
    """

    def __init__(self, hidden: int) -> None:
        super().__init__(hidden, hidden, gate_order="zrn")


class GatedSumReadout(nn.Module):
    """R = sum_v sigmoid(i([h_v^T, h_v^0])) * j(h_v^T), summed per graph, then a small MLP to the target."""

    def __init__(self, hidden: int, outputs: int) -> None:
        super().__init__()
        self.gate = nn.Linear(2 * hidden, hidden)      # i
        self.value = nn.Linear(hidden, hidden)         # j
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, outputs))

    def forward(self, h: torch.Tensor, h0: torch.Tensor, graph_index: torch.Tensor, num_graphs: int) -> torch.Tensor:
        per_node = torch.sigmoid(self.gate(torch.cat([h, h0], dim=-1))) * self.value(h)
        pooled = h.new_zeros(num_graphs, h.shape[1]).index_add_(0, graph_index, per_node)
        return self.head(pooled)


class MPNN(nn.Module):
    """Embed atoms, T rounds of edge-network messages + GRU updates (shared weights), gated sum readout."""

    def __init__(self, node_features: int, edge_features: int, hidden: int = 32, steps: int = 3, outputs: int = 1) -> None:
        super().__init__()
        self.steps = steps
        self.embed = nn.Linear(node_features, hidden)
        self.message = EdgeNetwork(edge_features, hidden)
        self.update = GRUCell(hidden)
        self.readout = GatedSumReadout(hidden, outputs)

    def forward(self, graphs: GraphBatch) -> torch.Tensor:
        h0 = self.embed(graphs.node_features)
        matrices = self.message.edge_matrices(graphs.edge_features)
        h = h0
        for _ in range(self.steps):
            m = self.message.aggregate(h, graphs.edge_index, matrices)   # eq. (1)
            h = self.update(m, h)                                        # eq. (2)
        return self.readout(h, h0, graphs.graph_index, graphs.num_graphs)  # eq. (3)


class EdgeBlindModel(nn.Module):
    """Baseline: the same embedding and readout applied to the atoms alone, never looking at bonds."""

    def __init__(self, node_features: int, hidden: int = 32, outputs: int = 1) -> None:
        super().__init__()
        self.embed = nn.Linear(node_features, hidden)
        self.readout = GatedSumReadout(hidden, outputs)

    def forward(self, graphs: GraphBatch) -> torch.Tensor:
        h0 = self.embed(graphs.node_features)
        return self.readout(h0, h0, graphs.graph_index, graphs.num_graphs)
