"""A deep fully connected sigmoid net, with or without BN before each nonlinearity.

The paper's MNIST net (Sec. 4.1) is 3 hidden layers of 100 sigmoid units; this one is deeper so
that the plain twin's trouble shows within a CPU budget. With BN the affine layer's bias is
dropped: BN's β takes its role (Sec. 3.2).
"""

from __future__ import annotations

from torch import nn

from .bn import BatchNorm


def deep_mlp(n_in: int, width: int, depth: int, n_out: int, batch_norm: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(depth):
        layers.append(nn.Linear(n_in if i == 0 else width, width, bias=not batch_norm))
        if batch_norm:
            layers.append(BatchNorm(width))
        layers.append(nn.Sigmoid())
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)
