"""GPT-1 (Radford et al. 2018, Sec. 3.1-3.2 and 4.1): a causal Transformer decoder, pretrained as a
language model and fine-tuned with a linear head on its last state.

Pretraining (Sec. 3.1), on a context of tokens U = (u_1..u_n):

    h_0 = U W_e + W_p                                  token + learned position embeddings
    h_l = transformer_block(h_{l-1}),  l = 1..n        (eq. 2)
    P(u) = softmax(h_n W_e^T)                          output tied to the token embedding
    L1(U) = sum_i log P(u_i | u_{i-k}..u_{i-1})        (eq. 1)

Each block is the original Transformer's decoder block without cross-attention, post-LN as in
Vaswani et al.: h = LayerNorm(h + MaskedSelfAttention(h)), then LayerNorm(h + FFN(h)), with a
GELU feed-forward (Sec. 4.1; exact erf GELU here). The causal mask lets position i attend to
positions <= i only, so P(u_i | ...) never sees u_i or anything after it.

Fine-tuning (Sec. 3.2): P(y | x^1..x^m) = softmax(h_l^m W_y) reads the final state of the last
token (eq. 3), L2 = sum log P(y | x) (eq. 4), and the auxiliary objective L3 = L2 + lambda L1
(eq. 5, lambda = 0.5). The paper's objectives are log-likelihoods to maximise; the losses here
are their negatives, averaged: per example for L2, per predicted token for L1.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from implementations._common.attention import MultiHeadAttention, causal_mask


@dataclass(frozen=True)
class GPTConfig:
    vocab: int
    context: int  # k: the longest context the position embeddings cover
    d_model: int = 48
    n_layers: int = 2
    n_heads: int = 4
    d_ff: int = 192  # 4 d_model, as in the paper (768 -> 3072)
    dropout: float = 0.1  # residual, embedding and attention dropout (Sec. 4.1)
    n_labels: int = 2  # the fine-tuning head W_y's outputs


class Block(nn.Module):
    """h = LN(h + MaskedAttn(h)); h = LN(h + W_2 GELU(W_1 h)): a post-LN decoder block."""

    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.attn = MultiHeadAttention(cfg.d_model, cfg.n_heads, cfg.dropout)
        self.ln_attn, self.ln_ff = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.ff_in, self.ff_out = nn.Linear(cfg.d_model, cfg.d_ff), nn.Linear(cfg.d_ff, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, h: Tensor, mask: Tensor) -> Tensor:
        h = self.ln_attn(h + self.drop(self.attn(h, mask=mask)))
        return self.ln_ff(h + self.drop(self.ff_out(F.gelu(self.ff_in(h)))))


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.token_emb = nn.Embedding(cfg.vocab, cfg.d_model)  # W_e, also the output projection
        self.pos_emb = nn.Embedding(cfg.context, cfg.d_model)  # W_p, learned
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.head = nn.Linear(cfg.d_model, cfg.n_labels)  # W_y, only used in fine-tuning
        self.apply(_init)

    def embed(self, tokens: Tensor) -> Tensor:
        """h_0 = U W_e + W_p, (batch, time, d_model)."""
        positions = torch.arange(tokens.size(1), device=tokens.device)
        return self.drop(self.token_emb(tokens) + self.pos_emb(positions))

    def transform(self, h: Tensor) -> Tensor:
        """h_n from h_0 through the masked blocks  (eq. 2)."""
        mask = causal_mask(h.size(1), h.device)
        for block in self.blocks:
            h = block(h, mask)
        return h

    def hidden(self, tokens: Tensor) -> Tensor:
        return self.transform(self.embed(tokens))

    def lm_parameters(self) -> list[nn.Parameter]:
        """Everything but W_y: what pretraining trains."""
        return [p for name, p in self.named_parameters() if not name.startswith("head.")]

    def lm_logits(self, h: Tensor) -> Tensor:
        """h_n W_e^T: next-token logits from each position's state."""
        return h @ self.token_emb.weight.T

    def forward(self, tokens: Tensor) -> Tensor:
        return self.lm_logits(self.hidden(tokens))

    def classify(self, tokens: Tensor) -> Tensor:
        """h_l^m W_y: label logits from the last token's final state  (eq. 3)."""
        return self.head(self.hidden(tokens)[:, -1])

    def finetune_loss(self, tokens: Tensor, labels: Tensor, lam: float) -> tuple[Tensor, Tensor, Tensor]:
        """(-L3, -L2, -L1) = (task + lam * LM, task, LM) from one forward pass  (eq. 5)."""
        h = self.hidden(tokens)
        task = F.cross_entropy(self.head(h[:, -1]), labels)
        lm = lm_nll(self.lm_logits(h), tokens)
        return task + lam * lm, task, lm


def lm_nll(logits: Tensor, tokens: Tensor) -> Tensor:
    """-L1 per prediction: mean over i >= 2 of -log P(u_i | u_<i), from the logits at position i - 1."""
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)), tokens[:, 1:].reshape(-1))


def _init(module: nn.Module) -> None:
    """N(0, 0.02) weights, zero biases (Sec. 4.1); LayerNorm keeps its 1 / 0."""
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)
