"""The interacting coffee automaton and its compression-based entropy and complexity
(Aaronson, Carroll & Ouellette 2014).

State: an N x N grid of 0 (coffee) and 1 (cream), cream on top. Dynamics: adjacent
cells swap at random; swapping two equal cells changes nothing, so this is the
paper's interacting model ("pick a random adjacent pair of differing particles and
swap them") run many pairs at a time. Particles are only ever exchanged, never
created: the cream count is conserved.

* entropy estimate = compressed size of the fine-grained state;
* apparent complexity = compressed size of the coarse-grained state: each cell
  replaced by the mean of the g x g window around it, bucketed into a few levels
  (the paper's coarse-graining with three buckets).
"""

from __future__ import annotations

import zlib

import torch
import torch.nn.functional as F


def initial_state(n: int) -> torch.Tensor:
    """Cream (1) in the top half, coffee (0) in the bottom half."""
    grid = torch.zeros(n, n, dtype=torch.uint8)
    grid[: n // 2] = 1
    return grid


def sweep(grid: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """One update of the interacting model, many swaps at once.

    Picks an axis (rows or columns) and a parity at random; that tiles the grid
    into disjoint adjacent pairs (no wrap-around: the cup has walls), and each pair
    swaps with probability 1/2. Disjoint pairs make the parallel swaps
    independent, so this is a batch of the paper's single random swaps.
    """
    vertical = bool(torch.randint(0, 2, (1,), generator=gen))
    parity = int(torch.randint(0, 2, (1,), generator=gen))
    g = grid.T if vertical else grid                 # swap along columns of g
    n = g.shape[1]
    left = g[:, parity:n - 1:2]
    right = g[:, parity + 1:n:2]
    width = min(left.shape[1], right.shape[1])
    left, right = left[:, :width], right[:, :width]
    swap = (torch.rand(left.shape, generator=gen) < 0.5).to(grid.device)
    new = g.clone()
    new[:, parity:parity + 2 * width:2] = torch.where(swap, right, left)
    new[:, parity + 1:parity + 1 + 2 * width:2] = torch.where(swap, left, right)
    return new.T.contiguous() if vertical else new


def compressed_size(values: torch.Tensor) -> int:
    """Bytes zlib (level 9) needs for the array, one byte per cell, row by row."""
    return len(zlib.compress(values.to(torch.uint8).cpu().contiguous().numpy().tobytes(), 9))


def coarse_grain(grid: torch.Tensor, grain: int, levels: int = 3) -> torch.Tensor:
    """Mean over the grain x grain window around each cell, bucketed into ``levels`` values.

    Windows are clipped at the walls (the mean is over the cells that exist).
    With 3 levels the thresholds are 1/3 and 2/3: mostly coffee, mixed, mostly cream.
    """
    x = grid.to(torch.float64)[None, None]
    ones = torch.ones_like(x)
    k = torch.ones(1, 1, grain, grain, dtype=torch.float64, device=grid.device)
    pad = grain // 2
    total = F.conv2d(F.pad(x, (pad, grain - 1 - pad, pad, grain - 1 - pad)), k)
    count = F.conv2d(F.pad(ones, (pad, grain - 1 - pad, pad, grain - 1 - pad)), k)
    mean = (total / count)[0, 0]
    return torch.clamp((mean * levels).floor(), max=levels - 1).to(torch.uint8)


def entropy_estimate(grid: torch.Tensor) -> int:
    """Compressed size of the fine-grained state (the paper's entropy proxy)."""
    return compressed_size(grid)


def complexity_estimate(grid: torch.Tensor, grain: int, levels: int = 3) -> int:
    """Compressed size of the coarse-grained state (the paper's apparent complexity)."""
    return compressed_size(coarse_grain(grid, grain, levels))
