"""RealNVP (Dinh, Sohl-Dickstein & Bengio 2017): affine coupling layers and the exact log-likelihood.

An affine coupling keeps the masked half ``x_a = b * x`` and transforms the rest
with a scale and shift computed from it (paper eq. 9):

    y = b * x + (1 - b) * (x * exp(s(b * x)) + t(b * x))

Its Jacobian is triangular, so ``log |det dy/dx| = sum((1 - b) * s(b * x))``
(eq. 6 and 10), and its inverse needs no inversion of ``s`` or ``t`` (eq. 8):

    x = b * y + (1 - b) * ((y - t(b * y)) * exp(-s(b * y)))

Layers alternate masks so every coordinate gets transformed. The change of
variables (eq. 3) gives the exact density under a standard normal prior:
``log p(x) = log N(f(x); 0, I) + sum of the layers' log-determinants``.
The scale goes through ``tanh`` times a learned per-coordinate factor, which
keeps early training stable (the paper's multi-scale models rescale s too).
"""

from __future__ import annotations

import math

import torch
from torch import nn


class CouplingNet(nn.Module):
    """s and t of one coupling: an MLP on the kept half, one head for each."""

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.scale_head = nn.Linear(hidden, dim)
        self.shift_head = nn.Linear(hidden, dim)
        self.scale_factor = nn.Parameter(torch.zeros(dim))  # s starts at 0 and t at 0 (zero head):
        nn.init.zeros_(self.shift_head.weight)  # each layer, and so the flow, starts as the identity
        nn.init.zeros_(self.shift_head.bias)

    def forward(self, kept: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(kept)
        return self.scale_factor * torch.tanh(self.scale_head(h)), self.shift_head(h)


class AffineCoupling(nn.Module):
    def __init__(self, mask: torch.Tensor, hidden: int) -> None:
        super().__init__()
        self.register_buffer("mask", mask)
        self.net = CouplingNet(mask.numel(), hidden)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """y and log|det dy/dx| per sample (eq. 9 and 10)."""
        b = self.mask
        s, t = self.net(b * x)
        s, t = (1 - b) * s, (1 - b) * t
        return b * x + (1 - b) * (x * torch.exp(s) + t), s.sum(-1)

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        b = self.mask
        s, t = self.net(b * y)
        return b * y + (1 - b) * ((y - t) * torch.exp(-s))


def alternating_masks(dim: int, layers: int) -> list[torch.Tensor]:
    """Checkerboard masks for vectors: even coordinates kept, then odd ones, and so on."""
    even = (torch.arange(dim) % 2 == 0).to(torch.get_default_dtype())
    return [even if k % 2 == 0 else 1 - even for k in range(layers)]


class RealNVP(nn.Module):
    def __init__(self, dim: int = 2, layers: int = 8, hidden: int = 64) -> None:
        super().__init__()
        self.dim = dim
        self.couplings = nn.ModuleList(AffineCoupling(m, hidden) for m in alternating_masks(dim, layers))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """f(x) (data to latent) and the summed log-determinant per sample."""
        log_det = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
        for coupling in self.couplings:
            x, ld = coupling(x)
            log_det = log_det + ld
        return x, log_det

    def inverse(self, z: torch.Tensor) -> torch.Tensor:
        for coupling in reversed(self.couplings):
            z = coupling.inverse(z)
        return z

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """Exact log-density (eq. 3): the prior's log-density at f(x) plus the log-determinant."""
        z, log_det = self(x)
        return standard_normal_log_prob(z) + log_det

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        z = torch.randn(n, self.dim, generator=generator, dtype=next(self.parameters()).dtype)
        return self.inverse(z.to(next(self.parameters()).device))


def standard_normal_log_prob(z: torch.Tensor) -> torch.Tensor:
    return -0.5 * (z ** 2).sum(-1) - 0.5 * z.shape[-1] * math.log(2 * math.pi)
