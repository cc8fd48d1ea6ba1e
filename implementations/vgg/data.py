"""sklearn's 8x8 digits on a 12x12 canvas, with VGG-style training augmentation (Sec. 3.1).

The paper trains on random crops of rescaled images (translation and scale
jittering). Here each training digit gets a random shift and scale (and, optionally,
a small rotation) every time it is drawn; held-out digits are shown centred.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

CANVAS = 12       # 8x8 digit plus a 2-pixel border to move in
N_TRAIN = 1000    # of 1797; the other 797 are held out


def load_digits_01() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 digits as (N, 1, 8, 8) ink in [0, 1], and their labels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    return x, torch.tensor(digits.target, dtype=torch.long)


def split(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded random (train, held-out) index split with ``N_TRAIN`` training examples."""
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[:N_TRAIN], order[N_TRAIN:]


def centred(x8: torch.Tensor, canvas: int = CANVAS) -> torch.Tensor:
    """Digits placed in the middle of a blank canvas."""
    before = (canvas - x8.shape[-1]) // 2
    after = canvas - x8.shape[-1] - before
    return F.pad(x8, (before, after, before, after))


def jittered(x8: torch.Tensor, generator: torch.Generator, canvas: int = CANVAS, max_shift: float = 2.0,
             max_scale: float = 0.2, max_rotation_deg: float = 0.0) -> torch.Tensor:
    """Each digit randomly shifted by up to ``max_shift`` pixels, scaled by 1 +- ``max_scale``
    and rotated by up to ``max_rotation_deg``, resampled bilinearly onto the canvas."""
    x = centred(x8, canvas)
    n = len(x)
    uniform = lambda *shape: torch.rand(*shape, generator=generator) * 2 - 1   # noqa: E731
    angle = uniform(n) * math.radians(max_rotation_deg)
    scale = 1 + uniform(n) * max_scale
    shift = uniform(n, 2) * max_shift * 2 / canvas          # affine_grid's units: canvas = [-1, 1]
    theta = torch.zeros(n, 2, 3)
    # theta maps output coordinates to input ones, hence the inverse scale.
    theta[:, 0, 0], theta[:, 0, 1] = torch.cos(angle) / scale, -torch.sin(angle) / scale
    theta[:, 1, 0], theta[:, 1, 1] = torch.sin(angle) / scale, torch.cos(angle) / scale
    theta[:, :, 2] = shift
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
