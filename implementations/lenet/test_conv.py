"""im2col convolution and pooling against torch's own F.conv2d / F.avg_pool2d, in float64."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from implementations.lenet.conv import avg_pool2d, conv2d

CONV_CASES = [
    # (N, C, H, W), (O, kh, kw), stride, padding
    ((2, 1, 8, 8), (3, 5, 5), 1, 0),
    ((3, 4, 9, 7), (5, 3, 3), 2, 1),
    ((1, 2, 10, 11), (4, 3, 2), (2, 3), (1, 0)),
    ((2, 6, 14, 14), (16, 5, 5), 1, 2),
    ((1, 3, 5, 5), (2, 5, 5), 1, 0),  # output 1x1
]


@pytest.mark.parametrize("x_shape,k_shape,stride,padding", CONV_CASES)
def test_conv2d_matches_torch_values_and_gradients(x_shape, k_shape, stride, padding):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(x_shape, generator=gen, dtype=torch.float64, requires_grad=True)
    w = torch.randn(k_shape[0], x_shape[1], *k_shape[1:], generator=gen, dtype=torch.float64, requires_grad=True)
    b = torch.randn(k_shape[0], generator=gen, dtype=torch.float64, requires_grad=True)
    mine = conv2d(x, w, b, stride=stride, padding=padding)
    ref = F.conv2d(x, w, b, stride=stride, padding=padding)
    torch.testing.assert_close(mine, ref, rtol=1e-12, atol=1e-12)
    upstream = torch.randn(ref.shape, generator=gen, dtype=torch.float64)
    g_mine = torch.autograd.grad(mine, (x, w, b), upstream)
    g_ref = torch.autograd.grad(ref, (x, w, b), upstream)
    for a, r in zip(g_mine, g_ref):
        torch.testing.assert_close(a, r, rtol=1e-12, atol=1e-12)


def test_conv2d_without_bias():
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(2, 3, 6, 6, generator=gen, dtype=torch.float64)
    w = torch.randn(4, 3, 3, 3, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(conv2d(x, w), F.conv2d(x, w), rtol=1e-12, atol=1e-12)


POOL_CASES = [
    ((2, 6, 28, 28), 2, None, 0),
    ((1, 3, 7, 9), 3, 2, 1),
    ((2, 2, 8, 8), (2, 3), (1, 2), (1, 1)),
    ((1, 1, 5, 5), 2, None, 0),  # odd size: floor mode drops the last row/column
]


@pytest.mark.parametrize("x_shape,kernel,stride,padding", POOL_CASES)
def test_avg_pool2d_matches_torch_values_and_gradients(x_shape, kernel, stride, padding):
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(x_shape, generator=gen, dtype=torch.float64, requires_grad=True)
    mine = avg_pool2d(x, kernel, stride, padding)
    ref = F.avg_pool2d(x, kernel, stride, padding)
    torch.testing.assert_close(mine, ref, rtol=1e-12, atol=1e-12)
    upstream = torch.randn(ref.shape, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(torch.autograd.grad(mine, x, upstream)[0], torch.autograd.grad(ref, x, upstream)[0],
                               rtol=1e-12, atol=1e-12)


def test_conv2d_gradcheck():
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(1, 2, 5, 5, generator=gen, dtype=torch.float64, requires_grad=True)
    w = torch.randn(2, 2, 3, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, w: conv2d(x, w, stride=2, padding=1), (x, w))
