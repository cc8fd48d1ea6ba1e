"""The generated language: exact stationary distribution and entropy, sampling, lower-order marginals."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from implementations.scaling_laws.source import MarkovSource
from implementations.scaling_laws.train import held_out_loss, warmup_cosine

SRC = MarkovSource(vocab=6, strengths=(2.0, 1.0), zipf=1.0, seed=0)


def _hand_chain() -> MarkovSource:
    """Two-token first-order chain P = [[0.9, 0.1], [0.5, 0.5]]: pi = (5/6, 1/6)."""
    src = MarkovSource(vocab=2, strengths=(1.0,), zipf=0.0, seed=0)
    src.probs = torch.tensor([[0.9, 0.1], [0.5, 0.5]], dtype=torch.float64)
    src.cdf = src.probs.cumsum(-1)
    src.pi = src.stationary()
    return src


def test_stationary_distribution_and_entropy_rate_of_a_hand_chain() -> None:
    src = _hand_chain()
    assert_close(src.pi, torch.tensor([5 / 6, 1 / 6], dtype=torch.float64))
    h_09 = -(0.9 * math.log(0.9) + 0.1 * math.log(0.1))
    assert src.entropy_rate() == pytest.approx(5 / 6 * h_09 + 1 / 6 * math.log(2))


def test_rows_are_distributions_and_pi_is_stationary() -> None:
    assert_close(SRC.probs.sum(-1), torch.ones(36, dtype=torch.float64))
    # pi(c') = sum over (c, y) leading to c' of pi(c) P(y | c), computed here with an explicit matrix
    n, v = 36, 6
    transition = torch.zeros(n, n, dtype=torch.float64)
    for c in range(n):
        for y in range(v):
            transition[c, (c * v + y) % n] += SRC.probs[c, y]
    assert_close(SRC.pi @ transition, SRC.pi)
    assert SRC.pi.sum().item() == pytest.approx(1.0)


def test_sampled_tokens_have_the_exact_entropy_rate_and_unigram_frequencies() -> None:
    tokens = SRC.sample(2000, 60, torch.Generator().manual_seed(1))
    assert SRC.nll(tokens).mean().item() == pytest.approx(SRC.entropy_rate(), abs=0.02)
    freq = torch.bincount(tokens.reshape(-1), minlength=6).double() / tokens.numel()
    assert_close(freq, SRC.reduced_order_probs(0)[0], atol=0.01, rtol=0)


def test_sampling_is_deterministic_for_a_seed() -> None:
    a = SRC.sample(4, 20, torch.Generator().manual_seed(5))
    b = SRC.sample(4, 20, torch.Generator().manual_seed(5))
    assert torch.equal(a, b) and not torch.equal(a, SRC.sample(4, 20, torch.Generator().manual_seed(6)))
    assert torch.equal(MarkovSource(6, (2.0, 1.0), 1.0, seed=0).probs, SRC.probs)


def test_more_context_never_raises_the_best_loss() -> None:
    # Exact conditional entropies H(x_t | last j tokens) for j = 0, 1, 2 are non-increasing (and strictly here).
    pi_j = [SRC.pi.reshape(6 ** (2 - j), 6**j).sum(0) for j in range(3)]
    h = [-(pi_j[j] @ (SRC.reduced_order_probs(j) * SRC.reduced_order_probs(j).log()).sum(-1)).item() for j in range(3)]
    assert h[0] > h[1] + 0.05 > h[2] + 0.05
    assert h[2] == pytest.approx(SRC.entropy_rate())
    assert_close(SRC.reduced_order_probs(2), SRC.probs)


class _Oracle(nn.Module):
    """Outputs the source's own log-probabilities wherever it has seen k tokens."""

    def __init__(self, src: MarkovSource) -> None:
        super().__init__()
        self.src = src

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        k = self.src.order
        logits = torch.zeros(*tokens.shape, self.src.vocab, dtype=torch.float64)
        ctx = self.src.context_index(tokens.unfold(-1, k, 1))  # context ending at position t >= k - 1
        logits[:, k - 1 :] = self.src.probs[ctx].log()
        return logits


def test_held_out_loss_scores_the_same_tokens_as_the_source_nll() -> None:
    windows = SRC.sample(5, 9, torch.Generator().manual_seed(2))
    assert_close(held_out_loss(_Oracle(SRC), windows, SRC.order), SRC.nll(windows))


def test_warmup_then_cosine_decay_to_zero() -> None:
    assert warmup_cosine(0, 100, 10) == pytest.approx(0.1)
    assert warmup_cosine(9, 100, 10) == pytest.approx(1.0)
    assert warmup_cosine(55, 100, 10) == pytest.approx(0.5)
    assert warmup_cosine(100, 100, 10) == pytest.approx(0.0)
