"""The Fourier neural operator for 1-D fields (Li et al. 2021, Sec. 4, Fig. 2).

    v₀ = P(u₀(x), x)                                      lift each point to ``width`` channels
    v_{l+1} = σ(W_l v_l + K_l v_l),  K_l v = F⁻¹(R_l · (F v)|_{k < modes})
    u(x) = Q(v_L(x))                                      project each point back to one value

R_l holds one complex ``width × width`` matrix per kept Fourier mode; W_l is a pointwise linear map.
Everything but F is pointwise, and F / F⁻¹ are taken with the DFT's "backward" normalisation
(1/n on the inverse), so a kept mode means the same function at any grid size: the same weights
evaluate the operator at 64 points or 128.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class SpectralConv1d(nn.Module):
    """K v = F⁻¹(R · F v) on the lowest ``modes`` frequencies; higher ones are set to zero.

    R is stored as real and imaginary parts, (width, width, modes, 2), so that ``.double()`` and the
    parameter count treat it like any real weight."""

    def __init__(self, width: int, modes: int) -> None:
        super().__init__()
        self.modes = modes
        scale = 1.0 / (width * width)
        self.weight = nn.Parameter(scale * torch.rand(width, width, modes, 2))

    @property
    def complex_weight(self) -> torch.Tensor:
        return torch.view_as_complex(self.weight)

    def forward(self, v: torch.Tensor) -> torch.Tensor:         # (batch, channels, n)
        n = v.shape[-1]
        if self.modes > n // 2:
            raise ValueError(f"{self.modes} modes need at least {2 * self.modes} grid points, got {n}")
        v_hat = torch.fft.rfft(v)
        out = torch.zeros(v.shape[0], self.weight.shape[1], n // 2 + 1, dtype=v_hat.dtype, device=v.device)
        out[..., :self.modes] = torch.einsum("bik,iok->bok", v_hat[..., :self.modes], self.complex_weight)
        return torch.fft.irfft(out, n=n)


class FNO1d(nn.Module):
    def __init__(self, width: int = 24, modes: int = 12, layers: int = 4, hidden: int = 64) -> None:
        super().__init__()
        self.lift = nn.Linear(2, width)                       # P: (u₀(x), x) -> width channels
        self.spectral = nn.ModuleList(SpectralConv1d(width, modes) for _ in range(layers))
        self.pointwise = nn.ModuleList(nn.Conv1d(width, width, 1) for _ in range(layers))   # W
        self.project = nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Linear(hidden, 1))   # Q

    def forward(self, u0: torch.Tensor) -> torch.Tensor:       # (batch, n) -> (batch, n)
        n = u0.shape[-1]
        x = torch.arange(n, dtype=u0.dtype, device=u0.device) / n
        v = self.lift(torch.stack([u0, x.expand_as(u0)], dim=-1)).transpose(1, 2)
        last = len(self.spectral) - 1
        for i, (k, w) in enumerate(zip(self.spectral, self.pointwise)):
            v = k(v) + w(v)
            if i < last:                                       # no activation after the last layer
                v = F.gelu(v)
        return self.project(v.transpose(1, 2)).squeeze(-1)


def relative_l2(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of ‖pred − target‖ / ‖target‖, the paper's error and training loss.
    Both norms are taken on the same grid, so the grid spacing cancels."""
    return ((pred - target).norm(dim=-1) / target.norm(dim=-1)).mean()
