"""The Relation Network (Santoro et al. 2017, eq. 1) and the MLP it is compared with.

    RN(O, q) = f_phi( sum_{i,j} g_theta(o_i, o_j, q) )                      (eq. 1)

g_theta sees every ordered pair of objects (all n^2 of them, i = j included,
as in the paper) together with the question; it is one function shared by
all pairs, and the sum makes the answer independent of the order in which the
objects are listed.
"""

from __future__ import annotations

import torch
from torch import nn

from implementations._common.params import count_parameters as num_parameters  # noqa: F401  (re-exported)


def mlp(sizes: list[int], last_activation: bool = False) -> nn.Sequential:
    """Linear layers of the given sizes with ReLU between them (and after the last one if asked)."""
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2 or last_activation:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def all_pairs(objects: torch.Tensor, question: torch.Tensor) -> torch.Tensor:
    """(B, n, d), (B, q) -> (B, n*n, 2d + q) where row i*n + j is [o_i, o_j, q]."""
    B, n, d = objects.shape
    o_i = objects[:, :, None, :].expand(B, n, n, d)  # varies with i (dim 1)
    o_j = objects[:, None, :, :].expand(B, n, n, d)  # varies with j (dim 2)
    q = question[:, None, None, :].expand(B, n, n, question.shape[-1])
    return torch.cat([o_i, o_j, q], dim=-1).reshape(B, n * n, 2 * d + question.shape[-1])


class RelationNetwork(nn.Module):
    """a = f_phi(sum_{i,j} g_theta(o_i, o_j, q)), eq. 1 with the question appended to every pair (Sec. 3)."""

    def __init__(self, object_dim: int, question_dim: int, num_answers: int,
                 g_hidden: int = 64, g_layers: int = 2, f_hidden: int = 64) -> None:
        super().__init__()
        self.g_theta = mlp([2 * object_dim + question_dim] + [g_hidden] * g_layers, last_activation=True)
        self.f_phi = mlp([g_hidden, f_hidden, num_answers])

    def forward(self, objects: torch.Tensor, question: torch.Tensor) -> torch.Tensor:
        relations = self.g_theta(all_pairs(objects, question))  # (B, n^2, g_hidden): one relation per ordered pair
        return self.f_phi(relations.sum(dim=1))                  # sum over all pairs, then reason over the sum


class MLPBaseline(nn.Module):
    """The objects (in their listed order) and the question, concatenated, through a one-hidden-layer MLP.

    A wide single hidden layer learned these lookups fastest among the MLPs we
    tried (deeper, narrower ones were slower at equal parameter count).
    """

    def __init__(self, num_objects: int, object_dim: int, question_dim: int, num_answers: int,
                 hidden: int = 132, layers: int = 1) -> None:
        super().__init__()
        self.net = mlp([num_objects * object_dim + question_dim] + [hidden] * layers + [num_answers])

    def forward(self, objects: torch.Tensor, question: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([objects.flatten(1), question], dim=-1))
