"""Exact tiny oracles, in float64: the weight map (eq. 2), the weighted cross-entropy (eq. 1), the
boundary band and boundary IoU, Otsu's threshold, and the separation of touching objects."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from .baselines import otsu_threshold
from .data import scenes, separate_touching
from .loss import class_balance, object_boundaries, weight_map, weighted_cross_entropy
from .metrics import band, boundary, boundary_iou, iou


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def test_class_balance_by_hand():
    w = class_balance(torch.tensor([[0, 0, 0, 1]]))
    assert_close(w, torch.tensor([4 / (2 * 3), 4 / (2 * 1)]))        # N / (K N_k): 2/3 and 2


def test_the_weight_map_by_hand():
    """Three one-pixel objects at three corners of a 3x3 tile; sigma = 1, w0 = 10."""
    inst = torch.tensor([[1, 0, 3],
                         [0, 0, 0],
                         [0, 0, 2]])
    wc = torch.tensor([0.75, 1.5])                                     # 9 / (2 * 6), 9 / (2 * 3)
    w = weight_map(inst, wc, w0=10.0, sigma=1.0)
    term = lambda d12: 10 * math.exp(-d12 ** 2 / 2)
    r5 = math.sqrt(5)
    expected = torch.tensor([[1.5, 0.75 + term(1 + 1), 1.5],           # (0,1): objects 1 and 3 at 1 each
                             [0.75 + term(1 + r5), 0.75 + term(2 * math.sqrt(2)), 0.75 + term(1 + 1)],
                             [0.75 + term(2 + 2), 0.75 + term(1 + r5), 1.5]])   # (2,0): 2 to 1 and to 2, √8 to 3
    assert_close(w, expected)
    single = weight_map(torch.tensor([[1, 1, 0, 0]]), wc, w0=10.0, sigma=1.0)
    assert_close(single, torch.tensor([[1.5, 1.5, 0.75, 0.75]]))     # one object: no separation term


def test_object_boundaries_are_pixels_with_an_outside_neighbour_on_the_tile():
    inst = torch.zeros(5, 5, dtype=torch.long)
    inst[1:4, 1:4] = 1                                                # a 3x3 block: all but its centre
    inst[0, 4] = 2
    borders = object_boundaries(inst)
    assert len(borders[0]) == 8 and [2.0, 2.0] not in borders[0].tolist()
    edge = torch.ones(3, 3, dtype=torch.long)
    edge[2, 2] = 0                                                    # the tile's edge is not a border
    assert sorted(object_boundaries(edge)[0].tolist()) == [[1.0, 2.0], [2.0, 1.0]]


def test_weighted_cross_entropy_by_hand():
    scores = torch.tensor([[[[2.0, 0.0]], [[0.0, 1.0]]]])            # (B=1, K=2, H=1, W=2)
    target = torch.tensor([[[0, 0]]])
    weight = torch.tensor([[[1.0, 3.0]]])
    p0 = math.exp(2) / (math.exp(2) + 1)
    p1 = 1 / (1 + math.e)
    expected = -(1.0 * math.log(p0) + 3.0 * math.log(p1)) / 2
    assert weighted_cross_entropy(scores, target, weight).item() == pytest.approx(expected, abs=1e-12)
    s, t, w = torch.randn(2, 3, 4, 5), torch.randint(0, 3, (2, 4, 5)), torch.rand(2, 4, 5)
    ref = (w * F.cross_entropy(s, t, reduction="none")).mean()
    assert_close(weighted_cross_entropy(s, t, w), ref)


def test_boundary_band_and_boundary_iou_by_hand():
    target = torch.tensor([[[0, 0, 0, 1, 1, 1]]])
    pred = torch.tensor([[[0, 0, 1, 1, 0, 1]]])
    assert boundary(target)[0, 0].tolist() == [False, False, True, True, False, False]
    assert band(target, 1)[0, 0].tolist() == [False, True, True, True, True, False]
    # in the band (pixels 1-4): target 0 0 1 1, prediction 0 1 1 0: one shared of three
    assert boundary_iou(pred, target, 1) == pytest.approx(1 / 3)
    assert iou(pred, target) == pytest.approx(2 / 4)
    square = torch.zeros(1, 4, 4, dtype=torch.long)
    square[0, 1:3, 1:3] = 1
    assert boundary(square).sum().item() == 4 + 8 and band(square, 1).all()   # 4 inside, 8 outside
    assert iou(torch.zeros_like(square), torch.zeros_like(square)) == 1.0     # nothing to find, nothing found


def test_otsu_by_hand_and_against_exhaustive_search():
    assert otsu_threshold(torch.tensor([1.0, 2.0, 3.0, 10.0, 11.0, 12.0])) == 6.5
    g = torch.Generator().manual_seed(0)
    v = torch.cat([torch.randn(30, generator=g), 3 + 0.5 * torch.randn(12, generator=g)])
    s = v.sort().values

    def between(i):   # the smallest i values against the rest
        a, b = s[:i], s[i:]
        return len(a) * len(b) * (a.mean() - b.mean()) ** 2
    best = max(range(1, len(s)), key=between)
    assert otsu_threshold(v) == pytest.approx(((s[best - 1] + s[best]) / 2).item())


def test_touching_objects_are_split_by_a_background_line():
    inst = torch.tensor([[1, 1, 2, 2],
                         [1, 1, 1, 2]])
    assert separate_touching(inst).tolist() == [[1, 0, 2, 2], [1, 0, 0, 2]]   # object 1 gives way
    _, instances = scenes(4, 44, seed=3)
    for i in instances:
        padded = F.pad(i, (1, 1, 1, 1))
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                other = padded[1 + dy:1 + dy + 44, 1 + dx:1 + dx + 44]
                assert not ((i > 0) & (other > 0) & (other != i)).any()   # no two objects 8-adjacent


def test_scenes_are_reproducible_and_touch():
    a, ia = scenes(3, 60, seed=7)
    b, ib = scenes(3, 60, seed=7)
    assert torch.equal(a, b) and torch.equal(ia, ib) and a.shape == (3, 1, 60, 60)
    assert not torch.equal(scenes(3, 60, seed=8)[0], a)
    assert all(i.max() >= 5 for i in ia)                             # five to nine objects each
