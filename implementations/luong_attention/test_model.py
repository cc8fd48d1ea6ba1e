"""The assembled model against PyTorch's own LSTMs with copied weights and eq. 5-10 written out per sentence (float64)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations.luong_attention.data import EOS, PAD
from implementations.luong_attention.model import LuongConfig, LuongNMT

F64 = torch.float64
D_MODEL, LAYERS, VOCAB = 4, 2, 9
SRC = torch.tensor([[5, 3, 7, 4, 6, EOS], [8, 4, EOS, PAD, PAD, PAD]])
TGT_IN = torch.tensor([[1, 3, 4, 5, 6, 7, 8], [1, 6, 5, 4, PAD, PAD, PAD]])


def _model(**kw) -> LuongNMT:
    torch.manual_seed(0)
    return LuongNMT(LuongConfig(VOCAB, VOCAB, size=D_MODEL, layers=LAYERS, window=1, **kw)).double()


def _copy_cell(cell, ref) -> None:
    """Shared LSTMCell -> nn.LSTM(Cell) terms: x_proj holds W_ih and the only bias, h_proj W_hh."""
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    suffix = "_l" + str(ref[1]) if isinstance(ref, tuple) else ""
    module = ref[0] if isinstance(ref, tuple) else ref
    with torch.no_grad():
        for name, value in zip(names, (cell.x_proj.weight, cell.h_proj.weight, cell.x_proj.bias,
                                       torch.zeros_like(cell.x_proj.bias))):
            getattr(module, name + suffix).copy_(value)


def _reference_encoder(model: LuongNMT) -> nn.LSTM:
    ref = nn.LSTM(D_MODEL, D_MODEL, num_layers=LAYERS, batch_first=True, dtype=F64)
    for k, cell in enumerate(model.encoder):
        _copy_cell(cell, (ref, k))
    return ref


@pytest.mark.parametrize("reverse", [False, True])
def test_encoder_equals_nn_lstm_on_each_unpadded_sentence(reverse: bool) -> None:
    model = _model(reverse_source=reverse)
    ref = _reference_encoder(model)
    source, valid, finals = model.encode(SRC)
    assert valid.tolist() == (SRC != PAD).tolist()
    for i, sentence in enumerate(SRC):
        words = sentence[sentence != PAD]
        words = words.flip(0) if reverse else words  # the "reverse" baseline reads x_S ... x_1
        out, (h_n, c_n) = ref(model.src_embed(words)[None])
        assert_close(source[i, : len(words)], out[0])
        assert_close(torch.stack([h for h, _ in finals])[:, i], h_n[:, 0])
        assert_close(torch.stack([c for _, c in finals])[:, i], c_n[:, 0])
    grad = torch.randn_like(source) * valid[..., None]
    out, _ = ref(model.src_embed(SRC[:1]))
    mine = torch.autograd.grad(model.encode(SRC[:1])[0], model.src_embed.weight, grad[:1])[0]
    theirs = torch.autograd.grad(out, model.src_embed.weight, grad[:1])[0]
    if not reverse:
        assert_close(mine, theirs)


def _reference_logits(model: LuongNMT, i: int) -> torch.Tensor:
    """Eq. 5-10 for sentence i, one word at a time, with nn.LSTMCell layers holding copied weights."""
    cfg = model.cfg
    words = SRC[i][SRC[i] != PAD]
    if cfg.reverse_source:
        words = words.flip(0)
    out, (h_n, c_n) = _reference_encoder(model)(model.src_embed(words)[None])
    h_bar, S = out[0], len(words)                                          # h̄_s, (S, d)
    cells = [nn.LSTMCell(2 * D_MODEL if k == 0 else D_MODEL, D_MODEL, dtype=F64) for k in range(LAYERS)]
    for cell, ref in zip(model.decoder, cells):
        _copy_cell(cell, ref)
    state = [(h_n[k, 0], c_n[k, 0]) for k in range(LAYERS)]
    h_tilde, rows = torch.zeros(D_MODEL, dtype=F64), []
    for t, y in enumerate(TGT_IN[i][TGT_IN[i] != PAD]):
        x = torch.cat([model.tgt_embed.weight[y], h_tilde])               # input feeding (Sec. 3.3)
        for k, cell in enumerate(cells):
            state[k] = cell(x[None], tuple(s[None] for s in state[k]))
            state[k] = (state[k][0][0], state[k][1][0])
            x = state[k][0]
        h_t = x
        if cfg.attention == "none":
            c_t = torch.zeros(D_MODEL, dtype=F64)
        else:
            if cfg.score == "general":
                scores = h_bar @ model.score.W_a.weight.T @ h_t            # h_t^T W_a h̄_s
            elif cfg.score == "dot":
                scores = h_bar @ h_t
            else:
                pairs = torch.cat([h_t.expand(S, -1), h_bar], dim=1)        # [h_t; h̄_s]
                scores = torch.tanh(pairs @ model.score.W_a.weight.T) @ model.score.v_a
            if cfg.attention == "global":
                a = F.softmax(scores, dim=0)                                # eq. 7
            else:
                if cfg.attention == "local-p":                              # eq. 9
                    p = S * torch.sigmoid(model.v_p.weight @ torch.tanh(model.W_p.weight @ h_t))[0]
                else:
                    p = torch.tensor(float(min(t, S - 1)), dtype=F64)
                lo, hi = max(int(torch.round(p)) - cfg.window, 0), min(int(torch.round(p)) + cfg.window, S - 1)
                s = torch.arange(lo, hi + 1, dtype=F64)
                a = torch.zeros(S, dtype=F64)
                a[lo : hi + 1] = F.softmax(scores[lo : hi + 1], 0) * torch.exp(-((s - p) ** 2) / (2 * (cfg.window / 2) ** 2))
            c_t = a @ h_bar                                                 # c_t = Σ_s a_t(s) h̄_s
        h_tilde = torch.tanh(model.W_c.weight @ torch.cat([c_t, h_t]))     # eq. 5
        rows.append(model.W_s.weight @ h_tilde + model.W_s.bias)            # eq. 6, before the softmax
    return torch.stack(rows)


@pytest.mark.parametrize("attention, score", [("global", "general"), ("global", "dot"), ("global", "concat"),
                                              ("local-p", "general"), ("local-m", "general"), ("none", "general")])
def test_teacher_forced_logits_equal_the_equations_written_out(attention: str, score: str) -> None:
    model = _model(attention=attention, score=score, reverse_source=attention == "none")
    logits, align = model(SRC, TGT_IN)
    for i in range(len(SRC)):
        ref = _reference_logits(model, i)
        assert_close(logits[i, : len(ref)], ref)
    if align is not None:
        assert (align[1, :, 3:] == 0).all()  # padded source positions get nothing
        if attention != "global":
            assert ((align > 0).sum(-1) <= 3).all()  # 2D + 1 = 3 positions at most


def test_one_global_general_step_and_its_gradient_by_hand() -> None:
    """First decoder step: h~_1 = tanh(W_c [softmax(h_1^T W_a H̄^T) H̄; h_1]), against autograd of the model."""
    model = _model(attention="global", score="general")
    source, valid, finals = model.encode(SRC)
    h_1 = torch.stack([model.decoder[1](model.decoder[0](
        torch.cat([model.tgt_embed.weight[TGT_IN[:, 0]], torch.zeros(2, D_MODEL, dtype=F64)], 1), finals[0])[0],
        finals[1])[0]])[0]
    score_matrix = torch.einsum("bd,de,bse->bs", h_1, model.score.W_a.weight, source).masked_fill(~valid, -torch.inf)
    a = F.softmax(score_matrix, dim=-1)
    h_tilde = torch.tanh(model.W_c(torch.cat([torch.einsum("bs,bsd->bd", a, source), h_1], 1)))
    ref = model.W_s(h_tilde)
    logits, align = model(SRC, TGT_IN[:, :1])
    assert_close(logits[:, 0], ref)
    assert_close(align[:, 0], a)
    grad = torch.randn_like(ref)
    params = [model.score.W_a.weight, model.W_c.weight, model.src_embed.weight]
    assert_close(torch.autograd.grad(logits[:, 0], params, grad), torch.autograd.grad(ref, params, grad))


@pytest.mark.parametrize("attention", ["local-p", "none"])
def test_greedy_decoding_agrees_with_teacher_forcing_on_its_own_output(attention: str) -> None:
    model = _model(attention=attention)
    pred, _ = model.greedy_decode(SRC, max_len=6)
    tgt_in = torch.cat([torch.full((2, 1), model.cfg.bos_id), pred[:, :-1]], 1)
    logits, _ = model(SRC, tgt_in)
    done_before = F.pad((pred == EOS).cumsum(1)[:, :-1] > 0, (1, 0))
    assert (logits.argmax(-1)[~done_before] == pred[~done_before]).all()
