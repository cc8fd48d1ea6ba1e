"""The baseline: a residual 1-D CNN of about the FNO's parameter count, with circular padding (the
domain is periodic) and dilations 1, 2, 4, 8, 16, so that at 64 points its receptive field spans the
whole interval, as the FNO's global Fourier layers do.

Its filters are in grid units: at 128 points the same weights see half the physical width, which
is what the paper's resolution test exposes.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

DILATIONS = (1, 2, 4, 8, 16)


class ResidualCNN(nn.Module):
    def __init__(self, width: int = 40, kernel: int = 5, dilations: tuple[int, ...] = DILATIONS) -> None:
        super().__init__()
        self.lift = nn.Conv1d(2, width, 1)
        self.convs = nn.ModuleList(
            nn.Conv1d(width, width, kernel, dilation=d, padding=d * (kernel // 2), padding_mode="circular")
            for d in dilations)
        self.project = nn.Sequential(nn.Conv1d(width, 64, 1), nn.GELU(), nn.Conv1d(64, 1, 1))

    def forward(self, u0: torch.Tensor) -> torch.Tensor:       # (batch, n) -> (batch, n)
        n = u0.shape[-1]
        x = torch.arange(n, dtype=u0.dtype, device=u0.device) / n
        v = self.lift(torch.stack([u0, x.expand_as(u0)], dim=1))
        for conv in self.convs:
            v = v + F.gelu(conv(v))
        return self.project(v).squeeze(1)
