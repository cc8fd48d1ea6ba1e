"""n-gram features and the exact logistic-regression fit by hand; BERT's warm-up/linear-decay schedule."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.bert_mlm.baselines import fit_logistic, ngram_features
from implementations.bert_mlm.train import warmup_linear


def test_ngram_counts_by_hand() -> None:
    v = 4
    x = ngram_features(torch.tensor([[1, 2, 2, 3, 0]]), v, pad_id=0, pairs=True)[0]   # "1 2 2 3" + PAD
    uni, bi, pairs = x[:v], x[v:v + v * v].view(v, v), x[v + v * v:].view(v, v)
    assert uni.tolist() == [0, 1, 2, 1]
    want_bi = torch.zeros(v, v, dtype=torch.float64)
    want_bi[1, 2] = want_bi[2, 2] = want_bi[2, 3] = 1       # PAD never forms a bigram
    assert_close(bi, want_bi)
    want_pairs = torch.zeros(v, v, dtype=torch.float64)
    for a, b in [(1, 2), (1, 2), (1, 3), (2, 2), (2, 3), (2, 3)]:
        want_pairs[a, b] += 1
    assert_close(pairs, want_pairs)


@pytest.mark.parametrize("n, d", [(30, 80), (60, 5)])
def test_logistic_fit_is_the_penalised_optimum(n: int, d: int) -> None:
    gen = torch.Generator().manual_seed(n)
    x = torch.randn(n, d, generator=gen, dtype=torch.float64)
    y = (torch.rand(n, generator=gen) < torch.sigmoid(x[:, 0] + 0.5)).long()
    lam = 0.05
    w, b = fit_logistic(x, y, lam)
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    loss = F.binary_cross_entropy_with_logits(x @ w + b, y.double()) + 0.5 * lam * w.square().sum()
    gw, gb = torch.autograd.grad(loss, [w, b])
    assert gw.abs().max() < 1e-8 and abs(gb.item()) < 1e-8      # the gradient vanishes: the exact optimum


def test_warmup_then_linear_decay_by_hand() -> None:
    # 20 steps, 10% warm-up = 2 steps: 1/2, 1, then (20 - s) / 18 down to 1/18
    assert [warmup_linear(s, 20) for s in (0, 1, 2, 11, 19)] == pytest.approx([0.5, 1.0, 1.0, 0.5, 1 / 18])
    assert warmup_linear(0, 1) == 1.0
