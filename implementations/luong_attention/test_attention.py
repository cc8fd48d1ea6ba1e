"""The three scores of eq. 8, the global softmax and the local-p window (eq. 9-10) on hand-worked numbers (float64)."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.testing import assert_close

from implementations.luong_attention.attention import Score, global_align, local_align, predictive_position

F64 = torch.float64
H_T = torch.tensor([[1.0, 2.0]], dtype=F64)  # one decoder state h_t
SOURCE = torch.tensor([[[3.0, -1.0], [0.5, 2.0]]], dtype=F64)  # h̄_1, h̄_2


def _score(kind: str, **weights: torch.Tensor) -> torch.Tensor:
    score = Score(kind, 2).double()
    with torch.no_grad():
        for name, value in weights.items():
            getattr(score, name).copy_(value) if name == "v_a" else getattr(score, name).weight.copy_(value)
    return score(H_T, score.keys(SOURCE))


def test_dot_score_by_hand() -> None:
    # [1, 2]·[3, -1] = 1;  [1, 2]·[0.5, 2] = 4.5
    assert_close(_score("dot"), torch.tensor([[1.0, 4.5]], dtype=F64))


def test_general_score_by_hand() -> None:
    # W_a h̄_1 = [3, 5] -> h_t·(W_a h̄_1) = 13;  W_a h̄_2 = [0.5, 3] -> 6.5
    w_a = torch.tensor([[1.0, 0.0], [2.0, 1.0]], dtype=F64)
    assert_close(_score("general", W_a=w_a), torch.tensor([[13.0, 6.5]], dtype=F64))


def test_concat_score_by_hand() -> None:
    # W_a [h_t; h̄_s] = [h_1 + h̄_s2, h_2 + h̄_s1]: s=1 -> [0, 5], s=2 -> [3, 2.5]; v_a = [2, -1]
    w_a = torch.tensor([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]], dtype=F64)
    v_a = torch.tensor([2.0, -1.0], dtype=F64)
    expected = [2 * math.tanh(0.0) - math.tanh(5.0), 2 * math.tanh(3.0) - math.tanh(2.5)]
    assert_close(_score("concat", W_a=w_a, v_a=v_a), torch.tensor([expected], dtype=F64))


def test_global_align_is_a_softmax_over_real_positions_only() -> None:
    scores = torch.tensor([[0.0, math.log(3.0), 5.0]], dtype=F64)
    valid = torch.tensor([[True, True, False]])
    assert_close(global_align(scores, valid), torch.tensor([[0.25, 0.75, 0.0]], dtype=F64))


def test_local_window_and_gaussian_by_hand() -> None:
    """D = 1 (σ = 0.5, so the Gaussian is exp(−2 (s − p_t)²)); 6 real positions, 2 of padding; equal scores."""
    p_t = torch.tensor([0.2, 2.6, 5.9, 6.0], dtype=F64)
    valid = torch.arange(8).expand(4, 8) < 6
    a = local_align(torch.zeros(4, 8, dtype=F64), valid, p_t, D=1)
    gauss = lambda s, p: math.exp(-2 * (s - p) ** 2)  # noqa: E731
    expected = torch.zeros(4, 8, dtype=F64)
    expected[0, [0, 1]] = torch.tensor([gauss(0, 0.2), gauss(1, 0.2)], dtype=F64) / 2        # left edge: {0, 1}
    expected[1, [2, 3, 4]] = torch.tensor([gauss(s, 2.6) for s in (2, 3, 4)], dtype=F64) / 3  # round(2.6) = 3
    expected[2, 5] = gauss(5, 5.9)                                                            # right edge: {5}
    expected[3, 5] = gauss(5, 6.0)                                                            # p_t = S
    assert_close(a, expected, rtol=0, atol=1e-15)
    assert (a[expected == 0] == 0).all()  # exactly 0 outside the window and on padding


def test_interior_window_holds_2d_plus_1_positions() -> None:
    gen = torch.Generator().manual_seed(0)
    scores = torch.randn(3, 20, generator=gen, dtype=F64)
    p_t = torch.tensor([7.3, 10.0, 12.6], dtype=F64)
    a = local_align(scores, torch.ones(3, 20, dtype=torch.bool), p_t, D=3)
    assert (a > 0).sum(-1).tolist() == [7, 7, 7]
    centre = torch.round(p_t).long()
    for row in range(3):
        inside = slice(int(centre[row]) - 3, int(centre[row]) + 4)
        softmax = scores[row, inside].softmax(-1)  # align() is a softmax over the window only
        gauss = torch.exp(-((torch.arange(20, dtype=F64)[inside] - p_t[row]) ** 2) / (2 * 1.5**2))
        assert_close(a[row, inside], softmax * gauss)


def test_predictive_position_lies_in_zero_to_s_and_learns_through_the_gaussian() -> None:
    torch.manual_seed(0)
    w_p, v_p = nn.Linear(4, 4, bias=False).double(), nn.Linear(4, 1, bias=False).double()
    lengths = torch.tensor([5, 9, 30])
    with torch.no_grad():
        v_p.weight.mul_(1000.0)  # saturate the sigmoid: p_t pinned at 0 or S
    h = torch.randn(3, 4, dtype=F64) * 10
    p = predictive_position(h, lengths, w_p, v_p)
    assert ((p >= 0) & (p <= lengths)).all()
    with torch.no_grad():
        v_p.weight.zero_()
    assert_close(predictive_position(h, lengths, w_p, v_p), lengths.double() / 2)  # sigmoid(0) = 1/2
    p_t = torch.tensor([3.2, 4.7], dtype=F64, requires_grad=True)  # away from .5: the window stays put
    scores = torch.randn(2, 9, dtype=F64, requires_grad=True)
    valid = torch.ones(2, 9, dtype=torch.bool)
    assert torch.autograd.gradcheck(lambda s, p: local_align(s, valid, p, D=2), (scores, p_t))
