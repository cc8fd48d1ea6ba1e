"""The size arithmetic of the unpadded U-Net (Sec. 2, Fig. 1): which tiles fit, what comes out, what each output sees.

Every 3x3 convolution is unpadded ("valid"), so a double convolution takes 4
pixels off each side length; a 2x2 max-pool halves it and must see an even
length, so that no row or column is dropped; a 2x2 up-convolution doubles
it. The skip connection crops the contracting path's map to the centre of the
same size as the up-convolved one. The paper picks the input tile so that
every pooling sees an even size (Sec. 2); ``check_input_size`` refuses others.
"""

from __future__ import annotations

import torch


def level_sizes(size: int, depth: int) -> dict[str, list[int]]:
    """Side lengths: 'down' after each contracting double conv (depth + 1 of them, the last is the
    bottom), 'up' after each up-conv and 'out' after each expansive double conv (depth each, coarse first)."""
    down, up, out = [], [], []
    for level in range(depth + 1):
        size -= 4
        down.append(size)
        if level < depth:
            size //= 2
    for _ in range(depth):
        size *= 2
        up.append(size)
        size -= 4
        out.append(size)
    return {"down": down, "up": up, "out": out}


def check_input_size(size: int, depth: int) -> None:
    """Raise ValueError unless every pooling sees an even side and every map keeps at least one pixel."""
    s = size
    for level in range(depth):
        s -= 4
        if s <= 0 or s % 2:
            raise ValueError(f"a depth-{depth} U-Net cannot take a {size}-pixel tile: the map before "
                             f"pooling {level + 1} is {s} pixels, not a positive even number; "
                             f"valid sizes near it: {valid_input_sizes(depth, size - 32, size + 32)}")
        s //= 2
    if level_sizes(size, depth)["out"][-1] < 1:
        raise ValueError(f"a {size}-pixel tile is too small for a depth-{depth} U-Net: the output would be empty; "
                         f"the smallest valid tile is {valid_input_sizes(depth, 1, 10 ** 4)[0]}")


def valid_input_sizes(depth: int, low: int, high: int) -> list[int]:
    """Every valid tile size in [low, high]: s = 2^depth * m + (2^(depth + 2) - 4), the output non-empty."""
    step, offset = 2 ** depth, 2 ** (depth + 2) - 4
    sizes = [step * m + offset for m in range(1, high // step + 2)]
    return [s for s in sizes if low <= s <= high and level_sizes(s, depth)["out"][-1] >= 1]


def output_size(size: int, depth: int) -> int:
    check_input_size(size, depth)
    return level_sizes(size, depth)["out"][-1]


def center_crop(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """The centre height x width window of the last two axes; the margins must be even (exactly centred)."""
    dy, dx = x.shape[-2] - height, x.shape[-1] - width
    if dy < 0 or dx < 0 or dy % 2 or dx % 2:
        raise ValueError(f"cannot centre a {height}x{width} crop in a {x.shape[-2]}x{x.shape[-1]} map")
    return x[..., dy // 2:dy // 2 + height, dx // 2:dx // 2 + width]


def receptive_field(depth: int) -> int:
    """Side of the square of input pixels one output pixel depends on, walking the network backwards.

    From one output pixel: each expansive double conv widens the window by 4 (in that level's pixels);
    an up-conv (kernel 2, stride 2) maps an odd window of n pixels onto (n + 1) / 2 coarser ones (always
    odd + 4 is odd, so this is exact for every output pixel); the bottom double conv adds 4; then each
    pooling doubles the window and each contracting double conv adds 4. The deepest path is the widest,
    and the skip paths' windows lie inside it.
    """
    n = 1
    for _ in range(depth):
        n = (n + 4 + 1) // 2
    n += 4
    for _ in range(depth):
        n = 2 * n + 4
    return n
