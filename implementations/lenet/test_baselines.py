"""The shifted-digit split and the baselines LeNet-5 is compared with."""

from __future__ import annotations

import torch

from implementations.lenet.baselines import FullyConnectedNet, LinearClassifier, nearest_neighbour_accuracy
from implementations.lenet.data import load_digit_split, shifted_digit_split


def test_shifted_split_keeps_labels_and_puts_each_whole_digit_inside_the_field():
    x_train, y_train, x_test, y_test = shifted_digit_split(field=22, digit=16, pad=5, low=-0.1, high=1.175)
    c_train, cy_train, c_test, cy_test = load_digit_split(16, 0, -0.1, 1.175)
    assert x_train.shape[1:] == (1, 32, 32) and torch.equal(y_train, cy_train) and torch.equal(y_test, cy_test)
    offsets = set()
    for shifted, centred in ((x_train, c_train), (x_test, c_test)):
        for img, digit in zip(shifted[:200], centred[:200]):
            ink = (img[0] != -0.1).nonzero()
            r, c = int(ink[:, 0].min()), int(ink[:, 1].min())
            # the digit's own ink box gives a lower bound; find the exact placement by matching
            found = [(i, j) for i in range(5, 12) for j in range(5, 12)
                     if torch.equal(img[0, i:i + 16, j:j + 16], digit[0])]
            assert len(found) >= 1 and all(5 <= i <= 11 and 5 <= j <= 11 for i, j in found)
            assert r >= 5 and c >= 5
            outside = img.clone()
            i, j = found[0]
            outside[0, i:i + 16, j:j + 16] = -0.1
            assert bool((outside == -0.1).all())  # nothing but background outside the digit
            offsets.add(found[0])
    assert len(offsets) > 30  # the digits really move around
    # the placement is fixed: the same on every call
    assert torch.equal(shifted_digit_split(22, 16, 5)[0], x_train)


def test_fully_connected_baseline_matches_lenet5_parameter_budget():
    width = FullyConnectedNet.width_for(1024, 60_000)
    net = FullyConnectedNet(1024, width)
    assert width == 58 and sum(net.free_parameters().values()) == 60_040
    assert sum(p.numel() for p in net.parameters()) == 60_040
    assert sum(LinearClassifier(1024).free_parameters().values()) == 10_250


def test_nearest_neighbour_by_hand():
    x_train = torch.tensor([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]]).reshape(3, 1, 1, 2)
    y_train = torch.tensor([0, 1, 2])
    x_test = torch.tensor([[0.9, 1.2], [4.0, 4.0], [0.1, -0.1]]).reshape(3, 1, 1, 2)
    assert nearest_neighbour_accuracy(x_train, y_train, x_test, torch.tensor([1, 2, 0])) == 1.0
    assert nearest_neighbour_accuracy(x_train, y_train, x_test, torch.tensor([1, 1, 1])) == 1 / 3
