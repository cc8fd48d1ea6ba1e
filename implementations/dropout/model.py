"""The over-parameterised classifier: 64-512-512-10 ReLU, dropout on the input (p_in) and on both
hidden layers (p_hidden), the paper's placement for fully connected nets (Sec. 6.1.1 uses
p = 0.2 on the inputs and 0.5 on the hidden units)."""

from __future__ import annotations

from torch import nn

from .dropout import Dropout

HIDDEN = 512


def mlp(p_in: float = 0.0, p_hidden: float = 0.0, n_in: int = 64, n_out: int = 10) -> nn.Sequential:
    return nn.Sequential(
        Dropout(p_in), nn.Linear(n_in, HIDDEN), nn.ReLU(),
        Dropout(p_hidden), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
        Dropout(p_hidden), nn.Linear(HIDDEN, n_out),
    )
