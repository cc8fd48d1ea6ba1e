"""A tiny decoder-only Transformer language model, shaped like the paper's (Sec. 2.1).

GPT-2 style: learned position embeddings, pre-LayerNorm residual blocks of
masked multi-head self-attention and a 4x feed-forward layer, a final
LayerNorm, and an output projection tied to the token embedding (so the
"de-embedding" adds no parameters and N is exactly the non-embedding count).
The models of the scan differ only in width d_model; d_attn = d_model and
d_ff = 4 d_model, the paper's default shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from implementations._common.attention import MultiHeadAttention, causal_mask


@dataclass(frozen=True)
class LMConfig:
    vocab: int
    context: int  # n_ctx: tokens the model sees
    d_model: int
    n_layer: int = 2
    n_head: int = 2

    @property
    def d_ff(self) -> int:
        return 4 * self.d_model

    @property
    def d_attn(self) -> int:
        return self.d_model


class FeedForward(nn.Module):
    """W_2 GELU(W_1 x + b_1) + b_2 with d_ff = 4 d_model: 2 d_model d_ff weights."""

    def __init__(self, d_model: int, d_ff: int) -> None:
        super().__init__()
        self.up, self.down = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)

    def forward(self, x: Tensor) -> Tensor:
        return self.down(F.gelu(self.up(x)))


class Block(nn.Module):
    """Pre-LN residual block: x + Attn(LN(x)), then x + FF(LN(x))."""

    def __init__(self, cfg: LMConfig) -> None:
        super().__init__()
        self.ln_attn, self.ln_ff = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.attn = MultiHeadAttention(cfg.d_model, cfg.n_head)  # masked: position i sees j <= i
        self.ff = FeedForward(cfg.d_model, cfg.d_ff)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.ln_attn(x), mask=causal_mask(x.size(1), x.device))
        return x + self.ff(self.ln_ff(x))


class TinyLM(nn.Module):
    """Decoder-only Transformer LM: tokens (batch, time) -> next-token logits (batch, time, vocab)."""

    def __init__(self, cfg: LMConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.token_emb = nn.Embedding(cfg.vocab, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.context, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_final = nn.LayerNorm(cfg.d_model)
        self.apply(_init_weights)

    def forward(self, tokens: Tensor) -> Tensor:
        positions = torch.arange(tokens.size(1), device=tokens.device)
        x = self.token_emb(tokens) + self.pos_emb(positions)
        for block in self.blocks:
            x = block(x)
        return self.ln_final(x) @ self.token_emb.weight.T  # tied de-embedding

    def loss(self, tokens: Tensor) -> Tensor:
        """Mean cross-entropy (nats) of predicting tokens[:, 1:] from the tokens before them."""
        logits = self(tokens[:, :-1])
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), tokens[:, 1:].reshape(-1))


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)


def kaplan_n(n_layer: int, d_model: int, d_attn: int, d_ff: int) -> int:
    """Non-embedding parameters N = 2 d_model n_layer (2 d_attn + d_ff)  (Eq. 2.1, Sec. 2.1, Table 1).

    Per layer: QKV 3 d_model d_attn, attention output d_attn d_model, feed-forward
    2 d_model d_ff; biases, LayerNorms and embeddings are left out. With
    d_attn = d_model and d_ff = 4 d_model this is 12 n_layer d_model^2.
    """
    return 2 * d_model * n_layer * (2 * d_attn + d_ff)


def count_non_embedding(model: TinyLM, weights_only: bool = True) -> int:
    """Count the model's parameters outside the token and position embeddings.

    ``weights_only`` counts just the matrices of the blocks (what the paper's N
    counts); otherwise biases and LayerNorm gains/offsets are included too.
    """
    total = 0
    for name, p in model.named_parameters():
        if name.startswith(("token_emb", "pos_emb")):
            continue
        if weights_only and (p.dim() < 2):
            continue
        total += p.numel()
    return total
