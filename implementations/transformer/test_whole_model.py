"""The assembled encoder-decoder against nn.Transformer (post-norm, ReLU) with copied weights, float64.

The reference's inputs are built here, independently of the model: token
embeddings times sqrt(d_model) plus sinusoids written out from Section 3.5.
Catches pre-norm for post-norm, a missing or wrong embedding scale, sin/cos
swapped in the positional encoding, GELU for ReLU, a missing cross-attention,
masks applied to the wrong side, and dropout in the wrong place.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.testing import assert_close

from implementations.transformer.demo import exact_match, reverse_targets, sequence_codes
from implementations.transformer.model import Transformer, TransformerConfig

CFG = TransformerConfig(vocab_size=11, d_model=8, n_heads=2, d_ff=12, n_layers=2, dropout=0.0, max_len=8)
SRC = torch.tensor([[4, 5, 6, 7, 8], [9, 4, 3, 0, 0]])  # second source ends in two PADs
TGT_IN = torch.tensor([[1, 8, 7, 6], [1, 3, 4, 0]])  # second target ends in one PAD


def _model(cfg: TransformerConfig = CFG) -> Transformer:
    torch.manual_seed(0)
    model = Transformer(cfg).double()
    with torch.no_grad():  # LayerNorm gains and biases away from 1 and 0, so their use is checked
        for name, p in model.named_parameters():
            if "norm" in name:
                p.add_(0.5 * torch.randn_like(p))
    return model


def _paper_positions(length: int, d: int) -> torch.Tensor:
    pe = torch.empty(length, d, dtype=torch.float64)
    for pos in range(length):
        for i in range(d // 2):
            pe[pos, 2 * i] = math.sin(pos / 10000 ** (2 * i / d))
            pe[pos, 2 * i + 1] = math.cos(pos / 10000 ** (2 * i / d))
    return pe


def _copy_attention(ref: nn.MultiheadAttention, mine) -> None:
    ref.in_proj_weight.copy_(mine.in_proj.weight)
    ref.in_proj_bias.copy_(mine.in_proj.bias)
    ref.out_proj.load_state_dict(mine.out_proj.state_dict())


def _reference(model: Transformer) -> nn.Transformer:
    c = model.cfg
    ref = nn.Transformer(c.d_model, c.n_heads, c.n_layers, c.n_layers, c.d_ff, dropout=c.dropout,
                         activation="relu", batch_first=True, norm_first=False, dtype=torch.float64)
    ref.encoder.norm = None  # the paper's post-norm stacks end on their last sub-layer's LayerNorm
    ref.decoder.norm = None
    with torch.no_grad():
        for r, m in zip(ref.encoder.layers, model.encoder):
            _copy_attention(r.self_attn, m.self_attn)
            r.linear1.load_state_dict(m.ffn.w1.state_dict())
            r.linear2.load_state_dict(m.ffn.w2.state_dict())
            r.norm1.load_state_dict(m.norm1.state_dict())
            r.norm2.load_state_dict(m.norm2.state_dict())
        for r, m in zip(ref.decoder.layers, model.decoder):
            _copy_attention(r.self_attn, m.self_attn)
            _copy_attention(r.multihead_attn, m.cross_attn)
            r.linear1.load_state_dict(m.ffn.w1.state_dict())
            r.linear2.load_state_dict(m.ffn.w2.state_dict())
            for ref_norm, norm in zip((r.norm1, r.norm2, r.norm3), m.norms):
                ref_norm.load_state_dict(norm.state_dict())
    return ref


def _reference_logits(model: Transformer, ref: nn.Transformer, embed_drop: nn.Module) -> torch.Tensor:
    d = model.cfg.d_model
    emb = model.embed.weight
    src_x = embed_drop(emb[SRC] * math.sqrt(d) + _paper_positions(SRC.size(1), d))
    tgt_x = embed_drop(emb[TGT_IN] * math.sqrt(d) + _paper_positions(TGT_IN.size(1), d))
    causal = torch.ones(TGT_IN.size(1), TGT_IN.size(1), dtype=torch.bool).triu(1)  # True = may not attend
    src_pad, tgt_pad = SRC == model.cfg.pad_id, TGT_IN == model.cfg.pad_id
    y = ref(src_x, tgt_x, tgt_mask=causal, src_key_padding_mask=src_pad, tgt_key_padding_mask=tgt_pad,
            memory_key_padding_mask=src_pad)
    return y @ emb.T if model.generator is None else model.generator(y)


def test_whole_transformer_matches_nn_transformer_post_norm_relu_with_copied_weights() -> None:
    model = _model().eval()
    ref = _reference(model).eval()
    logits = model(SRC, TGT_IN)
    expected = _reference_logits(model, ref, nn.Identity())
    assert_close(logits, expected)
    # Gradients reach every sub-layer the same way (an embedding scale left out of backward shows here).
    grads = torch.autograd.grad(logits.square().sum(), [model.embed.weight, model.encoder[0].ffn.w1.weight])
    ref_grads = torch.autograd.grad(expected.square().sum(), [model.embed.weight, ref.encoder.layers[0].linear1.weight])
    for g, r in zip(grads, ref_grads):
        assert_close(g, r)


def test_untied_output_projection_matches_the_reference_too() -> None:
    cfg = TransformerConfig(**{**CFG.__dict__, "tie_output": False})
    model = _model(cfg).eval()
    assert_close(model(SRC, TGT_IN), _reference_logits(model, _reference(model).eval(), nn.Identity()))


def test_dropout_sits_on_embeddings_and_on_each_sublayer_before_the_residual_sum() -> None:
    # With P_drop = 1 every dropout outputs exactly 0, so the training-mode network is deterministic:
    # the embeddings vanish and each block reduces to LayerNorm(x + 0). Dropout after the LayerNorm,
    # none on the embeddings, or none on a residual branch gives different numbers.
    cfg = TransformerConfig(**{**CFG.__dict__, "dropout": 1.0})
    model = _model(cfg).train()
    ref = _reference(model).train()
    assert_close(model(SRC, TGT_IN), _reference_logits(model, ref, nn.Dropout(1.0)))
    # Cross-attention is dropped too at P_drop = 1, so the encoder's output is checked on its own.
    memory, _ = model.encode(SRC)
    assert_close(memory, ref.encoder(torch.zeros_like(memory), src_key_padding_mask=SRC == cfg.pad_id))


def test_reverse_targets_pads_after_eos_and_starts_with_bos() -> None:
    src = torch.tensor([[3, 4, 5, 0], [6, 7, 0, 0]])
    tgt_in, tgt_out = reverse_targets(src)
    assert tgt_in.tolist() == [[1, 5, 4, 3, 0], [1, 7, 6, 0, 0]]
    assert tgt_out.tolist() == [[5, 4, 3, 2, 0], [7, 6, 2, 0, 0]]


def test_sequence_codes_tell_every_padded_string_apart() -> None:
    # The demo removes held-out strings from training batches by these codes: a collision would leak or drop.
    base = 5
    strings = torch.cartesian_prod(*[torch.arange(base)] * 3)
    codes = sequence_codes(strings, base)
    assert codes.unique().numel() == strings.size(0) == base**3


def test_exact_match_needs_every_symbol_and_the_eos_and_ignores_what_follows() -> None:
    tgt_out = torch.tensor([[5, 4, 2, 0], [5, 4, 2, 0], [5, 4, 2, 0], [7, 2, 0, 0]])
    pred = torch.tensor([[5, 4, 2, 9], [5, 4, 9, 0], [5, 3, 2, 0], [7, 2, 2, 2]])
    assert exact_match(pred, tgt_out).tolist() == [True, False, False, True]


def test_embedding_starts_at_std_d_model_to_the_minus_half() -> None:
    # So sqrt(d_model) * E has unit scale beside the unit-amplitude sinusoids (Section 3.4).
    torch.manual_seed(0)
    model = Transformer(TransformerConfig(vocab_size=2000, d_model=64, n_heads=4, d_ff=8, n_layers=1))
    assert abs(model.embed.weight.std().item() * 64**0.5 - 1.0) < 0.02
