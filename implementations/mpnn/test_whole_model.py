"""The whole MPNN against a per-molecule reference built from the bond list, with nn.GRUCell (float64).

The reference never sees the batch format: it loops over each molecule's
bonds in both directions, builds A(e_vw) from the edge network's weights,
updates with nn.GRUCell (weights copied into its r, z, n order) and writes
the gated sum readout out. Catches the GRU's r and z swapped, message and
state swapped in the update, a mean instead of a sum (over neighbours or over
atoms), the readout gate reading h^T twice instead of [h^T, h^0], a message
from the receiving atom instead of the sender, node offsets lost in batching,
and one message-passing step too few.
"""

from __future__ import annotations

import random

import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations.mpnn.graphs import ATOMS, BONDS, collate, random_molecule
from implementations.mpnn.model import MPNN

D = torch.float64
HIDDEN = 5


def _gru(model: MPNN) -> nn.GRUCell:
    ref = nn.GRUCell(HIDDEN, HIDDEN, dtype=D)
    ours = model.update
    with torch.no_grad():  # ours stacks z, r, n; nn.GRUCell r, z, n
        for mine, theirs in ((ours.x_proj.weight, ref.weight_ih), (ours.x_proj.bias, ref.bias_ih),
                             (ours.h_proj.weight, ref.weight_hh), (ours.h_proj.bias, ref.bias_hh)):
            z, r, n = mine.chunk(3)
            theirs.copy_(torch.cat([r, z, n]))
    return ref


def _reference(model: MPNN, graph, gru: nn.GRUCell) -> torch.Tensor:
    x = F.one_hot(torch.tensor(graph.atoms), len(ATOMS)).to(D)
    h0 = F.linear(x, model.embed.weight, model.embed.bias)
    l1, l2 = model.message.matrix[0], model.message.matrix[2]

    def edge_matrix(kind: int) -> torch.Tensor:
        e = F.one_hot(torch.tensor(kind), len(BONDS)).to(D)
        return F.linear(F.relu(F.linear(e, l1.weight, l1.bias)), l2.weight, l2.bias).view(HIDDEN, HIDDEN)

    h = h0
    for _ in range(model.steps):
        m = torch.zeros_like(h)
        for u, v, kind in graph.bonds:  # each bond carries a message both ways: w -> v is A(e_vw) h_w
            m[v] = m[v] + edge_matrix(kind) @ h[u]
            m[u] = m[u] + edge_matrix(kind) @ h[v]
        h = gru(m, h)
    r = model.readout
    gate = torch.sigmoid(F.linear(torch.cat([h, h0], dim=-1), r.gate.weight, r.gate.bias))
    pooled = (gate * F.linear(h, r.value.weight, r.value.bias)).sum(0)  # a sum over atoms
    return r.head(pooled)


def test_whole_mpnn_matches_a_per_molecule_reference() -> None:
    torch.manual_seed(0)
    model = MPNN(len(ATOMS), len(BONDS), hidden=HIDDEN, steps=3).double()
    gru = _gru(model)
    rng = random.Random(5)
    graphs = [random_molecule(rng, 4, 8) for _ in range(3)]
    batch = collate(graphs)
    batch.node_features, batch.edge_features = batch.node_features.to(D), batch.edge_features.to(D)
    expected = torch.stack([_reference(model, g, gru) for g in graphs])
    assert_close(model(batch), expected)
