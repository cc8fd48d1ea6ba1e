"""The DCGAN generator and discriminator (Radford et al. 2015, Sec. 3), sized for 8x8 digits.

The paper's guidelines: strided (transposed) convolutions instead of pooling; batch norm in both
nets except G's output layer and D's input layer; no fully connected hidden layers (z is projected
and reshaped, and D's last feature map is flattened into one logit); ReLU in G with tanh at the
output; LeakyReLU (slope 0.2) in D.

    G: z (16) -> project to 32 x 2 x 2, BN, ReLU -> ConvT 4/2 -> 16 x 4 x 4, BN, ReLU -> ConvT 4/2 -> 1 x 8 x 8, tanh
    D: 1 x 8 x 8 -> Conv 4/2 -> 16 x 4 x 4, LReLU -> Conv 4/2 -> 32 x 2 x 2, BN, LReLU -> flatten -> logit
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

NOISE_DIM = 16


class ConvGenerator(nn.Module):
    def __init__(self, width: int = 32, noise_dim: int = NOISE_DIM) -> None:
        super().__init__()
        self.width, self.noise_dim = width, noise_dim
        self.project = nn.Linear(noise_dim, width * 2 * 2, bias=False)
        self.bn0 = nn.BatchNorm1d(width * 2 * 2)
        self.up1 = nn.ConvTranspose2d(width, width // 2, 4, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width // 2)
        self.up2 = nn.ConvTranspose2d(width // 2, 1, 4, stride=2, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.bn0(self.project(z))).view(-1, self.width, 2, 2)
        h = F.relu(self.bn1(self.up1(h)))
        return torch.tanh(self.up2(h))


class ConvDiscriminator(nn.Module):
    def __init__(self, width: int = 32) -> None:
        super().__init__()
        self.down1 = nn.Conv2d(1, width // 2, 4, stride=2, padding=1)
        self.down2 = nn.Conv2d(width // 2, width, 4, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.logit = nn.Linear(width * 2 * 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.leaky_relu(self.down1(x), 0.2)
        h = F.leaky_relu(self.bn2(self.down2(h)), 0.2)
        return self.logit(h.flatten(1)).squeeze(-1)
