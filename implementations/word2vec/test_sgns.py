"""SGNS by hand: loss and gradients on a tiny example, against autograd, the 3/4 noise distribution,
the subsampling formula, the window's pairs, and whole training steps against a float64 reference."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.word2vec.sgns import SkipGram, keep_probability, noise_distribution, skipgram_pairs, train

D = torch.float64


def _model(w_in, w_out) -> SkipGram:
    model = SkipGram(len(w_in), len(w_in[0]), torch.Generator().manual_seed(0), dtype=D)
    model.W_in, model.W_out = torch.tensor(w_in, dtype=D), torch.tensor(w_out, dtype=D)
    return model


def test_loss_and_gradients_by_hand() -> None:
    # v_c = (1, 0), u_o = (2, 0), u_k = (0, 1): s_o = 2, s_k = 0
    model = _model([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [2.0, 0.0], [0.0, 1.0]])
    loss, g_v, g_o, g_k = model.loss_and_grads(torch.tensor([0]), torch.tensor([1]), torch.tensor([[2]]))
    sig2 = 1 / (1 + math.exp(-2))
    assert loss.item() == pytest.approx(math.log(1 + math.exp(-2)) + math.log(2), abs=1e-12)
    assert_close(g_v, torch.tensor([[-2 * (1 - sig2), 0.5]], dtype=D))
    assert_close(g_o, torch.tensor([[-(1 - sig2), 0.0]], dtype=D))
    assert_close(g_k, torch.tensor([[[0.5, 0.0]]], dtype=D))


def _reference_loss(w_in, w_out, centre, context, negatives):
    """The SGNS objective written directly, for autograd."""
    v = w_in[centre]
    positive = F.logsigmoid((w_out[context] * v).sum(1))
    negative = F.logsigmoid(-(w_out[negatives] @ v.unsqueeze(2)).squeeze(2))
    return -(positive.sum() + negative.sum())


def _batch(gen, vocab=7, b=9, k=3):
    return (torch.randint(0, vocab, (b,), generator=gen), torch.randint(0, vocab, (b,), generator=gen),
            torch.randint(0, vocab, (b, k), generator=gen))


def test_a_step_equals_gradient_descent_on_the_written_out_loss_with_repeated_words() -> None:
    gen = torch.Generator().manual_seed(3)
    w_in, w_out = torch.randn(7, 4, generator=gen, dtype=D), torch.randn(7, 4, generator=gen, dtype=D)
    centre, context, negatives = _batch(gen)             # 9 pairs over 7 words: rows repeat
    model = _model(w_in.tolist(), w_out.tolist())
    loss = model.step(centre, context, negatives, lr=0.1)
    a, b = w_in.clone().requires_grad_(), w_out.clone().requires_grad_()
    ref = _reference_loss(a, b, centre, context, negatives)
    ref.backward()
    assert loss == pytest.approx(ref.item(), abs=1e-12)
    assert_close(model.W_in, w_in - 0.1 * a.grad)
    assert_close(model.W_out, w_out - 0.1 * b.grad)


def test_noise_distribution_is_the_unigram_to_the_three_quarters() -> None:
    assert_close(noise_distribution([1, 16, 81]), torch.tensor([1, 8, 27], dtype=D) / 36)
    assert_close(noise_distribution([1, 16, 81], power=1.0), torch.tensor([1, 16, 81], dtype=D) / 98)


def test_subsampling_discards_with_one_minus_sqrt_t_over_f() -> None:
    counts = [64, 16, 16, 4]                 # f = 0.64, 0.16, 0.16, 0.04
    discard = 1 - keep_probability(counts, t=0.04)
    assert_close(discard, torch.tensor([0.75, 0.5, 0.5, 0.0], dtype=D))
    # and the pair builder drops tokens at that rate: word 0 kept with 0.25
    sentences = [[0, 3] for _ in range(20_000)]
    pairs = skipgram_pairs(sentences, 1, keep_probability(counts, 0.04), torch.Generator().manual_seed(0))
    kept = len(pairs) / 2 / 20_000           # a pair (both directions) survives iff word 0 is kept
    assert abs(kept - 0.25) < 4 * math.sqrt(0.25 * 0.75 / 20_000)


def test_pairs_are_every_word_within_the_window_inside_one_sentence() -> None:
    pairs = skipgram_pairs([[0, 1, 2], [3, 4]], 2, torch.ones(5, dtype=D), torch.Generator().manual_seed(0))
    assert sorted(map(tuple, pairs.tolist())) == sorted(
        [(0, 1), (1, 0), (1, 2), (2, 1), (0, 2), (2, 0), (3, 4), (4, 3)])
    narrow = skipgram_pairs([[0, 1, 2]], 1, torch.ones(3, dtype=D), torch.Generator().manual_seed(0))
    assert sorted(map(tuple, narrow.tolist())) == [(0, 1), (1, 0), (1, 2), (2, 1)]


def test_training_replays_a_float64_reference_loop_with_linear_rate_decay() -> None:
    gen = torch.Generator().manual_seed(5)
    pairs = torch.randint(0, 6, (10, 2), generator=gen)
    noise = noise_distribution([5, 4, 3, 3, 2, 1])
    model = SkipGram(6, 3, torch.Generator().manual_seed(1), dtype=D)
    w_in, w_out = model.W_in.clone(), model.W_out.clone()
    w_out += 0.1                              # nonzero output vectors so every term moves
    model.W_out = w_out.clone()
    rates = []
    train(model, pairs, noise, steps=6, batch=4, lr=0.5, negatives=2, gen=torch.Generator().manual_seed(9),
          on_step=lambda step, total, loss: rates.append((step, total)))
    assert rates == [(s, 6) for s in range(1, 7)]                # 2 epochs of ceil(10 / 4) = 3 batches
    ref_gen, step = torch.Generator().manual_seed(9), 0
    for _ in range(2):
        order = torch.randperm(10, generator=ref_gen)
        for start in (0, 4, 8):
            chunk = pairs[order[start:start + 4]]
            neg = torch.multinomial(noise, len(chunk) * 2, replacement=True, generator=ref_gen).view(-1, 2)
            a, b = w_in.clone().requires_grad_(), w_out.clone().requires_grad_()
            _reference_loss(a, b, chunk[:, 0], chunk[:, 1], neg).backward()
            rate = 0.5 * (1 - step / 6)
            w_in, w_out, step = w_in - rate * a.grad, w_out - rate * b.grad, step + 1
    assert_close(model.W_in, w_in)
    assert_close(model.W_out, w_out)
