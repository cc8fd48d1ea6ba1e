"""Analytic FLOP count of one training step, for benchmarks.

Counts the matrix multiplications only (2 FLOPs per multiply-add), the
convention of ``torch.utils.flop_counter`` and of most papers: softmax,
LayerNorm, ReLU, dropout, embedding lookups and the optimiser update are
left out. A training step is forward + backward; the backward of every matmul
here costs two matmuls of the same size (gradient w.r.t. each operand), so a
step is 3x the forward count.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import TransformerConfig


@dataclass(frozen=True)
class BatchShape:
    batch_size: int
    src_len: int  # S, encoder tokens per sequence (padded)
    tgt_len: int  # T, decoder input tokens per sequence (padded)


def _linear(tokens: int, d_in: int, d_out: int) -> int:
    return 2 * tokens * d_in * d_out


def _attention_core(batch: int, q_len: int, k_len: int, d_model: int) -> int:
    """Q K^T and weights @ V over all heads: 2 * 2 * B * Lq * Lk * d_model."""
    return 2 * _linear(batch * q_len, d_model, k_len)


def forward_flops(cfg: TransformerConfig, batch: BatchShape) -> int:
    b, s, t, d = batch.batch_size, batch.src_len, batch.tgt_len, cfg.d_model
    enc_tokens, dec_tokens = b * s, b * t
    ffn = lambda n: _linear(n, d, cfg.d_ff) + _linear(n, cfg.d_ff, d)  # noqa: E731
    encoder_layer = (
        _linear(enc_tokens, d, 3 * d)  # fused Q, K, V projection
        + _attention_core(b, s, s, d)
        + _linear(enc_tokens, d, d)  # W^O
        + ffn(enc_tokens)
    )
    decoder_layer = (
        _linear(dec_tokens, d, 3 * d) + _attention_core(b, t, t, d) + _linear(dec_tokens, d, d)  # masked self-attn
        + _linear(dec_tokens, d, d) + _linear(enc_tokens, d, 2 * d)  # cross-attn Q, and K, V from memory
        + _attention_core(b, t, s, d) + _linear(dec_tokens, d, d)
        + ffn(dec_tokens)
    )
    generator = _linear(dec_tokens, d, cfg.vocab_size)
    return cfg.n_layers * (encoder_layer + decoder_layer) + generator


def flops_per_step(cfg: TransformerConfig, batch: BatchShape) -> int:
    """Matmul FLOPs of one training step (forward + backward) on a batch of this shape."""
    return 3 * forward_flops(cfg, batch)
