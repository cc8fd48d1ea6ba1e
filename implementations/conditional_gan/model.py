"""Conditional generator and discriminator (Mirza & Osindero 2014, Sec. 3.2): both players see y.

G(z | y) and D(x | y): the label enters as a one-hot vector concatenated to the input, the simplest
form of the paper's "y is fed into both the discriminator and generator as additional input layer".
(The paper's MNIST nets first map z and y through separate hidden layers and then join them; here
they are joined at the input.)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from implementations.gan.model import mlp


class ConditionalGenerator(nn.Module):
    def __init__(self, classes: int, noise_dim: int = 2, hidden: int = 64, depth: int = 2, out_dim: int = 2) -> None:
        super().__init__()
        self.classes, self.noise_dim = classes, noise_dim
        self.net = mlp([noise_dim + classes] + [hidden] * depth + [out_dim])

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([z, F.one_hot(y, self.classes).to(z.dtype)], dim=-1))


class ConditionalDiscriminator(nn.Module):
    def __init__(self, classes: int, in_dim: int = 2, hidden: int = 64, depth: int = 2) -> None:
        super().__init__()
        self.classes = classes
        self.net = mlp([in_dim + classes] + [hidden] * depth + [1])

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The logit of D(x | y)."""
        return self.net(torch.cat([x, F.one_hot(y, self.classes).to(x.dtype)], dim=-1)).squeeze(-1)
