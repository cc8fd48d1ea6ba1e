"""The assembled encoder-decoder against two ``nn.LSTM(num_layers=2)`` with copied weights, and exact
oracles for the source reversal, the decoder's first input and the loss mask (float64)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from implementations.seq2seq.model import EOS, PAD, Seq2Seq, decoder_inputs, masked_cross_entropy, reverse_source

F64 = torch.float64
V, E, H, LAYERS = 9, 3, 4, 2


def _model(seed: int = 0) -> Seq2Seq:
    torch.manual_seed(seed)
    model = Seq2Seq(V, V, E, H, LAYERS).double()
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(12.0)   # U(-0.08, 0.08) would make every logit nearly equal; this makes them differ
    return model


def _reference(model: Seq2Seq) -> tuple[nn.Embedding, nn.LSTM, nn.Embedding, nn.LSTM, nn.Linear]:
    """PyTorch's own modules holding the model's weights; the cell's one bias goes to b_ih, b_hh = 0."""
    def lstm(cells: nn.ModuleList) -> nn.LSTM:
        ref = nn.LSTM(E, H, num_layers=LAYERS).double()
        with torch.no_grad():
            for k, cell in enumerate(cells):
                getattr(ref, f"weight_ih_l{k}").copy_(cell.x_proj.weight)
                getattr(ref, f"weight_hh_l{k}").copy_(cell.h_proj.weight)
                getattr(ref, f"bias_ih_l{k}").copy_(cell.x_proj.bias)
                getattr(ref, f"bias_hh_l{k}").zero_()
        return ref

    src_embed = nn.Embedding.from_pretrained(model.src_embed.weight.detach().clone(), freeze=False)
    tgt_embed = nn.Embedding.from_pretrained(model.tgt_embed.weight.detach().clone(), freeze=False)
    out = nn.Linear(H, V).double()
    with torch.no_grad():
        out.weight.copy_(model.out.weight)
        out.bias.copy_(model.out.bias)
    return src_embed, lstm(model.encoder), tgt_embed, lstm(model.decoder), out


SOURCES = [[2, 3, 4, 5, 6], [7, 3, 8], [4, 4, 2, 6]]             # padded with PAD = 0 to length 5
TARGETS = [[5, 6, 2, 1], [8, 1, 0, 0], [3, 7, 1, 0]]              # y_1..y_T', <EOS>, PAD


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    src = torch.tensor([s + [PAD] * (5 - len(s)) for s in SOURCES])
    return src, torch.tensor(TARGETS)


def test_teacher_forced_logits_and_gradients_equal_two_nn_lstms() -> None:
    model = _model()
    src_embed, enc, tgt_embed, dec, out = _reference(model)
    src, tgt = _batch()
    logits = model(src, tgt)
    ref_rows = []
    for b, sentence in enumerate(SOURCES):                        # one unpadded sentence at a time
        _, v = enc(src_embed(torch.tensor(sentence))[:, None])    # v = final (h, c) of both layers
        y_in = torch.tensor([EOS] + TARGETS[b][:-1])               # the decoder reads <EOS> first
        h, _ = dec(tgt_embed(y_in)[:, None], v)
        ref_rows.append(out(h[:, 0]))
    ref = torch.stack(ref_rows)
    assert_close(logits, ref)
    # the loss over real tokens, and every gradient, through both routes
    masked_cross_entropy(logits, tgt).backward()
    masked_cross_entropy(ref, tgt).backward()
    assert_close(model.src_embed.weight.grad, src_embed.weight.grad)
    assert_close(model.tgt_embed.weight.grad, tgt_embed.weight.grad)
    assert_close(model.out.weight.grad, out.weight.grad)
    for cells, ref_lstm in ((model.encoder, enc), (model.decoder, dec)):
        for k, cell in enumerate(cells):
            assert_close(cell.x_proj.weight.grad, getattr(ref_lstm, f"weight_ih_l{k}").grad)
            assert_close(cell.h_proj.weight.grad, getattr(ref_lstm, f"weight_hh_l{k}").grad)
            assert_close(cell.x_proj.bias.grad, getattr(ref_lstm, f"bias_ih_l{k}").grad)


def test_greedy_decoding_equals_a_step_by_step_nn_lstm_decoder() -> None:
    model = _model(seed=2)
    with torch.no_grad():   # let the source, not the output bias, pick the words: the rows then differ
        model.out.bias.zero_()
        model.out.weight.mul_(3.0)
    src_embed, enc, tgt_embed, dec, out = _reference(model)
    src, _ = _batch()
    steps = 7
    pred = model.greedy_decode(src, steps)
    for b, sentence in enumerate(SOURCES):
        with torch.no_grad():
            _, state = enc(src_embed(torch.tensor(sentence))[:, None])
            y, tokens = EOS, []
            while len(tokens) < steps and (not tokens or tokens[-1] != EOS):
                h, state = dec(tgt_embed(torch.tensor([y]))[:, None], state)
                y = int(out(h[0, 0]).argmax())
                tokens.append(y)
        assert pred[b].tolist() == tokens + [PAD] * (steps - len(tokens))
    assert len({tuple(row) for row in pred.tolist()}) > 1          # the decoded rows differ: not a trivial match


def test_padding_changes_nothing_and_reversed_padded_rows_encode_like_unpadded_ones() -> None:
    model = _model()
    src, tgt = _batch()
    wider = torch.cat([src, torch.zeros(3, 2, dtype=torch.long)], 1)
    assert_close(model(wider, tgt), model(src, tgt))
    lengths = torch.tensor([len(s) for s in SOURCES])
    v = model.encode(reverse_source(src, lengths))
    for b, sentence in enumerate(SOURCES):
        alone = model.encode(torch.tensor([sentence[::-1]]))
        for (h, c), (h1, c1) in zip(v, alone):
            assert_close(h[b], h1[0])
            assert_close(c[b], c1[0])


def test_reverse_source_keeps_pads_at_the_end() -> None:
    src = torch.tensor([[2, 3, 4, 0], [5, 6, 0, 0], [7, 8, 9, 10], [11, 0, 0, 0]])
    lengths = torch.tensor([3, 2, 4, 1])
    want = torch.tensor([[4, 3, 2, 0], [6, 5, 0, 0], [10, 9, 8, 7], [11, 0, 0, 0]])
    assert torch.equal(reverse_source(src, lengths), want)
    assert torch.equal(reverse_source(want, lengths), src)         # an involution
    assert not torch.equal(src.flip(1)[0], want[0])                 # a plain flip would move the pad first


def test_decoder_reads_eos_first_then_the_previous_target_word() -> None:
    tgt = torch.tensor([[5, 6, EOS, PAD], [7, 8, 9, EOS]])
    assert decoder_inputs(tgt).tolist() == [[EOS, 5, 6, EOS], [EOS, 7, 8, 9]]
    model = _model()
    src, tgt = _batch()
    other = tgt.clone()
    other[:, 0] = 3                                                 # y_1 is never an input to step 1
    assert_close(model(src, other)[:, 0], model(src, tgt)[:, 0])
    assert not torch.allclose(model(src, other)[:, 1], model(src, tgt)[:, 1])


def test_loss_averages_real_target_tokens_only() -> None:
    logits = torch.zeros(2, 3, 3, dtype=F64)
    logits[0, 0] = torch.tensor([math.log(2.0), 0.0, 0.0], dtype=F64)         # p(0) = 1/2, p(1) = p(2) = 1/4
    logits[1, 2] = torch.tensor([5.0, -3.0, 9.0], dtype=F64)                   # a PAD position: must not count
    targets = torch.tensor([[2, 1, 0], [1, 1, 0]])                  # two PADs (id 0) at the ends
    # real tokens: row 0 -log(1/4), -log(1/3); row 1 -log(1/3), -log(1/3)
    want = (math.log(4.0) + 3 * math.log(3.0)) / 4
    assert masked_cross_entropy(logits, targets).item() == pytest.approx(want, abs=1e-12)
