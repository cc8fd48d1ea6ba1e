"""Dilated convolution against F.conv2d (float64), and the exponential receptive-field growth of Section 2."""

import pytest
import torch
import torch.nn.functional as F

from implementations.dilated_conv.dilated import DilatedConv2d, dilated_conv2d
from implementations.dilated_conv.model import PAPER_DILATIONS, ContextModule, DenseLabeller, receptive_field
from implementations.dilated_conv.task import marker_images

D = torch.float64


@pytest.mark.parametrize("dilation", [1, 2, 3, 5])
@pytest.mark.parametrize("padding", [0, 1, "same"])
def test_matches_torch_conv2d_values_and_gradients(dilation, padding):
    g = torch.Generator().manual_seed(dilation)
    pad = dilation if padding == "same" else padding
    x = torch.randn(2, 3, 13, 12, dtype=D, generator=g, requires_grad=True)
    w = torch.randn(4, 3, 3, 3, dtype=D, generator=g, requires_grad=True)
    b = torch.randn(4, dtype=D, generator=g, requires_grad=True)
    ours = dilated_conv2d(x, w, b, dilation=dilation, padding=pad)
    ref = F.conv2d(x, w, b, padding=pad, dilation=dilation)
    torch.testing.assert_close(ours, ref)
    upstream = torch.randn(ref.shape, dtype=D, generator=g)
    grads = torch.autograd.grad((ours * upstream).sum(), (x, w, b))
    grads_ref = torch.autograd.grad((ref * upstream).sum(), (x, w, b))
    for a, r in zip(grads, grads_ref):
        torch.testing.assert_close(a, r)


def test_other_kernel_sizes_and_no_bias():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 2, 9, 11, dtype=D, generator=g)
    for k, d in [(1, 1), (5, 2), (2, 3)]:
        w = torch.randn(3, 2, k, k, dtype=D, generator=g)
        torch.testing.assert_close(dilated_conv2d(x, w, None, d, 1), F.conv2d(x, w, None, padding=1, dilation=d))


def test_module_keeps_spatial_size():
    conv = DilatedConv2d(2, 5, dilation=4)
    assert conv(torch.zeros(1, 2, 10, 7)).shape == (1, 5, 10, 7)


def gradient_support(layers, size=71) -> int:
    """Side of the input square that influences the centre output pixel, from the gradient."""
    x = torch.ones(1, 1, size, size, dtype=D, requires_grad=True)
    y = x
    for conv in layers:
        y = conv(y)
    y[0, 0, size // 2, size // 2].backward()
    rows = (x.grad[0, 0].abs() > 0).any(1).nonzero()
    cols = (x.grad[0, 0].abs() > 0).any(0).nonzero()
    assert rows.max() - rows.min() == cols.max() - cols.min()
    return int(rows.max() - rows.min() + 1)


def positive_conv(dilation):
    conv = DilatedConv2d(1, 1, dilation).double()
    with torch.no_grad():
        conv.weight.fill_(1.0)
    return conv


def test_receptive_field_grows_exponentially_with_dilation_2_to_the_i():
    # Section 2: F_{i+1} = F_i *_{2^i} k_i has receptive field (2^{i+2} - 1) x (2^{i+2} - 1).
    layers = []
    for i in range(5):
        layers.append(positive_conv(2 ** i))
        assert gradient_support(layers) == 2 ** (i + 2) - 1
    # ... whereas without dilation it grows by 2 per layer.
    plain = [positive_conv(1) for _ in range(5)]
    assert [gradient_support(plain[: i + 1]) for i in range(5)] == [3, 5, 7, 9, 11]


def test_context_module_receptive_fields_of_table_1():
    # Table 1: receptive fields 3, 5, 9, 17, 33, 65, 67 after layers 1-7 of the basic module.
    fields = [receptive_field(PAPER_DILATIONS[: i + 1]) for i in range(len(PAPER_DILATIONS))]
    assert fields == [3, 5, 9, 17, 33, 65, 67]
    module = ContextModule(1, PAPER_DILATIONS[:5]).double()
    with torch.no_grad():
        for conv in module.layers:
            conv.weight.fill_(1.0)
    assert gradient_support([module], size=41) == 33


def test_identity_initialisation_passes_non_negative_input_through():
    module = ContextModule(4, PAPER_DILATIONS).double()
    x = torch.rand(2, 4, 9, 9, dtype=D)
    torch.testing.assert_close(module(x), x)


def test_dilated_and_plain_models_have_identical_parameter_shapes():
    a, b = DenseLabeller(3, 3, 8, (1, 2, 4)), DenseLabeller(3, 3, 8, (1, 1, 1))
    assert [p.shape for p in a.parameters()] == [p.shape for p in b.parameters()]


def test_marker_task_labels_are_nearest_marker_class():
    x, y = marker_images(1, 12, 3, torch.Generator().manual_seed(0), min_markers=2, max_markers=2, noise=0.0)
    marked = x[0].nonzero()                         # (class, row, col) of marker pixels
    for k, r, c in marked.tolist():
        assert y[0, r, c] == k                      # a marker pixel is nearest to its own marker
    assert set(y.unique().tolist()) <= set(marked[:, 0].tolist())
