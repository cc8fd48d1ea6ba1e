"""The generator and discriminator: multilayer perceptrons, as in Goodfellow et al. 2014 (Sec. 5).

G maps noise z ~ N(0, I) to a point x = G(z); D maps a point to a logit l, with D(x) = σ(l) the
probability that x came from the data rather than from G. The losses work on the logit.
"""

from __future__ import annotations

import torch
from torch import nn


def mlp(sizes: list[int]) -> nn.Sequential:
    """Linear layers with ReLU between them, none after the last."""
    layers: list[nn.Module] = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if k:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(n_in, n_out))
    return nn.Sequential(*layers)


class Generator(nn.Module):
    def __init__(self, noise_dim: int = 2, hidden: int = 64, depth: int = 2, out_dim: int = 2) -> None:
        super().__init__()
        self.noise_dim = noise_dim
        self.net = mlp([noise_dim] + [hidden] * depth + [out_dim])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        p = next(self.parameters())
        z = torch.randn(n, self.noise_dim, generator=generator, dtype=p.dtype).to(p.device)
        return self(z)


class Discriminator(nn.Module):
    def __init__(self, in_dim: int = 2, hidden: int = 64, depth: int = 2) -> None:
        super().__init__()
        self.net = mlp([in_dim] + [hidden] * depth + [1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The logit l(x); D(x) = σ(l(x))."""
        return self.net(x).squeeze(-1)
