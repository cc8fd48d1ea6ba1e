"""Both models against forwards written here from their weights alone (float64).

Eq. 1 with g_theta = ReLU after each of its layers (the relations are
non-negative before the sum) and f_phi = Linear-ReLU-Linear (logits, no
activation on the answer). Catches a missing ReLU after g_theta's last layer,
an activation on the logits, a mean over pairs instead of the sum (a missing
factor n^2), pairs without the question, and a baseline that flattens the
objects in the wrong order. ([o_j, o_i] for [o_i, o_j] is no bug: the sum runs
over every ordered pair.)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations.relation_network.model import MLPBaseline, RelationNetwork

D = torch.float64


def _linears(module: nn.Module) -> list[nn.Linear]:
    return [m for m in module.modules() if isinstance(m, nn.Linear)]


def test_relation_network_matches_equation_one_from_its_weights() -> None:
    torch.manual_seed(0)
    rn = RelationNetwork(object_dim=3, question_dim=2, num_answers=4, g_hidden=5, g_layers=2, f_hidden=6).double()
    objects, question = torch.randn(2, 3, 3, dtype=D), torch.randn(2, 2, dtype=D)
    g1, g2 = _linears(rn.g_theta)
    f1, f2 = _linears(rn.f_phi)
    with torch.no_grad():  # f_phi's hidden units active, so the size of the sum shows in the answer
        f1.bias.add_(1.0)
    expected = []
    for b in range(2):
        total = torch.zeros(5, dtype=D)
        for i in range(3):
            for j in range(3):
                pair = torch.cat([objects[b, i], objects[b, j], question[b]])
                total = total + F.relu(F.linear(F.relu(F.linear(pair, g1.weight, g1.bias)), g2.weight, g2.bias))
        expected.append(F.linear(F.relu(F.linear(total, f1.weight, f1.bias)), f2.weight, f2.bias))
    assert_close(rn(objects, question), torch.stack(expected))
    # Not vacuous: g_theta's last pre-activations take both signs (so its ReLU matters), f_phi's are alive.
    pre_g = g2(F.relu(g1(torch.cat([objects[:, 0], objects[:, 1], question], dim=-1))))
    assert (pre_g > 0).any() and (pre_g < 0).any()
    assert (f1(rn.g_theta(torch.cat([objects[:, 0], objects[:, 1], question], dim=-1))) > 0).double().mean() > 0.5


def test_mlp_baseline_reads_objects_in_slot_order_then_the_question() -> None:
    torch.manual_seed(1)
    mlp = MLPBaseline(num_objects=3, object_dim=2, question_dim=2, num_answers=4, hidden=5).double()
    objects, question = torch.randn(2, 3, 2, dtype=D), torch.randn(2, 2, dtype=D)
    l1, l2 = _linears(mlp)
    flat = torch.stack([torch.cat([objects[b, 0], objects[b, 1], objects[b, 2], question[b]]) for b in range(2)])
    assert_close(mlp(objects, question), F.linear(F.relu(F.linear(flat, l1.weight, l1.bias)), l2.weight, l2.bias))
