"""Receptive fields measured from gradients (Sec. 2.3: two 3x3 layers see 5x5, three see 7x7)."""

from __future__ import annotations

import copy

import torch
import torch.nn as nn


def conv_layers(n_layers: int, kernel: int, channels: int) -> nn.Sequential:
    """``n_layers`` stride-1 "same" convolutions of one kernel size, each followed by a ReLU."""
    modules: list[nn.Module] = []
    for _ in range(n_layers):
        modules += [nn.Conv2d(channels, channels, kernel, padding=kernel // 2), nn.ReLU()]
    return nn.Sequential(*modules)


def input_support(stack: nn.Module, channels: int, size: int = 21) -> torch.Tensor:
    """Boolean (size, size) map of the input pixels that the centre output pixel depends on.

    Back-propagates from the centre output pixel (all channels) and marks where the
    input gradient is non-zero. Runs on a float64 copy with positive weights and
    biases and an all-ones input, so every ReLU is active and no two paths cancel:
    the support is then exactly the receptive field. Meant for conv/ReLU stacks
    (a max pool passes gradient to one input of each window only).
    """
    stack = copy.deepcopy(stack).double()
    with torch.no_grad():
        for p in stack.parameters():
            p.copy_(p.abs() + 0.01)
    x = torch.ones(1, channels, size, size, dtype=torch.float64, requires_grad=True)
    out = stack(x)
    centre_r, centre_c = out.shape[-2] // 2, out.shape[-1] // 2
    out[0, :, centre_r, centre_c].sum().backward()
    return x.grad[0].abs().sum(0) > 0


def receptive_field(stack: nn.Module, channels: int, size: int = 21) -> tuple[int, int]:
    """Height and width of the bounding box of ``input_support``."""
    support = input_support(stack, channels, size)
    rows = support.any(1).nonzero().flatten()
    cols = support.any(0).nonzero().flatten()
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)
