"""The noise predictor eps_theta(x_t, t): an MLP on the point and a sinusoidal embedding of t.

The paper uses a U-Net and feeds t through the Transformer sinusoidal
position embedding (Sec. 4, Appendix B); for 2-D points an MLP that reads
[x_t, embedding(t)] does the job.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def sinusoidal_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Transformer position encoding of the step: [sin(t w_i), cos(t w_i)], w_i = 10000^(-i/(dim/2))."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float64) / half)
    angles = t.to(torch.float64)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)


class NoisePredictor(nn.Module):
    """eps_theta(x_t, t) for points in R^data_dim: a SiLU MLP whose every hidden layer also reads a learned time feature.

    The time feature (sinusoidal embedding -> small MLP) is added to every
    hidden layer, as the paper's U-Net adds it to every residual block; this
    learns far faster than concatenating the embedding to the input once.
    """

    def __init__(self, data_dim: int = 2, hidden: int = 64, time_dim: int = 32, depth: int = 3) -> None:
        super().__init__()
        self.time_dim = time_dim
        self.time_mlp = nn.Sequential(nn.Linear(time_dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden))
        self.layers = nn.ModuleList(nn.Linear(data_dim if i == 0 else hidden, hidden) for i in range(depth))
        self.time_proj = nn.Linear(hidden, depth * hidden)  # one bias per hidden layer, computed in one matmul
        self.out = nn.Linear(hidden, data_dim)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        time_feature = self.time_mlp(sinusoidal_embedding(t, self.time_dim).to(x.dtype))
        biases = self.time_proj(time_feature).chunk(len(self.layers), dim=-1)
        h = x
        for layer, bias in zip(self.layers, biases):
            h = nn.functional.silu(layer(h) + bias)
        return self.out(h)
