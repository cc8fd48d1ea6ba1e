"""The over-parameterised net of the experiment: an MLP with one hidden layer of 512 ReLU units
(the paper's "MLP 1x512", Table 1), here about 38k parameters against 1000 training examples."""

from __future__ import annotations

from torch import nn

HIDDEN = 512


def mlp_1x512(n_in: int = 64, n_classes: int = 10) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, n_classes))
