"""The assembled network against a torch.nn stack with copied weights (float64): layer order, activation,
LRN after the nonlinearity, overlapping pooling, and dropout on exactly the outputs of fc6 and fc7."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from implementations.alexnet.model import ALEXNET_DIGITS, AlexNet

F64 = torch.float64


def _reference(net: AlexNet, activation: type[nn.Module]) -> tuple[nn.Sequential, nn.Sequential]:
    """The paper's layer list from stock modules: conv -> f -> LRN (conv1, 2) -> 3x3/2 max-pool (conv1, 2, 5)."""
    # (in, out, kernel, padding), stride 1 throughout: the digits-scale net, written out independently
    shapes = [(1, 16, 5, 2), (16, 32, 5, 2), (32, 48, 3, 1), (48, 48, 3, 1), (48, 32, 3, 1)]
    convs = []
    for ours, (c_in, c_out, kernel, padding) in zip(net.convs, shapes, strict=True):
        conv = nn.Conv2d(c_in, c_out, kernel, stride=1, padding=padding, dtype=F64)
        conv.load_state_dict(ours.state_dict())
        convs.append(conv)
    # torch's LRN divides alpha by the window size n; the paper's alpha multiplies the plain sum.
    lrn = lambda: nn.LocalResponseNorm(5, alpha=5 * 1e-4, beta=0.75, k=2.0)  # noqa: E731
    pool = lambda: nn.MaxPool2d(3, 2)  # noqa: E731
    features = nn.Sequential(
        convs[0], activation(), lrn(), pool(),
        convs[1], activation(), lrn(), pool(),
        convs[2], activation(),
        convs[3], activation(),
        convs[4], activation(), pool(),
        nn.Flatten(),
    )
    fcs = []
    for layer in [*net.hidden, net.classifier]:
        fc = nn.Linear(layer.in_features, layer.out_features, dtype=F64)
        fc.load_state_dict(layer.state_dict())
        fcs.append(fc)
    classifier = nn.Sequential(fcs[0], activation(), fcs[1], activation(), fcs[2])
    return features, classifier


def _net(activation: str) -> AlexNet:
    torch.manual_seed(0)
    net = AlexNet(ALEXNET_DIGITS, activation=activation).double()
    with torch.no_grad():  # large enough activations that LRN, ReLU and tanh all matter
        for p in net.parameters():
            p.mul_(3.0)
    return net


@pytest.mark.parametrize("activation, module", [("relu", nn.ReLU), ("tanh", nn.Tanh)])
def test_eval_forward_equals_torch_layer_stack(activation: str, module: type[nn.Module]) -> None:
    net = _net(activation).eval()
    features, classifier = _reference(net, module)
    x = torch.randn(4, 1, 16, 16, dtype=F64) * 50   # centred raw pixels are large (the demo's 0..255 scale)
    assert_close(net(x), classifier(features(x)))
    # the per-layer outputs the paper counts: conv layers before pooling, fc6, fc7, logits
    sizes = [tuple(o.shape[1:]) for o in net.features(x)]
    assert sizes == [(16, 16, 16), (32, 7, 7), (48, 3, 3), (48, 3, 3), (32, 3, 3), (128,), (128,), (10,)]


def test_training_dropout_masks_exactly_fc6_and_fc7_outputs() -> None:
    net = _net("tanh").train()   # tanh: dropping before or after the nonlinearity differs
    net.dropout.generator = torch.Generator().manual_seed(7)
    features, classifier = _reference(net, nn.Tanh)
    x = torch.randn(5, 1, 16, 16, dtype=F64) * 50
    masks = torch.Generator().manual_seed(7)

    def drop(h: torch.Tensor) -> torch.Tensor:  # inverted dropout, p = 0.5, masks drawn in layer order
        return h * (torch.rand(h.shape, generator=masks, dtype=F64) >= 0.5) / 0.5

    fc6, fc7, out = classifier[0], classifier[2], classifier[4]
    h = drop(torch.tanh(fc6(features(x))))
    h = drop(torch.tanh(fc7(h)))
    assert_close(net(x), out(h))
