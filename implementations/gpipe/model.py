"""A layer-sequential network and its partition into K pipeline cells (GPipe Sec. 2.1).

GPipe treats a network as a sequence of L layers and cuts it into K contiguous
cells, one per accelerator. Each cell is an ``nn.Sequential`` here, so stage k
computes f_k(x) and the whole network is f_{K-1} o ... o f_0.
"""

from __future__ import annotations

import torch
from torch import nn


def make_mlp(widths: list[int], dtype: torch.dtype = torch.float32) -> nn.Sequential:
    """Linear -> tanh blocks for each consecutive pair of widths; the last Linear gives logits."""
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if i < len(widths) - 2:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers).to(dtype)


def split_into_stages(model: nn.Sequential, num_stages: int) -> list[nn.Sequential]:
    """Cut the layer list into ``num_stages`` contiguous cells with balanced Linear counts.

    GPipe's partitioner balances estimated cost per cell (Sec. 2.2); in an MLP
    the cost is the Linear layers, so each cell gets about the same number of
    them, and an activation stays in the cell of the Linear it follows. The
    cells share the parameters of ``model`` (no copies).
    """
    blocks: list[list[nn.Module]] = []
    for layer in model:
        if isinstance(layer, nn.Linear) or not blocks:
            blocks.append([layer])
        else:
            blocks[-1].append(layer)
    if not 1 <= num_stages <= len(blocks):
        raise ValueError(f"cannot cut {len(blocks)} Linear blocks into {num_stages} stages")
    base, extra = divmod(len(blocks), num_stages)
    stages, start = [], 0
    for k in range(num_stages):
        size = base + (1 if k < extra else 0)
        stages.append(nn.Sequential(*[m for block in blocks[start:start + size] for m in block]))
        start += size
    return stages
