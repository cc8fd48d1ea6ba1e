"""The two networks against the numbers their papers publish, and the loss against its limit."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from implementations.lenet.model import LeNet5, ZipCodeNet, lenet5_c3_table, map_loss, squash


def test_lenet5_free_parameters_match_section_2b():
    # "C1 ... 156 trainable parameters", S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164.
    counts = LeNet5().free_parameters()
    assert counts == {"C1": 156, "S2": 12, "C3": 1516, "S4": 32, "C5": 48120, "F6": 10164}
    assert sum(counts.values()) == 60000


def test_lenet5_c3_connection_table():
    table = lenet5_c3_table()
    assert int(table.sum()) == 60
    assert table[0].nonzero().flatten().tolist() == [0, 1, 2]
    assert table[9].nonzero().flatten().tolist() == [0, 3, 4, 5]
    assert table[14].nonzero().flatten().tolist() == [0, 2, 3, 5]
    assert bool(table[15].all())


def test_unconnected_s2_map_cannot_reach_c3_map():
    torch.manual_seed(0)
    c3 = LeNet5().c3.double()
    x = torch.randn(1, 6, 14, 14, dtype=torch.float64)
    y = c3(x)
    x2 = x.clone()
    x2[:, 3] += torch.randn(14, 14, dtype=torch.float64)   # S2 map 3 feeds C3 maps 1, 2, 3 but not 0
    y2 = c3(x2)
    torch.testing.assert_close(y2[:, 0], y[:, 0], rtol=0, atol=0)
    assert (y2[:, 3] - y[:, 3]).abs().max() > 1e-3


def test_lenet5_shapes_and_prediction():
    net = LeNet5()
    y = net(torch.randn(4, 1, 32, 32))
    assert y.shape == (4, 10) and bool((y >= 0).all())     # squared distances
    assert net.predict(y).tolist() == y.argmin(1).tolist()


def _zipcode_counts():
    net = ZipCodeNet()
    sizes = {}
    hooks = [getattr(net, name).register_forward_hook(lambda m, i, o, name=name: sizes.__setitem__(name, o[0].numel()))
             for name in ("h1", "h2", "h3", "out")]
    net(torch.zeros(1, 1, 16, 16))
    for h in hooks:
        h.remove()
    fan_in = {
        "h1": net.h1.mask[0].sum().item() * 25, "h2": net.h2.mask[0].sum().item() * 25,
        "h3": net.h3.in_features, "out": net.out.in_features,
    }
    units = 16 * 16 + sum(sizes.values())
    connections = sum(int(sizes[k] * (fan_in[k] + 1)) for k in sizes)   # +1: the bias
    return net, units, connections


def test_zipcode_net_matches_1989_counts():
    # "1256 units, 64,660 connections, and 9,760 independent parameters" (Sec. 5).
    net, units, connections = _zipcode_counts()
    assert units == 1256
    assert connections == 64660
    assert sum(net.free_parameters().values()) == 9760


def test_map_loss_tends_to_cross_entropy_on_negative_distances():
    gen = torch.Generator().manual_seed(0)
    y = torch.rand(5, 10, generator=gen, dtype=torch.float64) * 20
    t = torch.randint(0, 10, (5,), generator=gen)
    torch.testing.assert_close(map_loss(y, t, j=1e6), F.cross_entropy(-y, t))
    assert map_loss(y, t, j=0.0) > map_loss(y, t, j=1e6)    # e^{-j} adds to the log term


def test_squash_maps_plus_minus_one_to_itself():
    out = squash(torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64))
    torch.testing.assert_close(out, torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64), rtol=0, atol=2e-4)
