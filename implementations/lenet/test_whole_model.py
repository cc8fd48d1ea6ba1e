"""Both networks, assembled, against the papers' layer lists written with torch.nn.functional (float64),
and the data split: a fixed partition of the digits, backgrounds at the papers' values."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.lenet.data import TEST_FRACTION, lenet5_data, load_digit_split, zipcode_data
from implementations.lenet.model import LeNet5, ZipCodeNet

F64 = torch.float64


def f(a: torch.Tensor) -> torch.Tensor:
    """The 1998 squashing function, written here again: 1.7159 tanh(2a/3)."""
    return 1.7159 * torch.tanh(a * 2 / 3)


def _perturbed(net: torch.nn.Module) -> torch.nn.Module:
    """Non-trivial biases and subsampling coefficients, so that each one is checked."""
    torch.manual_seed(1)
    net = net.double()
    with torch.no_grad():
        for name, p in net.named_parameters():
            if "bias" in name or "coef" in name:
                p.add_(0.3 * torch.randn_like(p))
    return net


def test_lenet5_equals_fig2_layer_by_layer():
    torch.manual_seed(0)
    net = _perturbed(LeNet5())
    x = torch.randn(3, 1, 32, 32, dtype=F64)

    def s(h, layer):  # 2x2 mean, times a per-map coefficient, plus a per-map bias
        return F.avg_pool2d(h, 2, stride=2) * layer.coef[:, None, None] + layer.bias[:, None, None]

    h = f(F.conv2d(x, net.c1.weight, net.c1.bias))                         # C1: 6 @ 28x28
    assert h.shape[1:] == (6, 28, 28)
    h = f(s(h, net.s2))                                                    # S2: 6 @ 14x14
    c3_weight = net.c3.weight * net.c3.mask                                # Table I
    h = f(F.conv2d(h, c3_weight, net.c3.bias))                             # C3: 16 @ 10x10
    h = f(s(h, net.s4))                                                    # S4: 16 @ 5x5
    h = f(F.conv2d(h, net.c5.weight, net.c5.bias)).flatten(1)              # C5: 120
    h = f(h @ net.f6.weight.T + net.f6.bias)                               # F6: 84
    expected = torch.cdist(h, net.prototypes.double()) ** 2                # eq. (7): RBF distances
    assert_close(net(x), expected)
    # only the masked kernels count: the table really removes connections
    assert int(net.c3.mask.sum()) == 60


def test_zipcode_net_equals_the_1989_architecture():
    torch.manual_seed(0)
    net = _perturbed(ZipCodeNet())
    x = torch.rand(3, 1, 16, 16, dtype=F64) * 2 - 1
    # H1: 5x5 kernels, stride 2, on the image framed by 2 pixels of background (-1), one bias per unit
    framed = F.pad(x, (2, 2, 2, 2), value=-1.0)
    h1 = f(F.conv2d(framed, net.h1.weight, stride=2) + net.h1.bias)
    assert h1.shape[1:] == (12, 8, 8)
    # H2: stride 2 again, zero-padded by 2, each map reading 8 of the 12 H1 maps
    h2 = f(F.conv2d(h1, net.h2.weight * net.h2.mask, stride=2, padding=2) + net.h2.bias)
    assert h2.shape[1:] == (12, 4, 4)
    h3 = f(h2.flatten(1) @ net.h3.weight.T + net.h3.bias)
    expected = f(h3 @ net.out.weight.T + net.out.bias)
    assert_close(net(x), expected)


def test_split_is_a_fixed_partition_of_all_digits():
    from sklearn.datasets import load_digits

    torch.manual_seed(123)   # the run seed must not move the split
    x_train, y_train, x_test, y_test = load_digit_split(8, 0, 0.0, 16.0)
    torch.manual_seed(456)
    again = load_digit_split(8, 0, 0.0, 16.0)
    assert torch.equal(x_test, again[2]) and torch.equal(y_train, again[1])
    digits = load_digits()
    n = len(digits.target)
    assert len(y_test) == int(n * TEST_FRACTION) and len(y_train) == n - len(y_test)
    # train + test is the data set exactly, each image once: disjoint and complete
    rows = torch.cat([x_train, x_test]).reshape(n, -1).double()
    labels = torch.cat([y_train, y_test])
    everything = torch.tensor(digits.images, dtype=F64).reshape(n, -1)
    pairs = sorted(zip(map(tuple, rows.round(decimals=6).tolist()), labels.tolist()))
    expected = sorted(zip(map(tuple, everything.round(decimals=6).tolist()), digits.target.tolist()))
    assert pairs == expected
    assert sorted(set(y_test.tolist())) == list(range(10))


def test_inputs_use_each_papers_background_and_ink_levels():
    x_zip = zipcode_data()[0]
    assert x_zip.shape[1:] == (1, 16, 16)
    assert float(x_zip.min()) == -1.0 and float(x_zip.max()) <= 1.0 + 1e-6
    assert float(x_zip[:, :, 0, 0].max()) == -1.0          # the corner is background
    x_lenet = lenet5_data()[2]
    assert x_lenet.shape[1:] == (1, 32, 32)
    frame = torch.cat([x_lenet[..., :2, :].flatten(), x_lenet[..., :, -2:].flatten()])
    assert_close(frame, torch.full_like(frame, -0.1))       # 28x28 digit in a 32x32 field of background -0.1
    assert float(x_lenet.max()) <= 1.175 + 1e-6 and float(x_lenet.max()) > 1.0  # ink up to 1.175
