"""GloVe by hand: the weighting function, the loss on a tiny example, gradients against autograd,
and whole AdaGrad training against torch.optim.Adagrad on the written-out loss (float64)."""

from __future__ import annotations

import math

import pytest
import torch
from torch.testing import assert_close

from implementations.glove.model import AdaGrad, GloVe, nonzero_entries, train, weighting

D = torch.float64


def test_weighting_is_a_capped_power() -> None:
    x = torch.tensor([0.0, 1.0, 50.0, 100.0, 400.0], dtype=D)
    assert_close(weighting(x), torch.tensor([0.0, 0.01 ** 0.75, 0.5 ** 0.75, 1.0, 1.0], dtype=D))
    assert_close(weighting(torch.tensor([2.0], dtype=D), x_max=4.0, alpha=1.0), torch.tensor([0.5], dtype=D))


def _model(gen, v=5, d=3) -> GloVe:
    model = GloVe(v, d, gen, dtype=D)
    model.W, model.W_ctx = torch.randn(v, d, generator=gen, dtype=D), torch.randn(v, d, generator=gen, dtype=D)
    model.b, model.b_ctx = torch.randn(v, generator=gen, dtype=D), torch.randn(v, generator=gen, dtype=D)
    return model


def test_loss_by_hand_on_two_entries() -> None:
    model = GloVe(2, 2, torch.Generator().manual_seed(0), dtype=D)
    model.W = torch.tensor([[1.0, 0.0], [0.0, 2.0]], dtype=D)
    model.W_ctx = torch.tensor([[1.0, 1.0], [0.5, 0.0]], dtype=D)
    model.b, model.b_ctx = torch.tensor([0.5, 0.0], dtype=D), torch.tensor([0.0, -1.0], dtype=D)
    # (0, 1, X = e): w·w̃ = 0.5, b = 0.5, b̃ = -1, log X = 1 -> err = -1, f = (e/100)^0.75
    # (1, 0, X = 200): w·w̃ = 2, b = 0, b̃ = 0, log 200 -> err = 2 - log 200, f = 1
    loss, _ = model.loss_and_grads(torch.tensor([0, 1]), torch.tensor([1, 0]), torch.tensor([math.e, 200.0], dtype=D))
    expected = (math.e / 100) ** 0.75 * 1.0 + (2 - math.log(200)) ** 2
    assert loss.item() == pytest.approx(expected, abs=1e-12)


def _reference_loss(params, i, j, x, x_max=100.0, alpha=0.75):
    w, w_ctx, b, b_ctx = params
    f = torch.where(x < x_max, (x / x_max) ** alpha, torch.ones_like(x))
    return (f * ((w[i] * w_ctx[j]).sum(1) + b[i] + b_ctx[j] - x.log()) ** 2).sum()


def test_gradients_equal_autograd_with_repeated_rows() -> None:
    gen = torch.Generator().manual_seed(1)
    model = _model(gen)
    i, j = torch.tensor([0, 0, 3, 1, 3]), torch.tensor([2, 4, 0, 2, 2])
    x = torch.tensor([3.0, 150.0, 0.5, 40.0, 7.0], dtype=D)
    loss, grads = model.loss_and_grads(i, j, x, x_max=50.0, alpha=0.5)
    params = [p.clone().requires_grad_() for p in model.params()]
    ref = _reference_loss(params, i, j, x, 50.0, 0.5)
    ref.backward()
    assert loss.item() == pytest.approx(ref.item(), abs=1e-12)
    for g, p in zip(grads, params):
        assert_close(g, p.grad)


def test_adagrad_is_torch_adagrad() -> None:
    gen = torch.Generator().manual_seed(2)
    p = torch.randn(4, 3, generator=gen, dtype=D)
    ours, theirs = p.clone(), p.clone().requires_grad_()
    opt_ours, opt_theirs = AdaGrad([ours], lr=0.1), torch.optim.Adagrad([theirs], lr=0.1)
    for _ in range(3):
        g = torch.randn(4, 3, generator=gen, dtype=D)
        g[1] = 0.0                                            # an untouched row must not move
        opt_ours.step([g])
        theirs.grad = g.clone()
        opt_theirs.step()
    assert_close(ours, theirs.detach())
    assert_close(ours[1], p[1])


def test_whole_training_replays_torch_adagrad_on_the_written_out_loss() -> None:
    gen = torch.Generator().manual_seed(3)
    counts = torch.tensor([[0, 5, 1, 0], [5, 0, 2, 120], [1, 2, 0, 3], [0, 120, 3, 0]], dtype=D)
    entries = nonzero_entries(counts)
    assert len(entries[2]) == 10 and (entries[2] > 0).all()
    model = _model(gen, v=4, d=2)
    params = [p.clone().requires_grad_() for p in model.params()]
    train(model, entries, steps=5, batch=4, lr=0.2, gen=torch.Generator().manual_seed(7), x_max=10.0, alpha=0.75)
    opt = torch.optim.Adagrad(params, lr=0.2)
    ref_gen, step = torch.Generator().manual_seed(7), 0
    while step < 5:                                          # 3 batches per epoch: 4, 4, 2 entries
        order = torch.randperm(10, generator=ref_gen)
        for start in (0, 4, 8):
            idx = order[start:start + 4]
            opt.zero_grad()
            _reference_loss(params, entries[0][idx], entries[1][idx], entries[2][idx], 10.0, 0.75).backward()
            opt.step()
            step += 1
            if step == 5:
                break
    for ours, ref in zip(model.params(), params):
        assert_close(ours, ref.detach())
    assert_close(model.vectors(), params[0].detach() + params[1].detach())
