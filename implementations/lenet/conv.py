"""Convolution and average pooling as matrix products over unfolded patches (im2col).

``F.unfold`` copies every k x k receptive field into a column; a convolution
is then one matrix product of the kernel bank with those columns, which is
exactly the "weight sharing" of both LeNet papers: the same kernel is applied
at every position of the feature map.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _out_size(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
           stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0) -> torch.Tensor:
    """Cross-correlation like ``F.conv2d``: x (N, C, H, W), weight (O, C, kh, kw)."""
    n, _, h, w = x.shape
    out_ch, _, kh, kw = weight.shape
    stride, padding = _pair(stride), _pair(padding)
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)     # (N, C*kh*kw, L)
    out = torch.einsum("ok,nkl->nol", weight.reshape(out_ch, -1), cols)  # (N, O, L): sum over C, kh, kw
    out = out.reshape(n, out_ch, _out_size(h, kh, stride[0], padding[0]), _out_size(w, kw, stride[1], padding[1]))
    if bias is not None:
        out = out + bias.reshape(1, out_ch, 1, 1)
    return out


def avg_pool2d(x: torch.Tensor, kernel: int | tuple[int, int], stride: int | tuple[int, int] | None = None,
               padding: int | tuple[int, int] = 0) -> torch.Tensor:
    """Mean of each window like ``F.avg_pool2d`` (zero padding counted, floor mode)."""
    n, c, h, w = x.shape
    kernel = _pair(kernel)
    stride = kernel if stride is None else _pair(stride)
    padding = _pair(padding)
    cols = F.unfold(x, kernel, padding=padding, stride=stride)         # (N, C*kh*kw, L), channel-major
    out = cols.reshape(n, c, kernel[0] * kernel[1], -1).mean(dim=2)    # average each channel's window
    return out.reshape(n, c, _out_size(h, kernel[0], stride[0], padding[0]), _out_size(w, kernel[1], stride[1], padding[1]))
