"""AdamW against torch.optim.AdamW (float64, the demo's whole training loop), its exact difference
from Adam without decay, the contrast with L2-in-Adam in closed form, and the demo's grid mapping."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.adam.optim import Adam
from implementations.adamw import demo, task
from implementations.adamw.optim import AdamW

D = torch.float64


def _data(n: int = 40):
    g = torch.Generator().manual_seed(1)
    return torch.rand(n, 64, generator=g, dtype=D), torch.randint(0, 10, (n,), generator=g)


@pytest.mark.parametrize("lr, decay, betas", [(1e-2, 3e-3, (0.9, 0.999)), (3e-3, 1e-2, (0.5, 0.9))])
def test_demo_training_loop_with_adamw_equals_torch_adamw_step_by_step(lr, decay, betas) -> None:
    """torch decays by lr·weight_decay per step, so the paper's λ is torch's weight_decay = λ/α."""
    x, y = _data()
    torch.manual_seed(0)
    ours = task.mlp().to(D)
    ref = task.mlp().to(D)
    ref.load_state_dict(ours.state_dict())
    opt = AdamW(ours.parameters(), lr, betas=betas, weight_decay=decay)
    ref_opt = torch.optim.AdamW(ref.parameters(), lr=lr, betas=betas, weight_decay=decay / lr)
    ref_batches = torch.Generator().manual_seed(5)

    def compare(step: int, _loss: float) -> None:
        idx = torch.randint(0, len(y), (8,), generator=ref_batches)
        ref_opt.zero_grad()
        F.cross_entropy(ref(x[idx]), y[idx]).backward()
        ref_opt.step()
        for a, b in zip(ours.parameters(), ref.parameters()):
            assert_close(a, b, rtol=1e-10, atol=1e-12)
    task.train(ours, opt, x, y, steps=12, batch=8, batches=torch.Generator().manual_seed(5), on_step=compare)
    assert opt.t == 12


def test_adamw_differs_from_adam_without_decay_by_exactly_the_decoupled_term() -> None:
    """Fed the same gradients, AdamW keeps Adam's moments, and each step adds exactly −λ θ_{t−1}."""
    lam = 0.05
    start = torch.tensor([1.0, -2.0, 0.5, 0.0], dtype=D)
    w, a = torch.nn.Parameter(start.clone()), torch.nn.Parameter(start.clone())
    adamw, adam = AdamW([w], lr=0.1, weight_decay=lam), Adam([a], lr=0.1)
    grads = torch.randn(6, 4, generator=torch.Generator().manual_seed(2), dtype=D)
    for g in grads:
        before_w, before_a = w.detach().clone(), a.detach().clone()
        w.grad, a.grad = g.clone(), g.clone()
        adamw.step()
        adam.step()
        assert_close(adamw.m, adam.m, rtol=0, atol=0)
        assert_close(adamw.v, adam.v, rtol=0, atol=0)
        adam_update = a.detach() - before_a
        assert_close(w.detach(), before_w + adam_update - lam * before_w, rtol=1e-14, atol=1e-15)


def test_decay_of_a_weight_with_no_loss_gradient_in_closed_form() -> None:
    """Zero loss gradient: L2-in-Adam normalises λ'θ by its own size and steps α·sign(θ) for any θ;
    AdamW shrinks θ by the factor 1 − λ, in proportion to its size."""
    theta = torch.tensor([3.0, -0.01, 0.2], dtype=D)
    l2_p, w_p = torch.nn.Parameter(theta.clone()), torch.nn.Parameter(theta.clone())
    l2, adamw = Adam([l2_p], lr=0.1, weight_decay=0.5, eps=0.0), AdamW([w_p], lr=0.1, weight_decay=0.5)
    l2_p.grad, w_p.grad = torch.zeros(3, dtype=D), torch.zeros(3, dtype=D)
    l2.step()
    adamw.step()
    assert_close(l2_p.detach(), theta - 0.1 * theta.sign())
    assert_close(w_p.detach(), 0.5 * theta)


def test_demo_families_build_the_decay_they_name() -> None:
    p = [torch.nn.Parameter(torch.zeros(2))]
    adamw = demo.make_optimizer("adamw", p, 3e-3, 2.0)
    assert type(adamw) is AdamW and adamw.decay == pytest.approx(6e-3) and adamw.weight_decay == 0.0
    l2 = demo.make_optimizer("l2", p, 3e-3, 1e-2)
    assert type(l2) is Adam and l2.weight_decay == 1e-2 and l2.lr == 3e-3
    none = demo.make_optimizer("none", p, 1e-3, 0.0)
    assert type(none) is Adam and none.weight_decay == 0.0


def test_task_data_is_a_disjoint_noisy_split_with_clean_held_out_labels() -> None:
    from sklearn.datasets import load_digits

    (x, y), (xv, yv), (xt, yt) = task.noisy_digits(torch.Generator().manual_seed(0))
    assert (len(y), len(yv), len(yt)) == (300, 300, 1197)
    digits = load_digits()
    truth = {tuple(row): label for row, label in zip((digits.data / 16.0).round(6).tolist(), digits.target.tolist())}
    rows = [tuple(r) for r in x.double().round(decimals=6).tolist()]
    held = [tuple(r) for r in torch.cat([xv, xt]).double().round(decimals=6).tolist()]
    assert not set(rows) & set(held)                  # duplicates of an image across splits: none in digits
    assert all(truth[r] == lab for r, lab in zip(held, torch.cat([yv, yt]).tolist()))
    wrong = sum(truth[r] != lab for r, lab in zip(rows, y.tolist()))
    assert 0.2 * 300 < wrong < 0.35 * 300             # 30% redrawn, a tenth of those land on the true class
