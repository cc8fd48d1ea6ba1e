"""The FNO paper's Burgers data in miniature: initial conditions u₀ ~ N(0, 625(−Δ + 25 I)⁻²) on the
periodic unit interval (Li et al. 2021, Sec. 5.1), solved to t = 1 by ``burgers.solve`` on a grid of
128 points, then subsampled to the training resolution.

Two departures, both for a map worth learning: ν = 0.01, not 0.1 (at 0.1 diffusion flattens every
field to a constant by t = 1: what is left is 1% of the input), and the mean mode is left out (a
random constant would dominate every relative error while only shifting the field).

Every resolution is a subsample of the same fine solution (x_j = j/n), so a model trained at 64
points and tested at 128 sees the same functions, only sampled twice as densely.
"""

from __future__ import annotations

import math

import torch

from .burgers import solve

NU, T_END, DT = 0.01, 1.0, 2e-3
FINE = 128                # solver grid; every resolution used is a divisor of it (resolved: within 1e-7 of 512)
N_MODES = 32              # modes drawn for u₀; the spectrum has fallen ~1e-6 in variance by then


def field_std(k: torch.Tensor) -> torch.Tensor:
    """Standard deviation of Fourier mode k of the field with covariance 625(−Δ + 25 I)⁻²."""
    return 25.0 / ((2 * math.pi * k) ** 2 + 25.0)


def initial_conditions(count: int, generator: torch.Generator, n: int = FINE) -> torch.Tensor:
    """``count`` zero-mean Gaussian random fields sampled at x_j = j/n, as cos/sin pairs."""
    x = torch.arange(n, dtype=torch.float64) / n
    k = torch.arange(1, N_MODES + 1, dtype=torch.float64)
    std = field_std(k) * math.sqrt(2.0)                       # E[(√2 a cos)²] averaged over x = a²
    a = torch.randn(count, N_MODES, generator=generator, dtype=torch.float64) * std
    b = torch.randn(count, N_MODES, generator=generator, dtype=torch.float64) * std
    phase = 2 * math.pi * x[:, None] * k[None, :]            # (n, modes)
    return a @ torch.cos(phase).T + b @ torch.sin(phase).T


def subsample(u: torch.Tensor, n: int) -> torch.Tensor:
    """The values at x_j = j/n of a field sampled on a finer grid of a multiple of n points."""
    stride, rest = divmod(u.shape[-1], n)
    if rest:
        raise ValueError(f"resolution {n} does not divide the grid of {u.shape[-1]} points")
    return u[..., ::stride]


def burgers_pairs(count: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(u₀, u(·, 1)) on the fine grid, float64."""
    u0 = initial_conditions(count, generator)
    return u0, solve(u0, NU, T_END, DT)


def make_splits(n_train: int, n_test: int, seed: int):
    """Disjoint training and test pairs from one seeded stream (test drawn after training)."""
    gen = torch.Generator().manual_seed(seed)
    u0, u1 = burgers_pairs(n_train + n_test, gen)
    return (u0[:n_train], u1[:n_train]), (u0[n_train:], u1[n_train:])
