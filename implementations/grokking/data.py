"""The algorithmic dataset of Power et al. 2022 (Sec. 2): every equation ``a + b = c (mod p)``.

The table of all p² pairs is split once, at random, into a training and a validation part; the
training fraction is the paper's main knob (Fig. 1 uses 50% for the binary operations shown).
"""

from __future__ import annotations

import torch


def all_equations(p: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(a, b, c) over every pair 0 <= a, b < p, with c = (a + b) mod p, a-major order."""
    a = torch.arange(p).repeat_interleave(p)
    b = torch.arange(p).repeat(p)
    return a, b, (a + b) % p


def split(p: int, train_fraction: float, generator: torch.Generator):
    """((a, b, c) train, (a, b, c) validation): a random partition of the p² equations."""
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction must be in (0, 1), got {train_fraction}")
    a, b, c = all_equations(p)
    order = torch.randperm(p * p, generator=generator)
    n_train = round(train_fraction * p * p)
    train, val = order[:n_train], order[n_train:]
    return (a[train], b[train], c[train]), (a[val], b[val], c[val])
