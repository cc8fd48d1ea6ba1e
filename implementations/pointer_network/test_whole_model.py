"""The whole Ptr-Net against nn.LSTM / nn.LSTMCell with copied weights and eq. (3) written out (float64).

The reference runs each list on its own, unpadded: nn.LSTM encodes it, an
nn.LSTMCell decoder starts from the encoder's last state and is fed a zero
(learned) go symbol and then the element pointed at last, and every score is
v^T tanh(W1 e_j + W2 d_i) with already chosen positions masked. Catches the
decoder starting from zeros or from a padded step's state, feeding the target
index instead of the element, feeding the current element (a one-step leak),
tanh left out, W1 and W2 swapped, and a mask that lags one step.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.testing import assert_close

from implementations.pointer_network.demo import sample
from implementations.pointer_network.lstm import LSTMCell
from implementations.pointer_network.model import PointerNetConfig, PointerNetwork

D = torch.float64


def _copy(ref_w_ih, ref_w_hh, ref_b_ih, ref_b_hh, cell: LSTMCell) -> None:
    with torch.no_grad():
        ref_w_ih.copy_(cell.x_proj.weight)
        ref_w_hh.copy_(cell.h_proj.weight)
        ref_b_ih.copy_(cell.x_proj.bias)
        ref_b_hh.copy_(cell.h_proj.bias)


def _setup():
    torch.manual_seed(0)
    model = PointerNetwork(PointerNetConfig(input_size=1, hidden_size=5, attn_size=4)).double()
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-1, 1)  # far from the 0.08 init, so every term moves the scores
    encoder = nn.LSTM(1, 5, batch_first=True, dtype=D)
    _copy(encoder.weight_ih_l0, encoder.weight_hh_l0, encoder.bias_ih_l0, encoder.bias_hh_l0, model.encoder)
    decoder = nn.LSTMCell(1, 5, dtype=D)
    _copy(decoder.weight_ih, decoder.weight_hh, decoder.bias_ih, decoder.bias_hh, model.decoder)
    inputs, valid, targets = sample(torch.Generator().manual_seed(3), 3, (2, 5))
    return model, encoder, decoder, inputs.to(D), valid, targets


def _scores(model: PointerNetwork, e: torch.Tensor, d: torch.Tensor) -> torch.Tensor:
    W1, W2, v = model.pointer.W1.weight, model.pointer.W2.weight, model.pointer.v
    return torch.stack([v @ torch.tanh(W1 @ e_j + W2 @ d) for e_j in e])  # eq. (3), j = 1..n


def test_teacher_forced_scores_match_the_reference_network() -> None:
    model, encoder, decoder, inputs, valid, targets = _setup()
    scores = model(inputs, valid, targets)
    for b in range(inputs.size(0)):
        n = int(valid[b].sum())
        p = inputs[b, :n]
        e, (h, c) = encoder(p[None])
        state, x = (h[0], c[0]), model.go[None]
        for i in range(n):
            state = decoder(x, state)
            expected = _scores(model, e[0], state[0][0])
            chosen = targets[b, :i]
            expected[chosen] = float("-inf")
            assert_close(scores[b, i, :n], expected)
            assert torch.isneginf(scores[b, i, n:]).all()  # padding never gets probability
            x = p[targets[b, i]][None]  # P_{C_i}, the element itself, fed at the next step


def test_greedy_decode_matches_the_reference_network() -> None:
    model, encoder, decoder, inputs, valid, _ = _setup()
    pointers, probs = model.greedy_decode(inputs, valid)
    for b in range(inputs.size(0)):
        n = int(valid[b].sum())
        p = inputs[b, :n]
        e, (h, c) = encoder(p[None])
        state, x, chosen = (h[0], c[0]), model.go[None], []
        for i in range(n):
            state = decoder(x, state)
            u = _scores(model, e[0], state[0][0])
            u[chosen] = float("-inf")
            prob = u.softmax(0)
            assert_close(probs[b, i, :n], prob)
            chosen.append(int(prob.argmax()))
            x = p[chosen[-1]][None]
        assert pointers[b, :n].tolist() == chosen
        assert (pointers[b, n:] == -1).all()


def test_lstm_weights_and_v_start_uniform_in_plus_minus_0_08() -> None:
    torch.manual_seed(0)
    model = PointerNetwork(PointerNetConfig(input_size=1, hidden_size=32, attn_size=32))
    for tensor in [*model.encoder.parameters(), *model.decoder.parameters(), model.pointer.v]:
        assert tensor.abs().max() <= 0.08
    spread = torch.cat([p.flatten() for p in model.encoder.parameters()])
    assert spread.abs().max() > 0.075 and abs(spread.std().item() - 0.08 / 3**0.5) < 0.005  # U(-a, a): std a/sqrt 3
