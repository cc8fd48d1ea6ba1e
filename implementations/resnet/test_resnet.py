"""Parameter counts against the published/torchvision figures, output sizes against Table 1,
and the identity property of pre-activation units."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn

from implementations.resnet.blocks import BasicBlock, Bottleneck, PadShortcut, PreActBlock
from implementations.resnet.model import CifarResNet, ImageNetResNet, count_parameters


@pytest.mark.parametrize("depth,expected", [(18, 11_689_512), (34, 21_797_672), (50, 25_557_032), (101, 44_549_160)])
def test_imagenet_parameter_counts(depth, expected):
    # torchvision's convention: BN weight+bias, bias-free convs, projection = 1x1 conv + BN.
    with torch.device("meta"):          # counts shapes without allocating 100+ MB
        model = ImageNetResNet(depth, classes=1000)
    assert count_parameters(model) == expected


@pytest.mark.parametrize("n,expected", [(3, 269_722), (9, 853_018)])
def test_cifar_counts_match_table_6_and_plain_nets_have_the_same(n, expected):
    # Table 6: ResNet-20 0.27M, ResNet-56 0.85M parameters (option A shortcuts are free).
    counts = {kind: count_parameters(CifarResNet(n, 16, kind=kind)) for kind in ("residual", "plain")}
    assert counts == {"residual": expected, "plain": expected}


def test_resnet18_output_sizes_follow_table_1():
    model = ImageNetResNet(18).eval()
    sizes = []
    for stage in model.stages:
        stage.register_forward_hook(lambda m, i, o: sizes.append(tuple(o.shape[1:])))
    with torch.no_grad():
        stem = model.stem(torch.zeros(1, 3, 224, 224))
        logits = model.fc(model.stages(stem).mean(dim=(2, 3)))
    assert tuple(stem.shape[1:]) == (64, 56, 56)           # 7x7/2 conv then 3x3/2 max pool
    assert sizes == [(64, 56, 56), (128, 28, 28), (256, 14, 14), (512, 7, 7)]
    assert logits.shape == (1, 1000)


def test_bottleneck_expands_width_four_times():
    block = Bottleneck(64, 64, stride=2)
    out = block(torch.randn(2, 64, 8, 8))
    assert out.shape == (2, 256, 4, 4)
    assert isinstance(block.shortcut[0], nn.Conv2d)        # projection when the shape changes


def _randomise_bn(module: nn.Module, gen: torch.Generator) -> None:
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.weight.data = torch.rand(m.weight.shape, generator=gen, dtype=m.weight.dtype) + 0.5
            m.bias.data = torch.randn(m.bias.shape, generator=gen, dtype=m.bias.dtype)


def test_zeroed_residual_branch_makes_preact_unit_the_identity():
    gen = torch.Generator().manual_seed(0)
    units = nn.Sequential(*[PreActBlock(8, 8) for _ in range(4)]).double()
    _randomise_bn(units, gen)
    for unit in units:
        nn.init.zeros_(unit.conv2.weight)                  # F(x_l) = 0
    x = torch.randn(2, 8, 6, 6, generator=gen, dtype=torch.float64)
    for mode in (units.train, units.eval):
        mode()
        torch.testing.assert_close(units(x), x, rtol=0, atol=0)   # 2016 eq. (4): x_L = x_l + sum F = x_l


def test_zeroed_branch_in_original_unit_is_not_the_identity():
    """The 2015 unit applies ReLU after the addition, so even F = 0 clips negative inputs."""
    gen = torch.Generator().manual_seed(1)
    block = BasicBlock(8, 8).double().eval()
    nn.init.zeros_(block.bn2.weight)
    nn.init.zeros_(block.bn2.bias)
    x = torch.randn(2, 8, 6, 6, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(block(x), torch.relu(x), rtol=0, atol=0)
    assert (block(x) - x).abs().max() > 0.5


def test_identity_shortcut_adds_the_input():
    gen = torch.Generator().manual_seed(2)
    residual = BasicBlock(4, 4, shortcut="pad").double().eval()
    plain = BasicBlock(4, 4, shortcut=None).double().eval()
    _randomise_bn(residual, gen)
    plain.load_state_dict(residual.state_dict())
    x = torch.randn(3, 4, 5, 5, generator=gen, dtype=torch.float64)
    branch = residual.bn2(residual.conv2(torch.relu(residual.bn1(residual.conv1(x)))))
    torch.testing.assert_close(residual(x), torch.relu(branch + x))   # eq. (1)
    torch.testing.assert_close(plain(x), torch.relu(branch))          # same layers, no shortcut


def test_option_a_shortcut_subsamples_and_zero_pads():
    x = torch.randn(2, 4, 8, 8)
    out = PadShortcut(4, 8, 2)(x)
    assert out.shape == (2, 8, 4, 4)
    torch.testing.assert_close(out[:, :4], x[:, :, ::2, ::2], rtol=0, atol=0)
    assert bool((out[:, 4:] == 0).all())
