"""The tiny Transformer against PyTorch's reference layers (float64), causality, and the paper's N."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from implementations._common.reference import load_encoder_layer
from implementations.scaling_laws.model import (
    LMConfig,
    TinyLM,
    count_non_embedding,
    kaplan_n,
)

CFG = LMConfig(vocab=11, context=7, d_model=12, n_layer=2, n_head=3)


def _reference_lm(model: TinyLM) -> tuple[nn.ModuleList, nn.LayerNorm]:
    """The same network from nn.TransformerEncoderLayer (pre-LN, GELU, no dropout), weights copied."""
    d = model.cfg.d_model
    layers = nn.ModuleList(
        nn.TransformerEncoderLayer(d, model.cfg.n_head, model.cfg.d_ff, dropout=0.0, activation="gelu",
                                   batch_first=True, norm_first=True, dtype=torch.float64)
        for _ in model.blocks
    )
    with torch.no_grad():
        for ref, blk in zip(layers, model.blocks):
            load_encoder_layer(ref, blk.attn, blk.ff.up, blk.ff.down, blk.ln_attn, blk.ln_ff)
    return layers, model.ln_final


def test_whole_lm_matches_transformer_encoder_layers_with_causal_mask() -> None:
    torch.manual_seed(1)
    model = TinyLM(CFG).double()
    with torch.no_grad():  # non-trivial LayerNorm gains and biases, so they are checked too
        for name, p in model.named_parameters():
            if "ln" in name or name.endswith("bias"):
                p.add_(0.3 * torch.randn_like(p))
    layers, ln_final = _reference_lm(model)
    tokens = torch.randint(CFG.vocab, (3, CFG.context))
    mask = nn.Transformer.generate_square_subsequent_mask(CFG.context, dtype=torch.float64)
    x = model.token_emb(tokens) + model.pos_emb(torch.arange(CFG.context))
    for layer in layers:
        x = layer(x, src_mask=mask, is_causal=True)
    expected = ln_final(x) @ model.token_emb.weight.T
    logits = model(tokens)
    assert_close(logits, expected)
    (g_ours,) = torch.autograd.grad(logits.square().sum(), model.blocks[0].ff.up.weight, retain_graph=True)
    (g_ref,) = torch.autograd.grad(expected.square().sum(), layers[0].linear1.weight)
    assert_close(g_ours, g_ref)


def test_logits_at_a_position_ignore_later_tokens() -> None:
    torch.manual_seed(2)
    model = TinyLM(CFG)
    tokens = torch.randint(CFG.vocab, (2, CFG.context))
    changed = tokens.clone()
    changed[:, 4:] = (changed[:, 4:] + 1) % CFG.vocab
    a, b = model(tokens), model(changed)
    assert_close(a[:, :4], b[:, :4])
    assert (a[:, 4:] - b[:, 4:]).abs().max() > 1e-4


def test_loss_is_next_token_cross_entropy() -> None:
    torch.manual_seed(3)
    model = TinyLM(CFG)
    tokens = torch.randint(CFG.vocab, (2, CFG.context + 1))
    logits = model(tokens[:, :-1])
    log_p = logits.log_softmax(-1).gather(-1, tokens[:, 1:, None]).squeeze(-1)
    assert_close(model.loss(tokens), -log_p.mean())


def test_kaplan_n_formula_against_hand_counts() -> None:
    # d_model 10, d_attn 6, d_ff 20, one layer: QKV 10*18 + W^O 6*10 + FF 2*10*20 = 180 + 60 + 400.
    assert kaplan_n(1, 10, 6, 20) == 640
    # The paper's shape (d_attn = d_model, d_ff = 4 d_model): N = 12 n_layer d_model^2.
    for n_layer, d in [(1, 4), (2, 8), (3, 32), (48, 1600)]:
        assert kaplan_n(n_layer, d, d, 4 * d) == 12 * n_layer * d * d
    assert kaplan_n(48, 1600, 1600, 6400) == pytest.approx(1.5e9, rel=0.03)  # the paper's largest model, 1.5B


def test_model_non_embedding_count_matches_hand_count() -> None:
    model = TinyLM(LMConfig(vocab=32, context=16, d_model=8, n_layer=2, n_head=2))
    # Per layer: weights 8*24 + 8*8 + 8*32 + 32*8 = 768; biases 24 + 8 + 32 + 8 = 72; two LayerNorms 2*(8 + 8) = 32.
    assert count_non_embedding(model) == 2 * 768 == kaplan_n(2, 8, 8, 32) == 1536
    assert count_non_embedding(model, weights_only=False) == 2 * (768 + 72 + 32) + 16  # + final LayerNorm
    embeddings = 32 * 8 + 16 * 8  # token (tied with the output) + position
    assert sum(p.numel() for p in model.parameters()) == 1760 + embeddings
