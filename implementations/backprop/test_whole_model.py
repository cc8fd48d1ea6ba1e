"""Three full-batch sweeps of a 2-1 network computed by hand from equations (1)-(9), and the initialisation."""

from __future__ import annotations

import math

import torch
from torch.testing import assert_close

from implementations.backprop.model import MomentumDescent, SigmoidMLP, train_step

F64 = torch.float64


def _sigma(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def test_three_sweeps_by_hand_sum_over_cases_and_momentum():
    net = SigmoidMLP((2, 1), dtype=F64)
    net.weights[0].copy_(torch.tensor([[0.5, -1.0]], dtype=F64))
    net.biases[0].copy_(torch.tensor([0.25], dtype=F64))
    x = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]], dtype=F64)
    d = torch.tensor([[1.0], [0.0], [0.5]], dtype=F64)
    opt = MomentumDescent(net.parameters(), eps=0.5, alpha=0.9)
    w, b, dw_prev, db_prev = [0.5, -1.0], 0.25, [0.0, 0.0], 0.0
    for _ in range(3):   # the third sweep reads the momentum the second one stored
        grad_w, grad_b, error = [0.0, 0.0], 0.0, 0.0
        for case, target in zip(x.tolist(), d[:, 0].tolist()):
            y = _sigma(w[0] * case[0] + w[1] * case[1] + b)           # (1), (2)
            error += 0.5 * (y - target) ** 2                          # (3): summed over cases
            dE_dx = (y - target) * y * (1 - y)                        # (4), (5)
            grad_w = [g + dE_dx * c for g, c in zip(grad_w, case)]    # (6)
            grad_b += dE_dx
        dw_prev = [-0.5 * g + 0.9 * p for g, p in zip(grad_w, dw_prev)]   # (9)
        db_prev = -0.5 * grad_b + 0.9 * db_prev
        w = [wi + dwi for wi, dwi in zip(w, dw_prev)]
        b += db_prev
        measured, _ = train_step(net, opt, x, d)
        assert abs(measured - error) < 1e-12
        assert_close(net.weights[0], torch.tensor([w], dtype=F64))
        assert_close(net.biases[0], torch.tensor([b], dtype=F64))


def test_initial_weights_are_small_uniform_and_every_unit_has_a_bias():
    net = SigmoidMLP((8, 3, 8), generator=torch.Generator().manual_seed(0), init_scale=0.3, dtype=F64)
    assert [tuple(w.shape) for w in net.weights] == [(3, 8), (8, 3)]     # w_ji: (units out, units in)
    assert [tuple(b.shape) for b in net.biases] == [(3,), (8,)]
    for values in (torch.cat([w.flatten() for w in net.weights]), torch.cat(net.biases)):
        assert float(values.abs().max()) <= 0.3 and float(values.min()) < -0.05 and float(values.max()) > 0.05
