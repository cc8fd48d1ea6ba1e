"""Parameter counting, the size every equal-capacity comparison is stated in."""

from __future__ import annotations

from torch import nn


def count_parameters(model: nn.Module) -> int:
    """Every parameter scalar, a tied (shared) tensor once: ``parameters()`` yields each tensor once."""
    return sum(p.numel() for p in model.parameters())
