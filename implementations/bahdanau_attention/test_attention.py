"""Additive attention: a proper distribution, blind to padding, and correct gradients (float64)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.bahdanau_attention.attention import AdditiveAttention
from implementations.bahdanau_attention.model import Seq2Seq, Seq2SeqConfig

N, CTX, A = 5, 6, 4  # decoder state, annotation and alignment-model sizes


def _inputs() -> tuple[AdditiveAttention, torch.Tensor, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    attn = AdditiveAttention(N, CTX, A).double()
    state = torch.randn(3, N, dtype=torch.float64)
    annotations = torch.randn(3, 7, CTX, dtype=torch.float64)
    valid = torch.arange(7) < torch.tensor([7, 4, 1])[:, None]
    return attn, state, annotations, valid


def test_weights_sum_to_one_and_are_exactly_zero_on_padding() -> None:
    attn, state, annotations, valid = _inputs()
    context, alpha = attn(state, attn.precompute_keys(annotations), annotations, valid)
    assert_close(alpha.sum(-1), torch.ones(3, dtype=torch.float64))
    assert (alpha[~valid] == 0).all() and (alpha[valid] > 0).all()
    assert_close(context, torch.einsum("bj,bjc->bc", alpha, annotations))
    assert_close(context[2], annotations[2, 0])  # a single real word takes all the weight


def test_score_is_v_tanh_of_ws_plus_uh() -> None:
    attn, state, annotations, _ = _inputs()
    e = attn.scores(state, attn.precompute_keys(annotations))
    b, j = 1, 3
    by_hand = attn.v_a @ torch.tanh(attn.W_a.weight @ state[b] + attn.U_a.weight @ annotations[b, j] + attn.U_a.bias)
    assert_close(e[b, j], by_hand)


def test_perturbing_padded_annotations_changes_nothing() -> None:
    attn, state, annotations, valid = _inputs()
    noisy = annotations + 50 * torch.randn_like(annotations) * (~valid)[..., None]
    out = attn(state, attn.precompute_keys(annotations), annotations, valid)
    out_noisy = attn(state, attn.precompute_keys(noisy), noisy, valid)
    assert_close(out_noisy, out, rtol=0, atol=0)


def test_score_function_gradcheck() -> None:
    attn, state, annotations, valid = _inputs()
    state = state[1:].clone().requires_grad_(True)  # two sentences, one with padding
    annotations = annotations[1:, :5].clone().requires_grad_(True)
    valid = valid[1:, :5]
    assert torch.autograd.gradcheck(lambda s, h: attn.scores(s, attn.precompute_keys(h)), (state, annotations))
    assert torch.autograd.gradcheck(lambda s, h: attn(s, attn.precompute_keys(h), h, valid), (state, annotations))


@pytest.mark.parametrize("attention", [True, False])
def test_model_output_ignores_padded_encoder_states_and_extra_padding(attention: bool) -> None:
    torch.manual_seed(0)
    cfg = Seq2SeqConfig(9, 9, embed_size=4, hidden_size=5, attn_size=3, maxout_size=3, attention=attention)
    model = Seq2Seq(cfg).double()
    src = torch.tensor([[3, 4, 5, 6, 2], [7, 8, 2, 0, 0]])
    tgt_in = torch.tensor([[1, 5, 6, 3, 4], [1, 8, 7, 0, 0]])
    logits, alpha = model(src, tgt_in)
    if attention:
        assert (alpha[1, :, 3:] == 0).all()

    noise = 100 * torch.randn(2, 5, 2 * cfg.hidden_size, dtype=torch.float64) * (src == 0)[..., None]
    handle = model.encoder.register_forward_hook(lambda module, args, out: out + noise)
    try:
        noisy_logits, _ = model(src, tgt_in)
    finally:
        handle.remove()
    assert_close(noisy_logits, logits, rtol=0, atol=1e-12)

    longer_logits, _ = model(F.pad(src, (0, 3)), tgt_in)  # three more PAD columns
    assert_close(longer_logits, logits, rtol=0, atol=1e-12)
