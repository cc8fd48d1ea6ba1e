"""Dilated convolution written out (Yu & Koltun 2016, Section 2, eq. 2).

    (F *_l k)(p) = sum_{s + l t = p} F(s) k(t)

With dilation l the 3x3 filter taps are l pixels apart, so the filter covers
(2l + 1) x (2l + 1) pixels with 9 weights. Here each tap t gathers the padded
input shifted by l t (a strided slice) and applies its C_out x C_in weights.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def dilated_conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                   dilation: int = 1, padding: int = 0) -> torch.Tensor:
    """x (B, C_in, H, W), weight (C_out, C_in, kh, kw) -> (B, C_out, H', W'), stride 1.

    Cross-correlation, like ``F.conv2d``: out(p) = sum_t k(t) x(p + l t) over the
    kernel taps t -- eq. (2) with the kernel flipped. Each tap is one matrix
    product of its C_out x C_in weights with the input shifted by l t.
    """
    _, _, kh, kw = weight.shape
    x = F.pad(x, (padding, padding, padding, padding))
    out_h = x.shape[2] - dilation * (kh - 1)
    out_w = x.shape[3] - dilation * (kw - 1)
    out = 0
    for i in range(kh):
        for j in range(kw):
            shifted = x[:, :, i * dilation:i * dilation + out_h, j * dilation:j * dilation + out_w]   # x(p + l t)
            out = out + torch.einsum("oc,bchw->bohw", weight[:, :, i, j], shifted)                    # k(t) x(p + l t)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


class DilatedConv2d(nn.Module):
    """A k x k convolution with dilation l and 'same' padding l (k - 1) / 2."""

    def __init__(self, in_channels: int, out_channels: int, dilation: int = 1, kernel_size: int = 3) -> None:
        super().__init__()
        self.dilation = dilation
        self.padding = dilation * (kernel_size - 1) // 2
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return dilated_conv2d(x, self.weight, self.bias, self.dilation, self.padding)

    def extra_repr(self) -> str:
        o, i, k, _ = self.weight.shape
        return f"{i}, {o}, kernel_size={k}, dilation={self.dilation}"
