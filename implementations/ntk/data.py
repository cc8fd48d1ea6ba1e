"""Points on the unit circle (the paper's Fig. 1-2 use the circle too) and a smooth target."""

from __future__ import annotations

import math

import torch


def circle(angles: torch.Tensor) -> torch.Tensor:
    """(cos γ, sin γ, 1)/√2: the unit circle with a constant input, which plays the bias's part.

    Without it the bias-free ReLU NTK on the circle has zero weight on odd frequencies >= 3, so
    Θ(X, X) is near-singular for more than 5 points and its slowest modes are at the mercy of
    any finite-width fluctuation."""
    return torch.stack([torch.cos(angles), torch.sin(angles), torch.ones_like(angles)], dim=1) / 2**0.5


def make_task(n_train: int, n_test: int, generator: torch.Generator):
    """n_train points at jittered even angles with y = sin(2γ) + 0.5 cos(3γ); n_test even angles."""
    base = torch.arange(n_train, dtype=torch.float64) * 2 * math.pi / n_train
    angles = base + 0.3 * torch.rand(n_train, generator=generator, dtype=torch.float64)
    y = torch.sin(2 * angles) + 0.5 * torch.cos(3 * angles)
    test_angles = torch.arange(n_test, dtype=torch.float64) * 2 * math.pi / n_test
    return circle(angles), y, circle(test_angles)
