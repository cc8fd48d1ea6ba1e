"""The network: a 64-256-256-10 ReLU MLP on the 8x8 digits (about 83k parameters for 500
training images), over-parameterised so that every batch size can fit the training set and
the minimum it ends in, not whether it fits, is what differs."""

from __future__ import annotations

from torch import nn

WIDTH = 256


def mlp(n_in: int = 64, width: int = WIDTH, n_classes: int = 10) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                         nn.Linear(width, n_classes))
