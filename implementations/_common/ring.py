"""The ring of Gaussians the generative demos share, and how their samples are scored on it.

Eight isotropic Gaussians evenly spaced on a circle: a model that drops modes, or spreads mass
between them, is easy to see. ``mode_coverage`` counts samples near each mode; ``balanced_precision``
folds coverage and precision into one number, so that neither a blob over the whole ring nor a
model collapsed onto one mode can score well.
"""

from __future__ import annotations

import math

import torch


def mode_centres(num_modes: int = 8, radius: float = 2.0) -> torch.Tensor:
    angles = torch.arange(num_modes, dtype=torch.float64) * (2 * math.pi / num_modes)
    return radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=-1)


def sample_mixture(n: int, generator: torch.Generator, std: float = 0.1, num_modes: int = 8, radius: float = 2.0,
                   modes: torch.Tensor | None = None) -> torch.Tensor:
    """n points, each from a uniformly chosen mode (or the given ``modes`` indices) plus N(0, std^2 I) noise.

    float32, CPU. With ``modes`` given, n must equal its length.
    """
    which = torch.randint(0, num_modes, (n,), generator=generator) if modes is None else modes
    if len(which) != n:
        raise ValueError(f"sample_mixture: {len(which)} mode indices for n = {n}")
    noise = torch.randn(n, 2, generator=generator, dtype=torch.float64)
    return (mode_centres(num_modes, radius)[which] + std * noise).to(torch.float32)


def mode_coverage(samples: torch.Tensor, within: float, num_modes: int = 8, radius: float = 2.0) -> tuple[torch.Tensor, float]:
    """Fraction of samples within ``within`` of each mode, and the fraction within it of any mode."""
    dist = torch.cdist(samples.detach().cpu().to(torch.float64), mode_centres(num_modes, radius))
    near = dist < within
    return near.double().mean(dim=0), near.any(dim=1).double().mean().item()


def balanced_precision(samples: torch.Tensor, within: float, num_modes: int = 8, radius: float = 2.0) -> float:
    """Σ_k min(p_k, 1/K), p_k the fraction of samples within ``within`` of mode k.

    A sample counts only if it lies near a mode (precision), and each mode counts for at most its
    share 1/K (coverage): 1 for the data itself (up to the tail beyond ``within``), about 1/K for
    a model on one mode, and little for a blob spread over the ring.
    """
    per_mode, _ = mode_coverage(samples, within, num_modes, radius)
    return per_mode.clamp(max=1.0 / num_modes).sum().item()


def best_single_gaussian(within: float, n: int, generator: torch.Generator, num_modes: int = 8,
                         radius: float = 2.0) -> tuple[float, str]:
    """The best ``balanced_precision`` an isotropic Gaussian reaches, over a grid of centres and widths.

    Centres: the ring's centre, a mode, the midpoint between two neighbouring modes; widths from
    0.05 to 4. The baseline a generator must beat to show it models more than one bump.
    """
    centres = mode_centres(num_modes, radius)
    candidates = {"origin": torch.zeros(2, dtype=torch.float64), "a mode": centres[0],
                  "between two modes": (centres[0] + centres[1]) / 2}
    noise = torch.randn(n, 2, generator=generator, dtype=torch.float64)
    best = (-1.0, "")
    for where, centre in candidates.items():
        for std in (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0):
            score = balanced_precision(centre + std * noise, within, num_modes, radius)
            best = max(best, (score, f"N({where}, {std:g}^2 I)"))
    return best
