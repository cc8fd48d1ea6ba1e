"""The toy data: a mixture of 8 isotropic Gaussians evenly spaced on a circle, and a mode-coverage score."""

from __future__ import annotations

import math

import torch


def mode_centres(num_modes: int = 8, radius: float = 2.0) -> torch.Tensor:
    angles = torch.arange(num_modes, dtype=torch.float64) * (2 * math.pi / num_modes)
    return radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=-1)


def sample_mixture(n: int, generator: torch.Generator, std: float = 0.1, num_modes: int = 8, radius: float = 2.0) -> torch.Tensor:
    """n points, each from a uniformly chosen mode plus N(0, std^2 I) noise (float32, CPU)."""
    which = torch.randint(0, num_modes, (n,), generator=generator)
    noise = torch.randn(n, 2, generator=generator, dtype=torch.float64)
    return (mode_centres(num_modes, radius)[which] + std * noise).to(torch.float32)


def mode_coverage(samples: torch.Tensor, within: float, num_modes: int = 8, radius: float = 2.0) -> tuple[torch.Tensor, float]:
    """Fraction of samples within ``within`` of each mode, and the fraction within it of any mode."""
    dist = torch.cdist(samples.detach().cpu().to(torch.float64), mode_centres(num_modes, radius))
    near = dist < within
    return near.double().mean(dim=0), near.any(dim=1).double().mean().item()
