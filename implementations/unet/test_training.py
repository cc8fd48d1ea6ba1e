"""The Adam wrapper against the update written out (Kingma & Ba 2015, Algorithm 1), in float64."""

from __future__ import annotations

import torch
from torch.testing import assert_close

from .training import Adam


def test_two_adam_steps_by_hand():
    p = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt = Adam([p], lr=0.1)
    g1, g2 = torch.tensor([0.5, -1.0], dtype=torch.float64), torch.tensor([-0.2, 0.3], dtype=torch.float64)
    expected = p.detach().clone()
    m, v = torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    for t, g in enumerate((g1, g2), start=1):
        p.grad = g.clone()
        opt.step()
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g ** 2
        m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
        expected -= 0.1 * m_hat / (v_hat.sqrt() + 1e-8)
        assert_close(p.detach(), expected)
        assert p.grad is None                                          # cleared for the next backward
        if t == 1:                                                     # m_hat / sqrt(v_hat) = sign(g)
            assert_close(p.detach(), torch.tensor([0.9, -1.9], dtype=torch.float64), atol=1e-8, rtol=0)


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
