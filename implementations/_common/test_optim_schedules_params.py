"""Momentum SGD against torch.optim.SGD, cosine_after_hold against hand values, parameter counts by hand."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from implementations._common.optim import MomentumSGD
from implementations._common.params import count_parameters
from implementations._common.schedules import cosine_after_hold


def _quadratic_grads(params, k: int) -> None:
    for j, p in enumerate(params):
        p.grad = (k + 1) * p.detach() - j + 0.5


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_momentum_sgd_matches_torch_sgd_over_steps_with_a_changing_lr(weight_decay: float) -> None:
    torch.manual_seed(0)
    ours_p = [torch.randn(3, 2, dtype=torch.float64), torch.randn(4, dtype=torch.float64)]
    ref_p = [p.clone().requires_grad_() for p in ours_p]
    ours_p = [p.clone().requires_grad_() for p in ours_p]
    ours = MomentumSGD(ours_p, lr=0.1, momentum=0.9, weight_decay=weight_decay)
    ref = torch.optim.SGD(ref_p, lr=0.1, momentum=0.9, weight_decay=weight_decay)
    for k in range(4):
        lr = 0.1 if k < 2 else 0.01   # a step schedule, as resnet's demo uses
        ours.lr = lr
        for group in ref.param_groups:
            group["lr"] = lr
        _quadratic_grads(ours_p, k)
        _quadratic_grads(ref_p, k)
        ours.step()
        ref.step()
        assert_close(ours_p, [p.detach() for p in ref_p])
    assert all(p.grad is None for p in ours_p)  # cleared, so a forgotten zero_grad cannot accumulate


def test_momentum_sgd_two_steps_by_hand() -> None:
    p = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt = MomentumSGD([p], lr=0.5, momentum=0.9)
    p.grad = torch.tensor([2.0], dtype=torch.float64)
    opt.step()                      # v = 2, p = 1 - 0.5 * 2 = 0
    p.grad = torch.tensor([1.0], dtype=torch.float64)
    opt.step()                      # v = 0.9 * 2 + 1 = 2.8, p = 0 - 1.4
    assert p.item() == pytest.approx(-1.4)


def test_cosine_after_hold_exact_values() -> None:
    total, hold = 10, 4
    values = [cosine_after_hold(s, total, hold) for s in range(total + 1)]
    assert values[:4] == [1.0, 1.0, 1.0, 1.0]          # held, including the step before the anneal
    assert values[4] == 1.0                             # the anneal starts at the full rate
    assert values[7] == pytest.approx(0.5)              # half-way through the 6 annealed steps
    assert values[5] == pytest.approx(0.5 * (1 + math.cos(math.pi / 6)))
    assert values[10] == pytest.approx(0.0, abs=1e-12)  # zero at the last step, not one step later
    assert all(a >= b for a, b in zip(values, values[1:]))
    assert cosine_after_hold(3, 3, 5) == 1.0            # hold longer than the run: never anneals
    assert cosine_after_hold(5, 5, 5) == 1.0            # total == hold: no division by zero


def test_count_parameters_by_hand_and_tied_weights_once() -> None:
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2, bias=False))
    assert count_parameters(net) == 3 * 4 + 4 + 4 * 2
    emb = nn.Embedding(5, 3)
    tied = nn.ModuleDict({"emb": emb, "out": nn.Linear(3, 5, bias=False)})
    tied["out"].weight = emb.weight
    assert count_parameters(tied) == 15
