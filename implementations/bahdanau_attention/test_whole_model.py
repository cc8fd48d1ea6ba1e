"""RNNsearch and RNNencdec, assembled, against the paper's equations written out here per sentence (float64):
the bidirectional GRU of A.1.1, s_0 = tanh(W_s backward h_1), the alignment model of eq. (5)-(6) on s_{i-1},
the maxout deep output of A.2.2, and the fixed context [forward h_{T_x}; backward h_1] of the baseline."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from implementations.bahdanau_attention.model import Seq2Seq, Seq2SeqConfig

F64 = torch.float64
M, N, A, L, V = 3, 4, 5, 3, 8   # embedding, hidden, alignment, maxout sizes; vocabulary


def _gru(cell, x, h):
    """A.1.1: r, z = σ(W x + U h); h~ = tanh(W x + U (r ∘ h)); h' = (1 - z) h + z h~ (biases included)."""
    rz = x @ cell.input_rz.weight.T + cell.input_rz.bias + h @ cell.hidden_rz.weight.T + cell.hidden_rz.bias
    r, z = torch.sigmoid(rz).split(N)
    candidate = torch.tanh(x @ cell.input_n.weight.T + cell.input_n.bias
                           + (r * h) @ cell.hidden_n.weight.T + cell.hidden_n.bias)
    return (1 - z) * h + z * candidate


def _reference_logits(model: Seq2Seq, src: list[int], tgt_in: list[int]) -> torch.Tensor:
    x = model.src_embed.weight[src]
    h = torch.zeros(N, dtype=F64)
    fwd = []
    for x_j in x:
        h = _gru(model.encoder.forward_cell, x_j, h)
        fwd.append(h)
    h = torch.zeros(N, dtype=F64)
    bwd = []
    for x_j in x.flip(0):
        h = _gru(model.encoder.backward_cell, x_j, h)
        bwd.append(h)
    bwd = bwd[::-1]
    annotations = torch.stack([torch.cat([f, b]) for f, b in zip(fwd, bwd)])    # h_j = [fwd h_j; bwd h_j]
    s = torch.tanh(model.init_state.weight @ bwd[0] + model.init_state.bias)     # s_0 = tanh(W_s bwd h_1)
    att = model.attention
    rows = []
    for y in tgt_in:
        if model.cfg.attention:
            e = torch.stack([att.v_a @ torch.tanh(att.W_a.weight @ s + att.U_a.weight @ h_j + att.U_a.bias)
                             for h_j in annotations])                            # eq. (6), reads s_{i-1}
            alpha = torch.softmax(e, 0)
            c = (alpha[:, None] * annotations).sum(0)                             # eq. (5)
        else:
            c = torch.cat([fwd[-1], bwd[0]])                                      # one summary of the sentence
        e_y = model.tgt_embed.weight[y]
        t_tilde = model.readout.weight @ torch.cat([s, e_y, c]) + model.readout.bias
        t = torch.stack([torch.maximum(t_tilde[2 * j], t_tilde[2 * j + 1]) for j in range(L)])   # maxout, pairs
        rows.append(model.W_o.weight @ t + model.W_o.bias)
        s = _gru(model.decoder_cell, torch.cat([e_y, c]), s)                      # s_i = f(s_{i-1}, y_{i-1}, c_i)
    return torch.stack(rows)


@pytest.mark.parametrize("attention", [True, False])
def test_teacher_forced_logits_equal_the_papers_equations(attention: bool) -> None:
    torch.manual_seed(0)
    cfg = Seq2SeqConfig(V, V, embed_size=M, hidden_size=N, attn_size=A, maxout_size=L, attention=attention)
    model = Seq2Seq(cfg).double()
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(2.0)
    sentences = [[3, 4, 5, 6, 2], [7, 3, 2]]                   # the second one padded with PAD = 0
    src = torch.tensor([s + [0] * (5 - len(s)) for s in sentences])
    tgt_in = torch.tensor([[1, 5, 4, 7], [1, 6, 3, 3]])
    logits, alpha = model(src, tgt_in)
    for b, sentence in enumerate(sentences):
        assert_close(logits[b], _reference_logits(model, sentence, tgt_in[b].tolist()))
    if attention:
        assert alpha.shape == (2, 4, 5) and bool((alpha[1, :, 3:] == 0).all())
    else:
        assert alpha is None


@pytest.mark.parametrize("quick", [True, False])
def test_test_sentences_are_longer_than_every_training_sentence(quick: bool) -> None:
    from implementations.bahdanau_attention.demo import EOS, PAD, ToyTranslation, task_setup

    s = task_setup(quick)
    assert s.longer_buckets[0][0] == s.train_lengths[1] + 1                  # no overlap with training lengths
    assert all(a[1] + 1 == b[0] for a, b in zip(s.longer_buckets, s.longer_buckets[1:]))
    task = ToyTranslation(s.n_symbols, torch.Generator().manual_seed(0))
    lo, hi = s.longer_buckets[0]
    src, _, _ = task.sample(torch.Generator().manual_seed(1), 200, (lo, hi))
    words = ((src != PAD) & (src != EOS)).sum(1)
    assert int(words.min()) == lo and int(words.max()) == hi
