"""Whole VGG nets against a functional forward written from Sec. 2.1 and 3.1 (float64), and the data split.

The reference reads only weights from the model; kernel sizes, stride 1,
"same" padding, the 2x2/2 pools, ReLU after every hidden layer and dropout on
the first two FC layers are written here. Catches a wrong padding or stride, a
missing ReLU, a pool of the wrong size, a wrong flatten order, dropout on the
wrong layer, and a 1x1 entry of config C built as 3x3.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations.vgg.data import N_TRAIN, split
from implementations.vgg.demo import NETS, make_net
from implementations.vgg.model import CONFIGS, VGG


def _reference(net: VGG, layers: list, kernel: int, x: torch.Tensor, p_drop: float, training: bool) -> torch.Tensor:
    convs = iter(m for m in net.features if isinstance(m, nn.Conv2d))
    h = x
    for item in layers:
        if item == "M":
            h = F.max_pool2d(h, 2, 2)
            continue
        k = 1 if isinstance(item, tuple) else kernel
        conv = next(convs)
        assert conv.weight.shape[-2:] == (k, k)
        h = F.relu(F.conv2d(h, conv.weight, conv.bias, stride=1, padding=k // 2))
    h = h.flatten(1)  # (channel, row, col) order
    linears = [m for m in net.classifier if isinstance(m, nn.Linear)]
    for fc in linears[:-1]:
        h = F.dropout(F.relu(F.linear(h, fc.weight, fc.bias)), p_drop, training)
    return F.linear(h, linears[-1].weight, linears[-1].bias)


def _scaled(config: str) -> list:
    """A Table 1 column with every width divided by 32 (C keeps its 1x1 layers)."""
    return [w if w == "M" else (w[0], w[1] // 32) if isinstance(w, tuple) else w // 32 for w in CONFIGS[config]]


# Every Table 1 column, scaled, and the demo's two nets.
@pytest.mark.parametrize("layers, kernel", [*((_scaled(c), 3) for c in "ABCDE"), *NETS.values()])
def test_whole_vgg_matches_a_functional_forward(layers: list, kernel: int) -> None:
    torch.manual_seed(0)
    net = VGG(layers, in_channels=2, image_size=32, hidden=(12, 10), classes=5, kernel=kernel).double()
    with torch.no_grad():  # non-zero biases, so padding with zeros (not with the bias) is checked
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.bias.normal_()
    x = torch.randn(2, 2, 32, 32, dtype=torch.float64)
    assert_close(net.eval()(x), _reference(net, layers, kernel, x, 0.5, training=False))
    # In training mode the same seed draws the same masks only if dropout sits where the reference has it.
    net.train()
    torch.manual_seed(7)
    out = net(x)
    torch.manual_seed(7)
    assert_close(out, _reference(net, layers, kernel, x, 0.5, training=True))


def test_demo_nets_end_in_a_single_linear_classifier() -> None:
    for name in NETS:
        head = make_net(name).classifier
        assert len(head) == 1 and isinstance(head[0], nn.Linear) and head[0].out_features == 10


@pytest.mark.parametrize("seed", [0, 1])
def test_split_is_disjoint_and_covers_every_digit(seed: int) -> None:
    train, held_out = split(1797, seed)
    assert len(train) == N_TRAIN and len(held_out) == 1797 - N_TRAIN
    assert set(train.tolist()).isdisjoint(held_out.tolist())
    assert sorted(train.tolist() + held_out.tolist()) == list(range(1797))
    assert not torch.equal(split(1797, seed + 1)[0], train)  # each seed its own split
