"""Attention against PyTorch's reference kernels (float64), with and without masks."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations._common.attention import (
    MultiHeadAttention,
    causal_mask,
    padding_mask,
    scaled_dot_product_attention,
)

B, H, L, S, D = 2, 3, 4, 5, 12


def _qkv(gen: torch.Generator) -> tuple[torch.Tensor, ...]:
    shape_q, shape_kv = (B, H, L, D // H), (B, H, S, D // H)
    return tuple(torch.randn(s, generator=gen, dtype=torch.float64) for s in (shape_q, shape_kv, shape_kv))


@pytest.mark.parametrize("kind", ["none", "random", "causal"])
def test_scaled_dot_product_attention_matches_torch(kind: str) -> None:
    gen = torch.Generator().manual_seed(0)
    q, k, v = _qkv(gen)
    mask = None
    if kind == "random":
        mask = torch.rand(B, 1, L, S, generator=gen) > 0.4
        mask[..., 0] = True  # every query keeps at least one key
    elif kind == "causal":
        mask = torch.ones(L, S, dtype=torch.bool).tril()
    out, weights = scaled_dot_product_attention(q, k, v, mask)
    assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
    assert_close(weights.sum(-1), torch.ones(B, H, L, dtype=torch.float64))
    if mask is not None:
        assert (weights[~mask.expand_as(weights)] == 0).all()


def _copied_reference(mine: MultiHeadAttention) -> nn.MultiheadAttention:
    ref = nn.MultiheadAttention(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        ref.in_proj_weight.copy_(mine.in_proj.weight)
        ref.in_proj_bias.copy_(mine.in_proj.bias)
        ref.out_proj.weight.copy_(mine.out_proj.weight)
        ref.out_proj.bias.copy_(mine.out_proj.bias)
    return ref


@pytest.mark.parametrize("cross", [False, True])
@pytest.mark.parametrize("key_padding", [False, True])
@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_attention_matches_nn_multihead_attention(cross: bool, key_padding: bool, causal: bool) -> None:
    torch.manual_seed(1)
    mine = MultiHeadAttention(D, H).double()
    ref = _copied_reference(mine)
    k_len = S if cross else L
    x = torch.randn(B, L, D, dtype=torch.float64, requires_grad=True)
    memory = torch.randn(B, k_len, D, dtype=torch.float64, requires_grad=True) if cross else None
    kv = memory if cross else x

    lengths = torch.tensor([k_len, k_len - 2])  # second sequence has two padded keys
    pad = torch.arange(k_len) >= lengths[:, None]  # True = padded (nn.MultiheadAttention's convention)
    mask = torch.ones(1, 1, L, k_len, dtype=torch.bool)
    ref_kwargs = {}
    if key_padding:
        mask = mask & ~pad[:, None, None, :]
        ref_kwargs["key_padding_mask"] = pad
    if causal:
        mask = mask & causal_mask(k_len)[:L]
        ref_kwargs["attn_mask"] = ~causal_mask(k_len)[:L]  # True = not allowed

    out = mine(x, memory, mask=mask)
    ref_out, ref_weights = ref(x, kv, kv, **ref_kwargs)
    assert_close(out, ref_out)
    assert_close(mine.last_weights.mean(dim=1), ref_weights)  # reference averages its heads

    grad_out = torch.randn_like(out)
    inputs = [x] + ([memory] if cross else [])
    grads = torch.autograd.grad(out, inputs + [mine.in_proj.weight, mine.out_proj.weight], grad_out)
    ref_grads = torch.autograd.grad(ref_out, inputs + [ref.in_proj_weight, ref.out_proj.weight], grad_out)
    for g, r in zip(grads, ref_grads):
        assert_close(g, r)


def test_padding_mask_hides_padded_keys() -> None:
    tokens = torch.tensor([[5, 6, 0], [7, 0, 0]])
    assert padding_mask(tokens, pad_id=0).shape == (2, 1, 1, 3)
    assert padding_mask(tokens, pad_id=0)[:, 0, 0].tolist() == [[True, True, False], [True, False, False]]
    assert causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
