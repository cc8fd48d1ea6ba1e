"""Scaled dot-product and multi-head attention ("Attention Is All You Need", Section 3.2): the one home for every Transformer here.

Masks are boolean and follow ``F.scaled_dot_product_attention``: ``True``
means "may attend". They broadcast against the score tensor
``(batch, heads, query_len, key_len)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def scaled_dot_product_attention(
    q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None, dropout_p: float = 0.0
) -> tuple[Tensor, Tensor]:
    """Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V  (eq. 1).

    Returns the output and the attention weights. A masked score is set to
    -inf before the softmax, so its weight is exactly 0. For speed the
    1/sqrt(d_k) scale multiplies Q (length x d_k) instead of the
    length x length scores, and the mask enters as a 0/-inf bias added by the
    score matmul itself (``baddbmm``), so the scores are written once.
    """
    *batch, q_len, d_k = q.shape
    k_len = k.size(-2)
    q_scaled = (q * d_k**-0.5).reshape(-1, q_len, d_k)          # Q / sqrt(d_k)
    k_t = k.reshape(-1, k_len, d_k).transpose(1, 2)              # K^T
    if mask is None:
        scores = torch.bmm(q_scaled, k_t)
    else:
        bias = torch.zeros(mask.shape, dtype=q.dtype, device=q.device).masked_fill_(~mask, float("-inf"))
        scores = torch.baddbmm(bias.expand(*batch, q_len, k_len).reshape(-1, q_len, k_len), q_scaled, k_t)
    weights = scores.softmax(dim=-1)
    if dropout_p > 0.0:
        weights = F.dropout(weights, dropout_p)
    out = torch.bmm(weights, v.reshape(-1, k_len, v.size(-1)))
    return out.view(*batch, q_len, v.size(-1)), weights.view(*batch, q_len, k_len)


def causal_mask(length: int, device: torch.device | None = None) -> Tensor:
    """(length, length) mask letting position i see positions <= i (Section 3.2.3)."""
    return torch.ones(length, length, dtype=torch.bool, device=device).tril()


def padding_mask(tokens: Tensor, pad_id: int) -> Tensor:
    """(batch, 1, 1, length) mask hiding padded keys from every query and head."""
    return (tokens != pad_id)[:, None, None, :]


class MultiHeadAttention(nn.Module):
    """MultiHead(Q, K, V) = Concat(head_1..head_h) W^O, head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V).

    The h per-head projections W_i^Q, W_i^K, W_i^V are stored stacked in one
    (3 d_model, d_model) matrix, so self-attention projects Q, K and V with a
    single matmul and all heads run as one batched matmul (no loop over heads).
    The layout matches ``nn.MultiheadAttention.in_proj_weight``.
    """

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        if d_model % n_heads:
            raise ValueError("d_model must be divisible by n_heads")
        self.d_model, self.n_heads, self.d_k = d_model, n_heads, d_model // n_heads
        self.in_proj = nn.Linear(d_model, 3 * d_model)  # [W^Q; W^K; W^V] for all heads
        self.out_proj = nn.Linear(d_model, d_model)  # W^O
        self.dropout = dropout
        self.last_weights: Tensor | None = None  # kept for inspection (alignment plots)

    def _split_heads(self, x: Tensor) -> Tensor:
        """(batch, length, d_model) -> (batch, heads, length, d_k)."""
        batch, length, _ = x.shape
        return x.view(batch, length, self.n_heads, self.d_k).transpose(1, 2)

    def forward(self, query: Tensor, memory: Tensor | None = None, mask: Tensor | None = None) -> Tensor:
        """Self-attention when ``memory`` is None, else queries attend over ``memory``.

        query: (batch, Lq, d_model); memory: (batch, Lk, d_model) used as both
        keys and values (encoder-decoder attention, Section 3.2.3).
        """
        batch, q_len, _ = query.shape
        if memory is None:  # fused Q, K, V projection: one matmul
            q, k, v = self.in_proj(query).view(batch, q_len, 3, self.n_heads, self.d_k).permute(2, 0, 3, 1, 4)
        else:  # queries from the decoder, keys and values from the encoder
            w_q, w_kv = self.in_proj.weight.split([self.d_model, 2 * self.d_model])
            b_q, b_kv = self.in_proj.bias.split([self.d_model, 2 * self.d_model])
            q = self._split_heads(F.linear(query, w_q, b_q))
            kv = F.linear(memory, w_kv, b_kv).view(batch, memory.size(1), 2, self.n_heads, self.d_k)
            k, v = kv.permute(2, 0, 3, 1, 4)
        out, weights = scaled_dot_product_attention(
            q, k, v, mask, self.dropout if self.training else 0.0
        )
        self.last_weights = weights.detach()
        out = out.transpose(1, 2).reshape(batch, q_len, self.d_model)  # Concat(head_1..head_h)
        return self.out_proj(out)
