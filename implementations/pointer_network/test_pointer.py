"""Pointer scores against a hand computation, and masking that never points twice or at padding."""

from __future__ import annotations

import torch
from torch.testing import assert_close

from implementations.pointer_network.demo import IGNORE, exact_match, sample
from implementations.pointer_network.lstm import run_lstm
from implementations.pointer_network.model import PointerNetConfig, PointerNetwork


def _model_and_batch():
    torch.manual_seed(0)
    model = PointerNetwork(PointerNetConfig(input_size=1, hidden_size=6, attn_size=5)).double()
    with torch.no_grad():
        for p in model.parameters():  # larger weights than the 0.08 init, so scores are far apart
            p.uniform_(-1, 1)
    inputs, valid, targets = sample(torch.Generator().manual_seed(1), 4, (3, 6))
    return model, inputs.double(), valid, targets


def test_scores_equal_hand_computed_additive_attention() -> None:
    model, inputs, valid, targets = _model_and_batch()
    scores = model(inputs, valid, targets)
    # Recompute u_j^i = v^T tanh(W1 e_j + W2 d_i) step by step, without the batched code path.
    enc, state = model.encode(inputs, valid)
    W1, W2, v = model.pointer.W1.weight, model.pointer.W2.weight, model.pointer.v
    for b in range(inputs.size(0)):
        n = int(valid[b].sum())
        x = model.go
        h, c = state[0][b : b + 1], state[1][b : b + 1]
        for i in range(n):
            h, c = model.decoder(x[None], (h, c))
            for j in range(n):
                u = v @ torch.tanh(W1 @ enc[b, j] + W2 @ h[0])
                if torch.isfinite(scores[b, i, j]):
                    assert_close(scores[b, i, j], u)
            x = inputs[b, targets[b, i]]


def test_teacher_forced_probabilities_are_zero_on_chosen_and_padded_positions() -> None:
    model, inputs, valid, targets = _model_and_batch()
    probs = model(inputs, valid, targets).softmax(dim=-1)
    for b in range(inputs.size(0)):
        n = int(valid[b].sum())
        assert (probs[b, :n, n:] == 0).all()  # padding
        for i in range(n):
            chosen = targets[b, :i]
            assert (probs[b, i, chosen] == 0).all()
            free = [j for j in range(n) if j not in chosen.tolist()]
            assert (probs[b, i, free] > 0).all()
            assert_close(probs[b, i].sum(), torch.tensor(1.0, dtype=torch.float64))


def test_greedy_decode_never_points_twice_or_at_padding() -> None:
    model, inputs, valid, _ = _model_and_batch()
    pointers, probs = model.greedy_decode(inputs, valid)
    for b in range(inputs.size(0)):
        n = int(valid[b].sum())
        assert sorted(pointers[b, :n].tolist()) == list(range(n))  # a permutation of the real inputs
        assert (pointers[b, n:] == -1).all()
        for i in range(n):
            assert (probs[b, i, n:] == 0).all()
            assert (probs[b, i, pointers[b, :i]] == 0).all()


def test_sorting_targets_and_exact_match() -> None:
    inputs, valid, targets = sample(torch.Generator().manual_seed(0), 20, (2, 5))
    for b in range(20):
        n = int(valid[b].sum())
        values = inputs[b, targets[b, :n], 0]
        assert (values[1:] >= values[:-1]).all()
        assert (targets[b, n:] == IGNORE).all()
    pointers = targets.masked_fill(targets == IGNORE, -1)
    assert exact_match(pointers, targets).all()
    pointers[0, [0, 1]] = pointers[0, [1, 0]]
    assert not exact_match(pointers, targets)[0] and exact_match(pointers, targets)[1:].all()
