"""Inverted dropout's expectation, eval identity and mask distribution; the whole net against a
written-out reference with the same masks (float64); the noisy split."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.dropout.data import N_VAL, noisy_digits
from implementations.dropout.dropout import Dropout
from implementations.dropout.model import mlp

D = torch.float64


def test_kept_units_are_scaled_by_one_over_q_and_dropped_ones_are_zero() -> None:
    torch.manual_seed(0)
    x = torch.rand(200, 50, dtype=D) + 0.5
    out = Dropout(0.25).train()(x)
    kept = out != 0
    assert_close(out[kept], x[kept] / 0.75)
    assert not kept.all() and kept.any()


def test_inverted_scaling_keeps_the_expectation() -> None:
    torch.manual_seed(1)
    x = torch.linspace(-2.0, 3.0, 7, dtype=D)
    layer = Dropout(0.5).train()
    mean = torch.stack([layer(x) for _ in range(20_000)]).mean(0)
    # each entry is x·(2·Bernoulli(1/2)): std |x|, so the mean of 20k is within ~4·|x|/141
    assert ((mean - x).abs() <= 4 * x.abs() / 20_000**0.5 + 1e-12).all()


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_mask_is_independent_bernoulli_with_drop_rate_p(p: float) -> None:
    torch.manual_seed(2)
    mask = (Dropout(p).train()(torch.ones(4000, 64, dtype=D)) == 0).to(D)
    n = mask.numel()
    assert abs(mask.mean().item() - p) < 4 * (p * (1 - p) / n) ** 0.5
    per_example = mask.mean(1)                 # a fresh mask per example, not one shared by the batch
    assert per_example.std() > 0.5 * (p * (1 - p) / 64) ** 0.5
    corr = torch.corrcoef(mask[:, :2].T)[0, 1].item()
    assert abs(corr) < 0.1                     # units dropped independently


def test_eval_mode_and_p_zero_are_the_identity() -> None:
    x = torch.randn(5, 3, dtype=D)
    assert torch.equal(Dropout(0.5).eval()(x), x)
    assert torch.equal(Dropout(0.0).train()(x), x)
    with pytest.raises(ValueError):
        Dropout(1.0)


def test_whole_net_equals_a_reference_with_the_same_masks() -> None:
    """Dropout on the input (p_in) and after each hidden ReLU (p_hidden), none on the logits."""
    net = mlp(0.2, 0.5, n_in=6, n_out=3).to(D).train()
    x = torch.randn(4, 6, dtype=D)
    torch.manual_seed(3)
    out = net(x)
    torch.manual_seed(3)                       # replay the masks in the order the net draws them
    w1, b1, w2, b2, w3, b3 = (p.detach() for p in net.parameters())
    m_in = (torch.rand(4, 6, dtype=D) < 0.8).to(D) / 0.8
    h1 = torch.relu(F.linear(x * m_in, w1, b1))
    m1 = (torch.rand_like(h1) < 0.5).to(D) / 0.5
    h2 = torch.relu(F.linear(h1 * m1, w2, b2))
    m2 = (torch.rand_like(h2) < 0.5).to(D) / 0.5
    assert_close(out, F.linear(h2 * m2, w3, b3))
    net.eval()
    assert_close(net(x), F.linear(torch.relu(F.linear(torch.relu(F.linear(x, w1, b1)), w2, b2)), w3, b3))


def test_noisy_split_is_disjoint_with_clean_evaluation_labels() -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    all_x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
    target = torch.tensor(digits.target)
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = noisy_digits(torch.Generator().manual_seed(0))
    assert len(y_tr) + len(y_va) + len(y_te) == len(target) and len(y_va) == N_VAL

    def rows(x):
        return [int(((all_x - r).abs().sum(1) == 0).nonzero()[0]) for r in x]
    r_tr, r_va, r_te = rows(x_tr), rows(x_va[:60]), rows(x_te[:60])
    assert not (set(r_tr) & set(r_va)) and not (set(r_tr) & set(r_te)) and not (set(r_va) & set(r_te))
    assert torch.equal(y_va[:60], target[r_va]) and torch.equal(y_te[:60], target[r_te])
    wrong = (y_tr != target[r_tr]).float().mean().item()
    assert 0.2 < wrong < 0.34                  # 30% resampled, a tenth of those land on the true class
