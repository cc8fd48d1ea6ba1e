"""The dense labeller, assembled, against an nn.Conv2d stack with copied weights (float64): dilations 1, 2, 4, 8
in order with padding = dilation, ReLU after every 3x3 layer and around the context module, none at the end."""

from __future__ import annotations

import torch
from torch import nn
from torch.testing import assert_close

from implementations.dilated_conv.model import DEMO_DILATIONS, PAPER_DILATIONS, DenseLabeller

F64 = torch.float64


def _conv(ours, dilation: int = 1) -> nn.Conv2d:
    out_c, in_c, k, _ = ours.weight.shape
    conv = nn.Conv2d(in_c, out_c, k, dilation=dilation, padding=dilation * (k // 2), dtype=F64)
    with torch.no_grad():
        conv.weight.copy_(ours.weight)
        conv.bias.copy_(ours.bias)
    return conv


def _randomised(model: DenseLabeller) -> DenseLabeller:
    """Away from the identity initialisation, so that every tap and every layer's order matters."""
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.4)
    return model


def test_dense_labeller_equals_a_torch_conv_stack_with_the_papers_layer_order():
    model = _randomised(DenseLabeller(3, 4, channels=5).double())
    assert DEMO_DILATIONS == (1, 2, 4, 8, 1) and PAPER_DILATIONS == (1, 1, 2, 4, 8, 16, 1)   # Table 1, scaled
    layers = [nn.Sequential(_conv(model.project), nn.ReLU())]
    layers += [nn.Sequential(_conv(conv, d), nn.ReLU()) for conv, d in zip(model.context.layers, (1, 2, 4, 8, 1))]
    layers += [_conv(model.context.output), nn.ReLU(), _conv(model.classify)]
    reference = nn.Sequential(*layers)
    x = torch.randn(2, 3, 20, 20, dtype=F64)
    out = model(x)
    assert out.shape == (2, 4, 20, 20)                   # 'same' padding keeps every pixel labelled
    assert_close(out, reference(x))


def test_undilated_baseline_is_the_same_stack_with_every_dilation_1():
    model = _randomised(DenseLabeller(3, 4, channels=5, dilations=(1, 1, 1, 1, 1)).double())
    layers = [nn.Sequential(_conv(model.project), nn.ReLU())]
    layers += [nn.Sequential(_conv(conv, 1), nn.ReLU()) for conv in model.context.layers]
    layers += [_conv(model.context.output), nn.ReLU(), _conv(model.classify)]
    x = torch.randn(2, 3, 12, 12, dtype=F64)
    assert_close(model(x), nn.Sequential(*layers)(x))


def test_receptive_field_of_the_assembled_model_is_33_pixels():
    """A change at one input pixel moves outputs exactly within 1 + 2 (1 + 2 + 4 + 8 + 1) = 33 pixels."""
    model = _randomised(DenseLabeller(1, 2, channels=3).double())
    x = torch.randn(1, 1, 41, 41, dtype=F64)
    bumped = x.clone()
    bumped[0, 0, 20, 20] += 5.0
    changed = (model(bumped) - model(x)).abs().amax(1)[0] > 0
    rows, cols = changed.nonzero().unbind(1)
    assert (int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())) == (4, 36, 4, 36)
