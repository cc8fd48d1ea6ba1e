"""The critic and generator: the GAN's MLPs (``gan.model``), with the critic's output left unsquashed.

A WGAN critic outputs a real-valued score f(x), not a probability: there is no sigmoid, and the
same Linear-ReLU network that gives the GAN discriminator's logit gives the critic's score.
"""

from __future__ import annotations

import torch
from torch import nn

from implementations.gan.model import mlp


class Critic(nn.Module):
    def __init__(self, in_dim: int = 1, hidden: int = 64, depth: int = 2) -> None:
        super().__init__()
        self.net = mlp([in_dim] + [hidden] * depth + [1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)
