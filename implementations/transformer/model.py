"""The Transformer encoder-decoder of "Attention Is All You Need" (Section 3).

Post-norm residual blocks as in the paper: LayerNorm(x + Dropout(Sublayer(x)))
(Section 3.1 and 5.4). One shared token vocabulary and one embedding matrix
for encoder and decoder; with ``tie_output`` (the paper's choice, Section 3.4)
the pre-softmax projection reuses that matrix too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from implementations._common.attention import MultiHeadAttention, causal_mask, padding_mask


@dataclass(frozen=True)
class TransformerConfig:
    vocab_size: int
    d_model: int = 512
    n_heads: int = 8
    d_ff: int = 2048
    n_layers: int = 6  # N, for the encoder and the decoder stacks each
    dropout: float = 0.1  # P_drop
    max_len: int = 512
    pad_id: int = 0
    bos_id: int = 1
    eos_id: int = 2
    tie_output: bool = True  # pre-softmax projection shares the embedding matrix (Section 3.4)


def sinusoidal_encoding(max_len: int, d_model: int) -> Tensor:
    """PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(same)  (Section 3.5)."""
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)
    angle = pos / 10000.0 ** (two_i / d_model)
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return pe.float()


class FeedForward(nn.Module):
    """FFN(x) = max(0, x W1 + b1) W2 + b2  (eq. 2)."""

    def __init__(self, d_model: int, d_ff: int) -> None:
        super().__init__()
        self.w1, self.w2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)

    def forward(self, x: Tensor) -> Tensor:
        return self.w2(F.relu(self.w1(x)))


class EncoderLayer(nn.Module):
    """Self-attention then feed-forward, each wrapped as LayerNorm(x + Sublayer(x))."""

    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.n_heads, cfg.dropout)
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff)
        self.norm1, self.norm2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: Tensor, src_mask: Tensor) -> Tensor:
        x = self.norm1(x + self.drop(self.self_attn(x, mask=src_mask)))
        return self.norm2(x + self.drop(self.ffn(x)))


class DecoderLayer(nn.Module):
    """Masked self-attention, encoder-decoder attention, feed-forward (Section 3.1)."""

    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.n_heads, cfg.dropout)
        self.cross_attn = MultiHeadAttention(cfg.d_model, cfg.n_heads, cfg.dropout)
        self.ffn = FeedForward(cfg.d_model, cfg.d_ff)
        self.norms = nn.ModuleList(nn.LayerNorm(cfg.d_model) for _ in range(3))
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, y: Tensor, memory: Tensor, tgt_mask: Tensor, src_mask: Tensor) -> Tensor:
        y = self.norms[0](y + self.drop(self.self_attn(y, mask=tgt_mask)))
        y = self.norms[1](y + self.drop(self.cross_attn(y, memory, mask=src_mask)))
        return self.norms[2](y + self.drop(self.ffn(y)))


class Transformer(nn.Module):
    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        nn.init.normal_(self.embed.weight, std=cfg.d_model**-0.5)  # so sqrt(d_model) * E has unit scale
        self.register_buffer("pe", sinusoidal_encoding(cfg.max_len, cfg.d_model), persistent=False)
        self.drop = nn.Dropout(cfg.dropout)
        self.encoder = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.n_layers))
        self.decoder = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.n_layers))
        self.generator = None if cfg.tie_output else nn.Linear(cfg.d_model, cfg.vocab_size)

    def _embed(self, tokens: Tensor) -> Tensor:
        """Embeddings scaled by sqrt(d_model) (Section 3.4) plus positional encodings (3.5)."""
        x = self.embed(tokens) * math.sqrt(self.cfg.d_model) + self.pe[: tokens.size(1)]
        return self.drop(x)

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor]:
        """Returns the memory (batch, S, d_model) and the source padding mask."""
        src_mask = padding_mask(src, self.cfg.pad_id)
        x = self._embed(src)
        for layer in self.encoder:
            x = layer(x, src_mask)
        return x, src_mask

    def decode(self, tgt_in: Tensor, memory: Tensor, src_mask: Tensor) -> Tensor:
        """Next-token logits (batch, T, vocab) for every prefix of ``tgt_in``."""
        tgt_mask = causal_mask(tgt_in.size(1), tgt_in.device) & padding_mask(tgt_in, self.cfg.pad_id)
        y = self._embed(tgt_in)
        for layer in self.decoder:
            y = layer(y, memory, tgt_mask, src_mask)
        if self.generator is not None:
            return self.generator(y)
        return F.linear(y, self.embed.weight)  # pre-softmax projection shares the embedding

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        memory, src_mask = self.encode(src)
        return self.decode(tgt_in, memory, src_mask)

    @torch.no_grad()
    def greedy_decode(self, src: Tensor, max_len: int) -> Tensor:
        """Feed back the arg-max token each step; returns (batch, max_len) tokens after BOS.

        Once a sequence has emitted EOS it keeps emitting PAD.
        """
        memory, src_mask = self.encode(src)
        out = torch.full((src.size(0), 1), self.cfg.bos_id, dtype=torch.long, device=src.device)
        done = torch.zeros(src.size(0), dtype=torch.bool, device=src.device)
        for _ in range(max_len):
            next_tok = self.decode(out, memory, src_mask)[:, -1].argmax(-1)
            next_tok = next_tok.masked_fill(done, self.cfg.pad_id)
            done |= next_tok == self.cfg.eos_id
            out = torch.cat([out, next_tok[:, None]], dim=1)
        return out[:, 1:]
