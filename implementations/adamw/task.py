"""The task of the demo: dropout's small noisy digits, and an MLP that overfits them without decay.

The data are ``implementations.dropout.data.noisy_digits``: 300 training digits with 30% of their
labels redrawn at random, 300 clean validation and 1197 clean test digits, disjoint. Weight decay
matters there: without it the net memorises the wrong labels.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from implementations.dropout.data import noisy_digits

HIDDEN = 128

__all__ = ["HIDDEN", "mlp", "noisy_digits", "accuracy", "train"]


def mlp() -> nn.Module:
    """64-128-128-10 ReLU, about 27k parameters for 300 examples."""
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


def accuracy(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return (net(x).argmax(1) == y).float().mean().item()


def train(net: nn.Module, opt, x: torch.Tensor, y: torch.Tensor, steps: int, batch: int,
          batches: torch.Generator, on_step=None) -> nn.Module:
    """``steps`` mini-batch steps of cross-entropy; the batch indices come from ``batches``."""
    for i in range(steps):
        idx = torch.randint(0, len(y), (batch,), generator=batches).to(x.device)
        loss = F.cross_entropy(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        if on_step is not None:
            on_step(i, loss.item())
    return net
