"""The language, the Bayes rule, the LM floors and the n-gram baseline by hand or exactly (float64)."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from .baselines import NgramCounts, fit_logistic, logistic_objective, ngram_ids
from .data import Language, log_odds, make_language, make_task, sample_classes, stationary_distribution, true_nll
from .train import warmup_cosine


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


P3 = torch.tensor([[0.1, 0.6, 0.3], [0.2, 0.2, 0.6], [0.7, 0.1, 0.2]], dtype=torch.float64)


def _lang(p: torch.Tensor = P3, synonyms: int = 2) -> Language:
    return Language(p, stationary_distribution(p), torch.full((synonyms,), 1.0 / synonyms))


def _path_probability(lang: Language, path, transition) -> float:
    prob = lang.stationary[path[0]].item()
    for a, b in zip(path[:-1], path[1:]):
        prob *= transition[a, b].item()
    return prob


def test_the_stationary_distribution_and_the_reversed_chain():
    lang = _lang()
    pi = lang.stationary
    assert torch.allclose(pi @ P3, pi, atol=1e-14) and pi.sum().item() == pytest.approx(1.0)
    rev = lang.reversed_transition()
    assert torch.allclose(rev.sum(1), torch.ones(3), atol=1e-14)
    assert torch.allclose(pi @ rev, pi, atol=1e-14)  # the same stationary distribution
    assert rev[0, 1].item() == pytest.approx(pi[1].item() * 0.2 / pi[0].item(), abs=1e-14)


def test_a_backward_walk_is_a_forward_walk_read_in_reverse_so_word_counts_carry_no_label():
    """Over every length-4 path: P_rev(path) = P(reversed path); hence a multiset of classes is equally likely either way."""
    lang = _lang()
    rev = lang.reversed_transition()
    by_counts = {}
    for path in itertools.product(range(3), repeat=4):
        back = _path_probability(lang, path, rev)
        assert back == pytest.approx(_path_probability(lang, path[::-1], lang.transition), abs=1e-15)
        key = tuple(sorted(path))
        f, b = by_counts.get(key, (0.0, 0.0))
        by_counts[key] = (f + _path_probability(lang, path, lang.transition), b + back)
    for f, b in by_counts.values():
        assert f == pytest.approx(b, abs=1e-15)


def test_sampled_walks_follow_their_chain():
    lang = _lang()
    g = torch.Generator().manual_seed(0)
    backward = torch.tensor([False, True]).repeat_interleave(4000)
    walks = sample_classes(lang, 8000, 6, backward, g)
    for half, chain in ((walks[:4000], lang.transition), (walks[4000:], lang.reversed_transition())):
        pairs = torch.zeros(3, 3).index_put_((half[:, :-1].reshape(-1), half[:, 1:].reshape(-1)),
                                             torch.ones(half[:, 1:].numel()), accumulate=True)
        assert torch.allclose(pairs / pairs.sum(1, keepdim=True), chain, atol=0.02)
    first = torch.bincount(walks[:, 0], minlength=3) / 8000
    assert torch.allclose(first, lang.stationary, atol=0.02)


def test_log_odds_by_hand():
    """Words (class * 2 + synonym) 0, 3, 5: classes 0 -> 1 -> 2, log-odds = log(rev01 rev12 / (P01 P12))."""
    lang = _lang()
    rev = lang.reversed_transition()
    expected = math.log(rev[0, 1] * rev[1, 2] / (0.6 * 0.6))
    assert log_odds(lang, torch.tensor([[0, 3, 5]])).item() == pytest.approx(expected, abs=1e-14)
    assert log_odds(lang, torch.tensor([[1, 1, 0]])).item() == pytest.approx(0.0, abs=1e-15)  # 0 -> 0 -> 0


def test_the_true_and_blind_lm_floors_by_hand():
    """Classes 0 -> 1 -> 2 with 2 uniform synonyms: the first step is predicted with the 1/2-1/2 mixture,
    the second with the direction posterior after one step."""
    lang = _lang()
    rev = lang.reversed_transition()
    f1, b1, f2, b2 = 0.6, rev[0, 1].item(), 0.6, rev[1, 2].item()
    post_f = f1 / (f1 + b1)
    true = -(math.log(0.5 * f1 + 0.5 * b1) + math.log(post_f * f2 + (1 - post_f) * b2) + 2 * math.log(0.5)) / 2
    blind = -(math.log(0.5 * f1 + 0.5 * b1) + math.log(0.5 * f2 + 0.5 * b2) + 2 * math.log(0.5)) / 2
    got = true_nll(lang, torch.tensor([[0, 3, 5]]))
    assert got[0] == pytest.approx(true, abs=1e-14) and got[1] == pytest.approx(blind, abs=1e-14)


def test_the_generated_task_is_balanced_and_every_chain_is_a_tour_plus_noise():
    task = make_task(3, 500, {"train": 50, "valid": 50, "test": 400}, 10, synonyms=4)
    assert task.corpus.shape == (500, 11) and task.corpus.max() < task.lang.vocab
    assert 0.4 < task.splits["test"][1].double().mean().item() < 0.6
    lang = make_language(3, synonyms=4, cycle=0.5)
    assert torch.allclose(lang.transition.sum(1), torch.ones(8))
    assert (lang.transition.max(1).values > 0.5).all()  # the tour's step holds at least half of every row
    assert torch.equal(torch.sort(lang.transition.argmax(1)).values, torch.arange(8))  # ... and it visits every class


def test_ngram_ids_and_counts_by_hand():
    words = torch.tensor([[0, 1, 1], [2, 0, 1]])  # vocab 3
    assert ngram_ids(words, 3).tolist() == [[0, 1, 1, 3 + 1, 3 + 4], [2, 0, 1, 3 + 6, 3 + 1]]
    counts = NgramCounts(words, 3)
    assert counts.size == 6  # unigrams 0, 1, 2 and bigrams 01, 11, 20
    x = counts(torch.tensor([[1, 1, 1], [2, 2, 2]]))  # bigram 11 seen in training, 22 not: dropped
    assert x.tolist() == [[0, 3, 0, 0, 2, 0], [0, 0, 3, 0, 0, 0]]


def test_the_logistic_fit_reaches_the_minimum_of_its_convex_objective():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(40, 5, generator=g)
    y = (x[:, 0] + 0.5 * torch.randn(40, generator=g) > 0).long()
    w, b = fit_logistic(x, y, l2=0.01, steps=600, lr=0.05)
    w, b = w.requires_grad_(), b.requires_grad_()
    grad_w, grad_b = torch.autograd.grad(logistic_objective(w, b, x, y, 0.01), (w, b))
    assert grad_w.abs().max() < 1e-10 and grad_b.abs() < 1e-10


def test_warmup_cosine_by_hand():
    assert warmup_cosine(5, 110, 10) == 0.5  # halfway up the warm-up
    assert warmup_cosine(10, 110, 10) == 1.0
    assert warmup_cosine(60, 110, 10) == pytest.approx(0.5, abs=1e-15)  # halfway down the cosine
    assert warmup_cosine(110, 110, 10) == pytest.approx(0.0, abs=1e-15)
