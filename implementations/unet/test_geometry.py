"""The unpadded U-Net's size arithmetic, its centred crop, and its receptive field, in float64."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from .geometry import center_crop, check_input_size, level_sizes, output_size, receptive_field, valid_input_sizes
from .model import UNet


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def feature_sizes(model: UNet, size: int) -> dict[str, list[int]]:
    """The side of every double conv's and up-conv's output in a real forward pass."""
    seen = {"down": [], "up": [], "out": []}
    hooks = [b.register_forward_hook(lambda m, i, o: seen["down"].append(o.shape[-1])) for b in model.down]
    hooks += [u.register_forward_hook(lambda m, i, o: seen["up"].append(o.shape[-1])) for u in model.upconv]
    hooks += [b.register_forward_hook(lambda m, i, o: seen["out"].append(o.shape[-1])) for b in model.up]
    model(torch.zeros(1, 1, size, size))
    for h in hooks:
        h.remove()
    return seen


@pytest.mark.parametrize("depth,size", [(1, 36), (2, 76), (2, 44), (3, 92)])
def test_every_level_follows_the_papers_arithmetic(depth, size):
    """-4 per double conv, /2 per pool, x2 per up-conv; the paper's own 572 -> 388 at depth 4 as well."""
    sizes = level_sizes(size, depth)
    assert feature_sizes(UNet(width=2, depth=depth), size) == sizes
    assert sizes["up"][0] == 2 * sizes["down"][-1] and sizes["down"][1] == (sizes["down"][0] // 2) - 4
    assert level_sizes(572, 4) == {"down": [568, 280, 136, 64, 28], "up": [56, 104, 200, 392],
                                   "out": [52, 100, 196, 388]}                     # Fig. 1
    assert level_sizes(76, 2) == {"down": [72, 32, 12], "up": [24, 40], "out": [20, 36]}


def test_the_crop_is_exactly_centred():
    x = torch.arange(36.0).view(1, 1, 6, 6)
    assert center_crop(x, 2, 2).tolist() == [[[[14.0, 15.0], [20.0, 21.0]]]]
    assert center_crop(x, 4, 2)[0, 0, :, 0].tolist() == [8.0, 14.0, 20.0, 26.0]
    with pytest.raises(ValueError, match="cannot centre"):
        center_crop(x, 3, 3)                                    # a margin of 3 cannot be split evenly


def test_the_skip_path_concatenates_the_centre_of_the_contracting_map():
    """A network whose expansive path passes the cropped skip through untouched shows which pixels it took."""
    model = UNet(width=1, depth=1)
    size = 36                                        # level 0 map 32, up-conv output 24: offset 4
    kept = {}
    model.up[0].register_forward_pre_hook(lambda m, args: kept.setdefault("cat", args[0]))
    model.down[0].register_forward_hook(lambda m, i, o: kept.setdefault("level0", o))
    model(torch.rand(1, 1, size, size))
    assert kept["cat"].shape[1] == 2
    assert torch.equal(kept["cat"][:, :1], kept["level0"][:, :, 4:28, 4:28])   # [cropped skip, up-conv] order


def test_valid_sizes_are_exactly_those_the_network_accepts():
    for depth in (1, 2, 3):
        accepted = []
        for s in range(1, 130):
            try:
                check_input_size(s, depth)
                accepted.append(s)
            except ValueError:
                pass
        assert valid_input_sizes(depth, 1, 129) == accepted
        for s in accepted:
            out = output_size(s, depth)
            assert out >= 1 and out == level_sizes(s, depth)["out"][-1]
    assert valid_input_sizes(2, 40, 80) == [44, 48, 52, 56, 60, 64, 68, 72, 76, 80]


def test_invalid_sizes_are_rejected_with_a_clear_error():
    with pytest.raises(ValueError, match="before pooling 2 is 15 pixels"):
        check_input_size(42, 2)                      # 42 - 4 = 38, / 2 = 19, - 4 = 15: odd
    with pytest.raises(ValueError, match="before pooling 1 is 71 pixels"):
        check_input_size(75, 2)
    with pytest.raises(ValueError, match="too small"):
        check_input_size(40, 2)
    with pytest.raises(ValueError, match="cannot take a 75-pixel tile"):
        UNet(depth=2)(torch.zeros(1, 1, 75, 75))


def positive_unet(depth: int) -> UNet:
    """All weights and biases positive and inputs positive: every ReLU passes, no two paths cancel."""
    model = UNet(width=2, depth=depth)
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(0.05 + 0.1 * torch.rand(p.shape, generator=g))
    return model


def gradient_support(model: UNet, size: int, row: int, col: int) -> torch.Tensor:
    x = (0.5 + torch.rand(1, 1, size, size, generator=torch.Generator().manual_seed(1))).requires_grad_()
    model(x)[0, 1, row, col].backward()
    return x.grad[0, 0] != 0


@pytest.mark.parametrize("depth,size", [(1, 22), (2, 52)])
def test_the_receptive_field_formula_matches_the_gradient_support(depth, size):
    """Max-pooling sends gradient only to each window's maximum, so the dependency set shows with average
    pooling, which has the same 2x2 windows; with max-pooling the support must lie inside that set."""
    rf = receptive_field(depth)
    out = output_size(size, depth)
    averaged = positive_unet(depth)
    averaged.pool = nn.AvgPool2d(2)
    block = 2 ** depth
    for row, col in [(0, 0), (1, 2), (out - 1, out - 2)]:       # every parity: the field's side never changes
        support = gradient_support(averaged, size, row, col)
        rows, cols = support.any(1).nonzero()[:, 0], support.any(0).nonzero()[:, 0]
        assert len(rows) == len(cols) == rf and support.sum().item() == rf * rf   # a full rf x rf square
        # the up-convs tie outputs in blocks of 2^depth: each output of a block sees the same square
        top, left = block * (row // block), block * (col // block)
        assert (rows.min().item(), cols.min().item()) == (top, left)
        box = torch.zeros_like(support)
        box[top:top + rf, left:left + rf] = True
        assert not (gradient_support(positive_unet(depth), size, row, col) & ~box).any()
    assert (receptive_field(1), receptive_field(2)) == (18, 44)
    assert size - out == rf - block       # the last block of outputs sees the tile up to its last pixel
