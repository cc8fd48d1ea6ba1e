"""Exact oracles for GPipe's pieces: Figure 2(c)'s timeline for K = 2, M = 2 cell by cell, the network's layer
list, and the loss weighting of uneven micro-batches checked against a hand sum."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F
from torch.testing import assert_close

from implementations.gpipe.model import make_mlp, split_into_stages
from implementations.gpipe.schedule import GPipe, simulate_schedule


def test_two_stages_two_micro_batches_timeline_cell_by_cell():
    timeline = simulate_schedule(2, 2)
    rows = [[str(c) if c is not None else "." for c in row] for row in timeline.cells]
    assert rows[0] == ["F0", "F1", ".", ".", "B1", "B0"]   # stage 0: forwards, idle, backwards last-in first-out
    assert rows[1] == [".", "F0", "F1", "B1", "B0", "."]
    assert timeline.bubble_fraction() == 4 / 12            # (K-1)/(M+K-1) = 1/3
    slow = simulate_schedule(2, 2, fwd_ticks=1, bwd_ticks=2)
    assert [str(c) if c else "." for c in slow.cells[1]] == [".", "F0", "F1", "B1", "B1", "B0", "B0", ".", "."]


def test_mlp_is_linear_tanh_blocks_with_bare_logits():
    net = make_mlp([3, 4, 5, 2], dtype=torch.float64)
    assert [type(m) for m in net] == [nn.Linear, nn.Tanh, nn.Linear, nn.Tanh, nn.Linear]
    assert [(m.in_features, m.out_features) for m in net if isinstance(m, nn.Linear)] == [(3, 4), (4, 5), (5, 2)]
    stages = split_into_stages(net, 2)
    assert [[type(m) for m in s] for s in stages] == [[nn.Linear, nn.Tanh, nn.Linear, nn.Tanh], [nn.Linear]]
    assert stages[0][0] is net[0]                          # cells share the network's parameters


def test_uneven_micro_batches_weight_each_loss_by_its_share_of_the_batch():
    torch.manual_seed(0)
    net = make_mlp([2, 3, 3], dtype=torch.float64)
    x = torch.randn(7, 2, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 0, 1, 2, 0])
    loss, _ = GPipe(split_into_stages(net, 2), 3, F.cross_entropy).step(x, y)   # micro-batches of 3, 2, 2
    per_example = F.cross_entropy(net(x), y, reduction="none")
    by_hand = (3 / 7) * per_example[:3].mean() + (2 / 7) * per_example[3:5].mean() + (2 / 7) * per_example[5:].mean()
    assert_close(loss, by_hand.detach())
    assert_close(loss, per_example.mean().detach())
