"""The baseline the paper's architecture is set against: an MLP GAN of the same parameter count.

G: z -> 72 -> 72 -> 64 pixels (ReLU, tanh out); D: 64 pixels -> 64 -> 64 -> logit (LeakyReLU 0.2).
11,152 and 8,385 parameters, against DCGAN's 10,785 and 8,657.
"""

from __future__ import annotations

import torch
from torch import nn

from .model import NOISE_DIM


class MlpGenerator(nn.Module):
    def __init__(self, hidden: int = 72, noise_dim: int = NOISE_DIM) -> None:
        super().__init__()
        self.noise_dim = noise_dim
        self.net = nn.Sequential(nn.Linear(noise_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, 64), nn.Tanh())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(-1, 1, 8, 8)


class MlpDiscriminator(nn.Module):
    def __init__(self, hidden: int = 64) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
                                 nn.Linear(hidden, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1)).squeeze(-1)
