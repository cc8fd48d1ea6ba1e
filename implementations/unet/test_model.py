"""The assembled U-Net against a functional forward written from Fig. 1, with the model's weights (float64).

The reference takes only the weight tensors. It writes the 2x2 stride-2 up-convolution as what it is,
each input pixel painting a 2x2 block W[c, o, i, j] x_c (not ``conv_transpose2d``), crops at offsets
worked out by hand from the size arithmetic, and concatenates [skip, up-conv]. Catches a padded
convolution, a missing ReLU, a crop off centre, the concatenation in the wrong order, the wrong
channel split, and pooling that is not the maximum.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations._common.params import count_parameters

from .model import UNet


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def up_conv(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """out[n, o, 2y + i, 2x + j] = sum_c x[n, c, y, x] w[c, o, i, j] + b[o]."""
    n, _, h, wd = x.shape
    blocks = torch.einsum("ncyx,coij->noyixj", x, w)
    return blocks.reshape(n, w.shape[1], 2 * h, 2 * wd) + b.view(1, -1, 1, 1)


def double(x: torch.Tensor, block) -> torch.Tensor:
    x = F.relu(F.conv2d(x, block[0].weight, block[0].bias))
    return F.relu(F.conv2d(x, block[2].weight, block[2].bias))


def reference(model: UNet, x: torch.Tensor) -> torch.Tensor:
    """Depth 2, 76-pixel tile: maps of 72, 32 and 12 pixels; up-convs give 24 and 40; crops at 4 and 16."""
    level0 = double(x, model.down[0])                                   # 72
    level1 = double(F.max_pool2d(level0, 2), model.down[1])             # 36 -> 32
    bottom = double(F.max_pool2d(level1, 2), model.down[2])             # 16 -> 12
    up = up_conv(bottom, model.upconv[0].weight, model.upconv[0].bias)  # 24
    if model.skip:
        up = torch.cat([level1[:, :, 4:28, 4:28], up], 1)
    up = double(up, model.up[0])                                        # 20
    up = up_conv(up, model.upconv[1].weight, model.upconv[1].bias)      # 40
    if model.skip:
        up = torch.cat([level0[:, :, 16:56, 16:56], up], 1)
    up = double(up, model.up[1])                                        # 36
    return F.conv2d(up, model.head.weight, model.head.bias)


@pytest.mark.parametrize("skip", [True, False])
def test_the_assembled_network_equals_the_reference_outputs_and_gradients(skip):
    torch.manual_seed(0)
    model = UNet(in_channels=1, classes=2, width=2, depth=2, skip=skip)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn(p.shape))                        # non-zero biases too
    x = torch.randn(2, 1, 76, 76)
    out, ref = model(x), reference(model, x)
    assert out.shape == (2, 2, 36, 36)
    assert_close(out, ref)
    weights = torch.randn_like(out)
    grads = torch.autograd.grad((out * weights).sum(), list(model.parameters()))
    ref_grads = torch.autograd.grad((reference(model, x) * weights).sum(), list(model.parameters()))
    for g, r in zip(grads, ref_grads):
        assert_close(g, r)


def test_the_baseline_has_the_same_layers_and_more_parameters():
    """Without skips the up-convs keep all channels, so every later layer has the U-Net's shape."""
    unet, plain = UNet(width=8, skip=True), UNet(width=8, skip=False)
    shapes = lambda m: {n: p.shape for n, p in m.named_parameters() if not n.startswith("upconv")}
    assert shapes(unet) == shapes(plain)
    assert [u.weight.shape for u in unet.upconv] == [(32, 16, 2, 2), (16, 8, 2, 2)]
    assert [u.weight.shape for u in plain.upconv] == [(32, 32, 2, 2), (16, 16, 2, 2)]
    assert count_parameters(unet) == 29330 and count_parameters(plain) == 31914


def test_weights_start_at_the_papers_scale():
    """std sqrt(2 / N), N = 9 C_in for a 3x3 conv and C_in for an up-conv (one input pixel per output)."""
    torch.manual_seed(1)
    model = UNet(width=16, depth=2)
    conv, upconv = model.down[2][2], model.upconv[0]                    # 64 -> 64 3x3; 64 -> 32 up-conv
    assert conv.weight.std().item() == pytest.approx(math.sqrt(2 / (9 * 64)), rel=0.03)
    assert upconv.weight.std().item() == pytest.approx(math.sqrt(2 / 64), rel=0.03)
    assert all((m.bias == 0).all() for m in (conv, upconv))
