"""Sec. 2.3's receptive fields and weight counts, Table 1/2's networks, Sec. 3.2's dense evaluation."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn as nn

from implementations.vgg.data import centred, jittered
from implementations.vgg.model import (CONFIGS, VGG, FullyConvolutionalVGG, conv_stack, count_parameters,
                                       glorot_init, vgg)
from implementations.vgg.receptive import conv_layers, input_support, receptive_field


# --- Sec. 2.3: stacks of 3x3 layers -------------------------------------------------------------

@pytest.mark.parametrize("n_layers,kernel,expected", [
    (1, 3, 3),
    (2, 3, 5),   # "a stack of two 3x3 conv. layers ... has an effective receptive field of 5x5"
    (3, 3, 7),   # "three such layers have a 7x7 effective receptive field"
    (1, 5, 5),
    (1, 7, 7),
])
def test_receptive_field_from_gradient_support(n_layers, kernel, expected):
    torch.manual_seed(0)
    stack = conv_layers(n_layers, kernel, channels=3)
    support = input_support(stack, channels=3, size=15)
    assert receptive_field(stack, channels=3, size=15) == (expected, expected)
    assert int(support.sum()) == expected * expected       # the whole square, no holes
    centre = 15 // 2
    half = expected // 2
    assert support[centre - half:centre + half + 1, centre - half:centre + half + 1].all()


def test_vgg_stage_receptive_field_grows_by_two_per_layer():
    """Config E's deepest stage, four 3x3 layers, sees 9x9 of its input."""
    stack, _ = conv_stack(2, [4, 4, 4, 4])
    assert receptive_field(stack, channels=2) == (9, 9)


@pytest.mark.parametrize("channels", [4, 16])
def test_weight_counts_of_stacks_match_section_2_3(channels):
    """Three 3x3 layers: 3(3^2 C^2) = 27C^2 weights vs 49C^2 for one 7x7; two 3x3: 18C^2 vs 25C^2."""
    def weights(stack: nn.Module) -> int:
        return sum(m.weight.numel() for m in stack.modules() if isinstance(m, nn.Conv2d))

    c2 = channels * channels
    assert weights(conv_layers(3, 3, channels)) == 27 * c2
    assert weights(conv_layers(1, 7, channels)) == 49 * c2
    assert weights(conv_layers(2, 3, channels)) == 18 * c2
    assert weights(conv_layers(1, 5, channels)) == 25 * c2
    # 81% more weights for the 7x7 layer, 39% more for the 5x5 (the paper's "81% more").
    assert 49 / 27 == pytest.approx(1.81, abs=0.005)


# --- Table 1 and Table 2 -----------------------------------------------------------------------

def test_table_1_weight_layer_counts():
    """Column headings of Table 1: 11, 13, 16, 16 and 19 weight layers (conv + 3 FC)."""
    convs = {name: sum(1 for item in layers if item != "M") for name, layers in CONFIGS.items()}
    assert {name: n + 3 for name, n in convs.items()} == {"A": 11, "B": 13, "C": 16, "D": 16, "E": 19}


def test_table_2_parameter_counts():
    """Table 2: 133, 133, 134, 138, 144 million; built on the meta device so nothing is allocated."""
    with torch.device("meta"):
        counts = {name: count_parameters(vgg(name)) for name in CONFIGS}
        features = vgg("D").features(torch.empty(1, 3, 224, 224))
    assert counts["A"] == 132_863_336
    assert counts["D"] == 138_357_544            # VGG-16 with biases, 224x224 input, 1000 classes
    assert counts == {"A": 132_863_336, "B": 133_047_848, "C": 133_638_952, "D": 138_357_544, "E": 143_667_240}
    assert {name: round(n / 1e6) for name, n in counts.items()} == {"A": 133, "B": 133, "C": 134, "D": 138, "E": 144}
    assert features.shape == (1, 512, 7, 7)      # five 2x2 pools: 224 / 32 = 7


def test_conv_stack_keeps_resolution_between_pools():
    torch.manual_seed(0)
    for kernel in (3, 5, 7):
        stack, width = conv_stack(2, [3, 3, "M", ("1x1", 5), 6], kernel)
        assert width == 6
        assert stack(torch.randn(2, 2, 10, 10)).shape == (2, 6, 5, 5)


def test_glorot_init_bounds_and_zero_biases():
    torch.manual_seed(0)
    net = VGG([16, "M", 32, "M"], in_channels=3, image_size=8, hidden=(64,), classes=10)
    glorot_init(net)
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            fan_out = m.weight.shape[0] * m.weight[0, 0].numel()
            bound = math.sqrt(6 / (fan_in + fan_out))
            assert m.weight.abs().max() <= bound
            assert m.weight.var().item() == pytest.approx(bound ** 2 / 3, rel=0.25)   # uniform variance
            assert torch.count_nonzero(m.bias) == 0


# --- Sec. 3.2: dense evaluation ----------------------------------------------------------------

def small_net() -> VGG:
    torch.manual_seed(0)
    net = VGG([4, 4, "M", 6, "M"], in_channels=2, image_size=8, hidden=(12, 12), classes=5, dropout=0.5)
    return net.double().eval()


def test_fully_convolutional_equals_fc_net_at_training_size():
    net = small_net()
    dense = FullyConvolutionalVGG(net).eval()
    x = torch.randn(3, 2, 8, 8, dtype=torch.float64)
    assert dense.score_map(x).shape == (3, 5, 1, 1)
    torch.testing.assert_close(dense(x), net(x), rtol=1e-12, atol=1e-12)


def test_dense_evaluation_averages_fc_net_over_every_window():
    """On a larger image the score map holds the FC classifier applied to each window of the
    feature map; the prediction is their spatial average."""
    net = small_net()
    dense = FullyConvolutionalVGG(net).eval()
    x = torch.randn(2, 2, 14, 14, dtype=torch.float64)
    features = net.features(x)                       # (2, 6, 3, 3); the classifier expects 2x2
    side = net.side
    windows = [net.classifier(features[:, :, r:r + side, c:c + side].flatten(1))
               for r in range(features.shape[2] - side + 1) for c in range(features.shape[3] - side + 1)]
    scores = dense.score_map(x)
    assert scores.shape == (2, 5, 2, 2)
    torch.testing.assert_close(scores.permute(2, 3, 0, 1).reshape(4, 2, 5), torch.stack(windows))
    torch.testing.assert_close(dense(x), torch.stack(windows).mean(0))


# --- the demo's data and networks ----------------------------------------------------------------

def test_jitter_without_movement_is_the_centred_digit_and_is_seeded():
    x8 = torch.rand(5, 1, 8, 8)
    still = jittered(x8, torch.Generator().manual_seed(0), 12, max_shift=0, max_scale=0, max_rotation_deg=0)
    torch.testing.assert_close(still, centred(x8, 12), rtol=0, atol=1e-5)
    a = jittered(x8, torch.Generator().manual_seed(1), 12)
    b = jittered(x8, torch.Generator().manual_seed(1), 12)
    assert torch.equal(a, b)
    assert (a - centred(x8, 12)).abs().max() > 0.1


def test_demo_nets_have_about_equal_parameters():
    from implementations.vgg.demo import NETS, make_net

    sizes = [count_parameters(make_net(name)) for name in NETS]
    assert sizes == [8_506, 8_138]
    assert max(sizes) / min(sizes) < 1.1
    (deep, k_deep), (shallow, k_shallow) = NETS.values()
    # Same widths, each stack of three 3x3 replaced by one 7x7 (equal receptive field, Sec. 2.3).
    assert (k_deep, k_shallow) == (3, 7)
    assert [w for w in deep if w != "M"] == [8, 8, 8, 16, 16, 16]
    assert [w for w in shallow if w != "M"] == [8, 16]
