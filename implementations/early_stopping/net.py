"""The small-net half: dropout's noisy digits and a 64-128-128-10 ReLU net that memorises them.

300 training digits with 30% of their labels redrawn at random (``dropout.data.noisy_digits``),
300 clean validation digits for the stopping rule, 1197 clean test digits for the verdict.
Trained long enough, the net fits the wrong labels too, and its test accuracy falls.
"""

from __future__ import annotations

import torch
from torch import nn

from implementations.dropout.data import noisy_digits

HIDDEN = 128

__all__ = ["HIDDEN", "mlp", "noisy_digits", "accuracy"]


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10))


def accuracy(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return (net(x).argmax(1) == y).float().mean().item()
