"""Whole networks against a hand-written functional forward of the papers' units (float64).

The reference takes only the weights from the model; strides, paddings, the
order of BN, ReLU and the addition, and the option-A shortcut are written here
from the papers (2015 Sec. 3.3, 4.2 and Table 1; 2016 Fig. 4e). Catches a
stride on the wrong convolution or the wrong unit, a ReLU before instead of
after the addition, a missing ReLU, the shortcut subsampling the wrong pixels,
BN in the wrong place, a wrong stage width, and pooling that is not the mean.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations.resnet.blocks import Bottleneck
from implementations.resnet.model import CifarResNet, ImageNetResNet


def _randomise(model: nn.Module, seed: int) -> nn.Module:
    """Non-trivial BN affine parameters and running statistics, so eval mode is checked too."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(torch.rand(c, generator=gen, dtype=torch.float64) + 0.5)
                m.bias.copy_(torch.randn(c, generator=gen, dtype=torch.float64))
                m.running_mean.copy_(torch.randn(c, generator=gen, dtype=torch.float64))
                m.running_var.copy_(torch.rand(c, generator=gen, dtype=torch.float64) + 0.5)
    return model


def _bn(x: torch.Tensor, bn: nn.BatchNorm2d, training: bool) -> torch.Tensor:
    return F.batch_norm(x, bn.running_mean.clone(), bn.running_var.clone(), bn.weight, bn.bias,
                        training, 0.0, bn.eps)


def _conv(x: torch.Tensor, conv: nn.Conv2d, stride: int, padding: int) -> torch.Tensor:
    assert conv.bias is None  # the papers' convolutions are followed by BN and carry no bias
    return F.conv2d(x, conv.weight, None, stride, padding)


def _option_a(x: torch.Tensor, c_out: int) -> torch.Tensor:
    """Identity on the even pixels (stride 2), zeros for the new channels."""
    sub = x[:, :, 0::2, 0::2]
    return torch.cat([sub, sub.new_zeros(sub.size(0), c_out - sub.size(1), *sub.shape[2:])], dim=1)


def _reference_cifar(model: CifarResNet, x: torch.Tensor, training: bool) -> torch.Tensor:
    kind = model.kind
    h = _conv(x, model.conv1, 1, 1)
    if kind != "preact":
        h = F.relu(_bn(h, model.bn1, training))
    width = model.conv1.out_channels
    for i, stage in enumerate(model.stages):
        for j, u in enumerate(stage):
            stride = 2 if i > 0 and j == 0 else 1  # the first unit of stages 2 and 3 halves the maps
            c_out = width * 2**i
            if kind == "preact":  # 2016: BN -> ReLU -> conv, twice, then the addition and nothing after
                out = _conv(F.relu(_bn(h, u.bn1, training)), u.conv1, stride, 1)
                out = _conv(F.relu(_bn(out, u.bn2, training)), u.conv2, 1, 1)
            else:  # 2015: conv -> BN -> ReLU -> conv -> BN, the addition, then ReLU
                out = F.relu(_bn(_conv(h, u.conv1, stride, 1), u.bn1, training))
                out = _bn(_conv(out, u.conv2, 1, 1), u.bn2, training)
            if kind != "plain":
                out = out + (_option_a(h, c_out) if stride == 2 else h)
            h = out if kind == "preact" else F.relu(out)
    assert h.size(1) == 4 * width
    if kind == "preact":
        h = F.relu(_bn(h, model.bn_final, training))
    return F.linear(h.mean(dim=(2, 3)), model.fc.weight, model.fc.bias)


@pytest.mark.parametrize("kind", ["residual", "plain", "preact"])
@pytest.mark.parametrize("n", [3, 9])  # ResNet-20 and ResNet-56, and their plain twins
def test_whole_cifar_network_matches_the_paper_layout(kind: str, n: int) -> None:
    torch.manual_seed(n)
    model = _randomise(CifarResNet(n, width=4, kind=kind).double(), seed=n)
    x = torch.randn(2, 3, 8, 8, dtype=torch.float64)
    for training in (False, True):
        model.train(training)
        assert_close(model(x), _reference_cifar(model, x, training))


def _reference_bottleneck(u: Bottleneck, x: torch.Tensor, stride: int) -> torch.Tensor:
    out = F.relu(_bn(_conv(x, u.conv1, 1, 0), u.bn1, False))
    out = F.relu(_bn(_conv(out, u.conv2, stride, 1), u.bn2, False))  # the stride on the 3x3 (torchvision)
    out = _bn(_conv(out, u.conv3, 1, 0), u.bn3, False)
    proj, proj_bn = u.shortcut
    return F.relu(out + _bn(_conv(x, proj, stride, 0), proj_bn, False))  # option B: 1x1 W_s with the stride


def test_bottleneck_unit_with_stride_matches_the_reference() -> None:
    torch.manual_seed(0)
    unit = _randomise(Bottleneck(8, 4, stride=2).double(), seed=1).eval()
    x = torch.randn(2, 8, 6, 6, dtype=torch.float64)
    assert_close(unit(x), _reference_bottleneck(unit, x, 2))


def test_whole_resnet18_matches_table_1() -> None:
    torch.manual_seed(0)
    model = _randomise(ImageNetResNet(18, classes=5).double(), seed=2).eval()
    x = torch.randn(1, 3, 32, 32, dtype=torch.float64)
    conv1, bn1 = model.stem[0], model.stem[1]
    h = F.max_pool2d(F.relu(_bn(_conv(x, conv1, 2, 3), bn1, False)), 3, 2, 1)  # 7x7/2 conv, 3x3/2 max pool
    for i, stage in enumerate(model.stages):
        for j, u in enumerate(stage):
            stride = 2 if i > 0 and j == 0 else 1  # conv3_1, conv4_1, conv5_1 downsample
            out = F.relu(_bn(_conv(h, u.conv1, stride, 1), u.bn1, False))
            out = _bn(_conv(out, u.conv2, 1, 1), u.bn2, False)
            if stride == 2:
                proj, proj_bn = u.shortcut
                out = out + _bn(_conv(h, proj, 2, 0), proj_bn, False)
            else:
                out = out + h
            h = F.relu(out)
    assert h.shape[1:] == (512, 1, 1)
    assert_close(model(x), F.linear(h.mean(dim=(2, 3)), model.fc.weight, model.fc.bias))


def test_convolutions_start_from_he_normal_with_fan_out() -> None:
    torch.manual_seed(0)
    model = CifarResNet(3, width=16)
    for conv in (m for m in model.modules() if isinstance(m, nn.Conv2d)):
        c_out, _, kh, kw = conv.weight.shape
        expected = (2.0 / (c_out * kh * kw)) ** 0.5  # He et al. 2015b, std sqrt(2 / n), n = k^2 c_out
        assert abs(conv.weight.std().item() / expected - 1.0) < 0.15
