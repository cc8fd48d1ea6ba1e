"""Char-RNN: initial loss, the LSTM against nn.LSTM, bpc, sampling determinism, the data pipeline."""

from __future__ import annotations

import math

import torch
from torch import nn

from implementations.char_rnn.data import VOCAB, decode, encode, random_windows, split, unigram_entropy_bits
from implementations.char_rnn.model import LSTM, CharRNN, bits_per_character, sample

V = len(VOCAB)


def _text_ids(n: int = 400) -> torch.Tensor:
    return encode(("def f(x):\n    return x + 1  # ünïcode\n" * 20)[:n])


def test_initial_loss_is_ln_vocabulary_size():
    torch.manual_seed(0)
    model = CharRNN(V, embed_size=8, hidden_size=16)
    ids = _text_ids()
    x, y = random_windows(ids, 4, 20, torch.Generator().manual_seed(0))
    loss, _ = model.loss(x, y)
    assert abs(loss.item() - math.log(V)) < 1e-6
    # and the held-out bpc of the untrained model is log2(V): the uniform distribution
    assert abs(bits_per_character(model, ids, streams=3, chunk=7) - math.log2(V)) < 1e-6


def test_lstm_matches_nn_lstm_with_copied_weights():
    torch.manual_seed(0)
    ours = LSTM(5, 7).double()
    ref = nn.LSTM(5, 7).double()
    def to_torch_order(w):  # ours stacks the gates i, f, o, g (sigmoids first); PyTorch i, f, g, o
        i, f, o, g = w.chunk(4)
        return torch.cat([i, f, g, o])

    with torch.no_grad():
        ref.weight_ih_l0.copy_(to_torch_order(ours.cell.x_proj.weight))
        ref.weight_hh_l0.copy_(to_torch_order(ours.cell.h_proj.weight))
        ref.bias_ih_l0.copy_(to_torch_order(ours.cell.x_proj.bias))
        ref.bias_hh_l0.zero_()
    xs = torch.randn(6, 3, 5, dtype=torch.float64)
    h0, c0 = torch.randn(3, 7, dtype=torch.float64), torch.randn(3, 7, dtype=torch.float64)
    out, (h, c) = ours(xs, (h0, c0))
    out_ref, (h_ref, c_ref) = ref(xs, (h0[None], c0[None]))
    torch.testing.assert_close(out, out_ref)
    torch.testing.assert_close(h, h_ref[0])
    torch.testing.assert_close(c, c_ref[0])
    out.pow(2).sum().backward()
    out_ref.pow(2).sum().backward()
    torch.testing.assert_close(to_torch_order(ours.cell.h_proj.weight.grad), ref.weight_hh_l0.grad)
    torch.testing.assert_close(to_torch_order(ours.cell.x_proj.weight.grad), ref.weight_ih_l0.grad)
    torch.testing.assert_close(to_torch_order(ours.cell.x_proj.bias.grad), ref.bias_ih_l0.grad)


def test_bpc_with_carried_state_equals_one_long_pass():
    torch.manual_seed(0)
    model = CharRNN(V, embed_size=8, hidden_size=16).double()
    nn.init.normal_(model.head.weight, std=0.5)
    ids = _text_ids(121)
    chunked = bits_per_character(model, ids, streams=1, chunk=13)
    with torch.no_grad():
        loss, _ = model.loss(ids[:-1, None], ids[1:, None])
    assert abs(chunked - loss.item() / math.log(2)) < 1e-9


def _trained_looking_model() -> CharRNN:
    torch.manual_seed(0)
    model = CharRNN(V, embed_size=8, hidden_size=16)
    nn.init.normal_(model.head.weight, std=1.0)  # a non-uniform next-character distribution
    return model


def test_sampling_is_reproducible_for_a_seed_and_differs_across_seeds():
    model = _trained_looking_model()
    prompt = encode("def ")
    a = sample(model, prompt, 40, torch.Generator().manual_seed(1))
    b = sample(model, prompt, 40, torch.Generator().manual_seed(1))
    c = sample(model, prompt, 40, torch.Generator().manual_seed(2))
    assert a.shape == (40,) and decode(a) == decode(b)
    assert decode(a) != decode(c)


def test_low_temperature_sampling_is_greedy():
    model = _trained_looking_model()
    prompt = encode("x = ")
    cold = sample(model, prompt, 10, torch.Generator().manual_seed(3), temperature=1e-4)
    state, logits = None, None
    greedy, ids = [], prompt[:, None]
    for _ in range(10):
        with torch.no_grad():
            logits, state = model(ids, state)
        nxt = logits[-1, 0].argmax()
        greedy.append(nxt.item())
        ids = nxt.view(1, 1)
    assert cold.tolist() == greedy


def test_a_few_steps_learn_a_repetitive_text():
    torch.manual_seed(0)
    model = CharRNN(V, embed_size=8, hidden_size=32)
    ids = encode("abcd" * 50)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-2)
    gen = torch.Generator().manual_seed(0)
    for _ in range(40):
        x, y = random_windows(ids, 8, 12, gen)
        loss, _ = model.loss(x, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert bits_per_character(model, ids, streams=2) < 0.3  # deterministic cycle: far below log2(4) = 2


def test_data_pipeline():
    ids = encode("ab\tc\né")
    assert decode(ids) == "ab\tc\n\x00"  # anything outside the fixed vocabulary maps to one symbol
    train, held = split(torch.arange(100), 0.1)
    assert len(train) == 90 and held.tolist() == list(range(90, 100))
    assert abs(unigram_entropy_bits(encode("aabb")) - 1.0) < 1e-12
    x, y = random_windows(torch.arange(50), 3, 5, torch.Generator().manual_seed(0))
    assert x.shape == (5, 3)
    torch.testing.assert_close(y, x + 1)  # targets are the inputs shifted by one character
