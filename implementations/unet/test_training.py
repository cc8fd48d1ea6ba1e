"""The training inputs the demo builds, in float64 (Adam itself is tested in implementations/adam)."""

from __future__ import annotations

import torch
from torch.testing import assert_close


def test_the_demos_weights_are_eq_2_on_the_whole_scene_cropped_to_the_output_tile():
    """w_c(x) + w0 * term(x), as training builds it, equals weight_map with that w0, computed before cropping."""
    from .data import scenes
    from .demo import QUICK, SIGMA, labelled
    from .geometry import center_crop
    from .loss import class_balance, weight_map

    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        scale = QUICK.__class__(**{**QUICK.__dict__, "train": 2})
        images, masks, w_class, term = labelled(2, scale, seed=0)
        _, instances = scenes(2, scale.tile, seed=0)
        wc = class_balance(masks)
        for k in range(2):
            whole = weight_map(instances[k], wc, w0=10.0, sigma=SIGMA)
            assert_close(w_class[k] + 10.0 * term[k], center_crop(whole, 12, 12))
            assert torch.equal(masks[k], center_crop(instances[k] > 0, 12, 12).long())
        assert term.max() > 0.3                       # some background pixel lies between two close objects
    finally:
        torch.set_default_dtype(previous)
