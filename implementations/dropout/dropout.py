"""Dropout (Srivastava et al. 2014, Sec. 4) in its inverted form.

Training: each unit is kept with probability q = 1 − p, independently per example,
    r ~ Bernoulli(q),   ỹ = r ⊙ y / q
Test: the identity. The paper scales the weights by q at test time instead; dividing by q during
training is the same net in expectation (E[ỹ] = y) and leaves inference untouched.
"""

from __future__ import annotations

import torch
from torch import nn


class Dropout(nn.Module):
    def __init__(self, p: float) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        mask = (torch.rand_like(x) < keep).to(x.dtype)
        return x * mask / keep
