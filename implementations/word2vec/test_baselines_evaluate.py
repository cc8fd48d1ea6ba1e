"""Co-occurrence counts, PPMI and SVD by hand; 3CosAdd and nearest neighbours on planted vectors."""

from __future__ import annotations

import math

import pytest
import torch
from torch.testing import assert_close

from implementations.word2vec.baselines import cooccurrence, ppmi, svd_vectors
from implementations.word2vec.evaluate import analogy_accuracy, analogy_answers, nearest

D = torch.float64


def test_cooccurrence_counts_within_the_window_and_sentence_symmetrically() -> None:
    x = cooccurrence([[0, 1, 2], [2, 0]], 3, window=1)
    assert_close(x, torch.tensor([[0, 1, 1], [1, 0, 1], [1, 1, 0]], dtype=D))
    wide = cooccurrence([[0, 1, 2]], 3, window=2, weight_by_distance=True)
    assert wide[0, 2].item() == 0.5 and wide[2, 0].item() == 0.5 and wide[0, 1].item() == 1.0
    assert cooccurrence([[0, 0]], 1, window=1)[0, 0].item() == 2      # (0, 0) each way


def test_ppmi_by_hand_with_and_without_context_smoothing() -> None:
    counts = torch.tensor([[4.0, 1.0], [1.0, 0.0]], dtype=D)     # total 6; row sums 5, 1; column sums 5, 1
    plain = ppmi(counts, context_power=1.0)
    assert math.log((4 / 6) / (5 / 6 * 5 / 6)) < 0 and plain[0, 0].item() == 0.0   # negative PMI clipped
    assert plain[0, 1].item() == pytest.approx(math.log((1 / 6) / (5 / 6 * 1 / 6)))
    assert plain[1, 1].item() == 0.0                              # log 0 -> 0, not -inf
    smooth = ppmi(counts)                                         # P(c) ∝ #(c)^0.75
    p_c0 = 5 ** 0.75 / (5 ** 0.75 + 1)
    assert smooth[1, 0].item() == pytest.approx(math.log((1 / 6) / (1 / 6 * p_c0)))
    assert smooth[1, 0].item() > plain[1, 0].item()               # smoothing lifts rare contexts' PMI
    assert plain[1, 0].item() == pytest.approx(math.log(6 / 5))


def test_svd_vectors_are_u_times_root_s_and_truncate() -> None:
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(6, 6, generator=gen, dtype=D)
    m = a @ a.T                                                    # symmetric PSD: (U S^½)(U S^½)ᵀ = M
    full = svd_vectors(m, 6)
    assert_close(full @ full.T, m)
    u, s, _ = torch.linalg.svd(m)
    assert_close(svd_vectors(m, 2).abs(), (u[:, :2] * s[:2].sqrt()).abs())


def test_3cosadd_finds_the_planted_answer_and_excludes_the_question_words() -> None:
    # b - a + c points at d; b itself is closer to the query than d's rival e, but is excluded
    words = ["a", "b", "c", "d", "e"]
    vectors = torch.tensor([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0]], dtype=D)
    index = {w: i for i, w in enumerate(words)}
    assert analogy_answers(vectors, index, [("a", "b", "c", "d")]) == [3]
    assert analogy_accuracy(vectors, index, [("a", "b", "c", "d"), ("a", "b", "c", "e")]) == 0.5
    scaled = vectors * torch.tensor([[1.0], [5.0], [0.2], [3.0], [10.0]], dtype=D)
    assert analogy_answers(scaled, index, [("a", "b", "c", "d")]) == [3]    # unit-normalised first
    top = nearest(vectors, words, vectors[1], k=2, exclude=("b",))
    assert [w for w, _ in top] in (["a", "d"], ["d", "a"])
    assert top[0][1] == pytest.approx(1 / math.sqrt(2))
