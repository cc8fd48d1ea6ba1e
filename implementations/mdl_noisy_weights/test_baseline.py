"""The cross-validated weight-decay baseline: honest folds, independent batched models, no peeking at test data."""

from __future__ import annotations

import torch

from .baseline import BatchedMLP, cross_validated_decay, fold_masks, held_out_decay, holdout_split


def test_every_point_is_held_out_exactly_once() -> None:
    masks = fold_masks(30, 5, torch.Generator().manual_seed(0))
    assert masks.shape == (5, 30)
    assert torch.equal((1 - masks).sum(0), torch.ones(30))      # each point in one held-out fold
    assert torch.equal((1 - masks).sum(1), torch.full((5,), 6.0))  # folds of equal size


def test_batched_models_train_exactly_as_if_alone() -> None:
    """Two stacked models under one Adam equal each model trained by its own Adam (float64)."""
    torch.set_default_dtype(torch.float64)
    try:
        g = torch.Generator().manual_seed(1)
        x, y = torch.rand(12, 1, generator=g) * 2 - 1, torch.randn(1, 12, generator=g)
        decay = torch.tensor([0.0, 0.05])
        stacked = BatchedMLP(torch.tensor([1.0, 10.0]), 1, 5, torch.Generator().manual_seed(2))
        alone = []
        for m in range(2):
            net = BatchedMLP(torch.tensor([1.0]), 1, 5, torch.Generator())
            with torch.no_grad():
                for p, q in zip(net.parameters(), stacked.parameters()):
                    p.copy_(q[m:m + 1])
            alone.append(net)
        opts = [torch.optim.Adam(n.parameters(), lr=0.05) for n in (stacked, *alone)]
        for _ in range(20):
            losses = [((stacked(x) - y).pow(2).mean(1) + decay * stacked.squared_weights()).sum()]
            losses += [((n(x) - y).pow(2).mean(1) + decay[m] * n.squared_weights()).sum() for m, n in enumerate(alone)]
            for opt, loss in zip(opts, losses):
                opt.zero_grad()
                loss.backward()
                opt.step()
        for m, net in enumerate(alone):
            for p, q in zip(net.parameters(), stacked.parameters()):
                torch.testing.assert_close(p[0], q[m])
    finally:
        torch.set_default_dtype(torch.float32)


def test_the_choice_never_reads_the_test_set() -> None:
    g = torch.Generator().manual_seed(3)
    x = torch.rand(20, 1, generator=g) * 2 - 1
    y = torch.sin(3 * x) + 0.3 * torch.randn(20, 1, generator=g)
    x_test = torch.linspace(-1, 1, 50).view(-1, 1)
    kwargs = dict(steps=200, lr=3e-2, hidden=8, seed=0, eval_every=50, decays=(0.0, 1e-2), init_scales=(1.0,))
    a = cross_validated_decay(x, y, x_test, torch.sin(3 * x_test), **kwargs)
    b = cross_validated_decay(x, y, x_test, torch.zeros(50, 1), **kwargs)
    assert (a.decay, a.init_scale, a.steps, a.cv_mse) == (b.decay, b.init_scale, b.steps, b.cv_mse)
    assert a.test_mse != b.test_mse          # the test targets only change the reported figure


def test_held_out_points_are_disjoint_from_training_and_never_trained_on() -> None:
    mask = holdout_split(30, 10, torch.Generator().manual_seed(4))
    assert mask.sum() == 20 and set(mask.tolist()) == {0.0, 1.0}
    g = torch.Generator().manual_seed(5)
    x = torch.rand(30, 1, generator=g) * 2 - 1
    y = torch.sin(3 * x) + 0.3 * torch.randn(30, 1, generator=g)
    x_test = torch.linspace(-1, 1, 50).view(-1, 1)
    kwargs = dict(steps=100, lr=3e-2, hidden=8, seed=0, valid=10, eval_every=100, decays=(0.0,), init_scales=(1.0,))
    held = 1 - holdout_split(30, 10, torch.Generator().manual_seed(0))   # the split held_out_decay draws first
    a = held_out_decay(x, y, x_test, torch.sin(3 * x_test), **kwargs)
    moved = y + 5.0 * held.view(-1, 1)                                   # change only the held-out targets
    b = held_out_decay(x, moved, x_test, torch.sin(3 * x_test), **kwargs)
    assert a.test_mse == b.test_mse                  # the kept net never saw the held-out points
    assert b.valid_mse > a.valid_mse + 10            # but they are what it is judged on


def test_the_held_out_choice_never_reads_the_test_set() -> None:
    g = torch.Generator().manual_seed(6)
    x = torch.rand(30, 1, generator=g) * 2 - 1
    y = torch.sin(3 * x) + 0.3 * torch.randn(30, 1, generator=g)
    x_test = torch.linspace(-1, 1, 50).view(-1, 1)
    kwargs = dict(steps=200, lr=3e-2, hidden=8, seed=0, eval_every=50, decays=(0.0, 1e-2), init_scales=(1.0, 10.0))
    a = held_out_decay(x, y, x_test, torch.sin(3 * x_test), **kwargs)
    b = held_out_decay(x, y, x_test, torch.zeros(50, 1), **kwargs)
    assert (a.decay, a.init_scale, a.steps, a.valid_mse) == (b.decay, b.init_scale, b.steps, b.valid_mse)
    assert a.test_mse != b.test_mse
