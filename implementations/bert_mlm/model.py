"""BERT (Devlin et al. 2018, Sec. 3): a bidirectional Transformer encoder with a masked-LM head and a [CLS] classifier.

- Input representation (Sec. 3.2, Fig. 2): token + learned position embeddings, then LayerNorm and
  dropout. Inputs here are single sentences, so there is no segment embedding (and no
  next-sentence prediction).
- Encoder (Sec. 3, "Model Architecture"): the original Transformer's post-LN block,
  LayerNorm(x + Sublayer(x)), with a GELU feed-forward (Hendrycks & Gimpel), as BERT does.
  Attention is the shared ``MultiHeadAttention``; padded keys are hidden by ``padding_mask``.
- Masked-LM head (Appendix A.1 and the released model): dense + GELU + LayerNorm, then the output
  projection tied to the token embedding matrix E, plus a per-token bias: logits = h E^T + b.
- Classifier (Sec. 4.1): the final hidden state C of [CLS], through BERT's pooler tanh(W_p C + b_p),
  then a linear layer to the labels: log softmax(C W^T).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from implementations._common.attention import MultiHeadAttention, padding_mask


@dataclass(frozen=True)
class BertConfig:
    vocab_size: int
    d_model: int = 48        # H
    n_heads: int = 4         # A
    d_ff: int = 192          # 4H, as in BERT
    n_layers: int = 2        # L
    max_len: int = 16
    dropout: float = 0.1
    pad_id: int = 0
    n_classes: int = 2
    init_std: float | None = None   # None: BERT's 0.02 rescaled to this width, see ``Bert._init``


class EncoderLayer(nn.Module):
    """x <- LayerNorm(x + Dropout(MultiHead(x))); x <- LayerNorm(x + Dropout(W2 GELU(W1 x)))."""

    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.attn = MultiHeadAttention(cfg.d_model, cfg.n_heads, cfg.dropout)
        self.ff1, self.ff2 = nn.Linear(cfg.d_model, cfg.d_ff), nn.Linear(cfg.d_ff, cfg.d_model)
        self.norm1, self.norm2 = nn.LayerNorm(cfg.d_model, eps=1e-12), nn.LayerNorm(cfg.d_model, eps=1e-12)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        x = self.norm1(x + self.drop(self.attn(x, mask=mask)))
        return self.norm2(x + self.drop(self.ff2(F.gelu(self.ff1(x)))))


class Bert(nn.Module):
    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.tok = nn.Embedding(cfg.vocab_size, d)       # E, shared with the MLM output
        self.pos = nn.Embedding(cfg.max_len, d)
        self.embed_norm = nn.LayerNorm(d, eps=1e-12)
        self.drop = nn.Dropout(cfg.dropout)
        self.layers = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.n_layers))
        self.mlm_dense, self.mlm_norm = nn.Linear(d, d), nn.LayerNorm(d, eps=1e-12)
        self.mlm_bias = nn.Parameter(torch.zeros(cfg.vocab_size))
        self.pooler = nn.Linear(d, d)
        self.classifier = nn.Linear(d, cfg.n_classes)
        self.apply(self._init)

    def _init(self, module: nn.Module) -> None:
        """BERT's initialiser, N(0, s^2) truncated at 2 s, biases 0, LayerNorm (1, 0), with s rescaled.

        BERT's s = 0.02 is for H = 768. Kept at H = 32, queries and keys start so small that attention
        stays nearly uniform, and masked-LM training had not found agreement after 800 steps;
        s = 0.02 sqrt(768 / H) keeps BERT-base's per-unit variance of W x (0.098 at H = 32), and
        agreement is found in 250-550 steps.
        """
        std = self.cfg.init_std or 0.02 * (768 / self.cfg.d_model) ** 0.5
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.trunc_normal_(module.weight, std=std, a=-2 * std, b=2 * std)
        if isinstance(module, nn.Linear):
            nn.init.zeros_(module.bias)

    def encode(self, tokens: Tensor) -> Tensor:
        """Final hidden states T_i (batch, length, H) of every position."""
        positions = torch.arange(tokens.size(1), device=tokens.device)
        x = self.drop(self.embed_norm(self.tok(tokens) + self.pos(positions)))
        mask = padding_mask(tokens, self.cfg.pad_id)
        for layer in self.layers:
            x = layer(x, mask)
        return x

    def mlm_logits(self, hidden: Tensor) -> Tensor:
        """Vocabulary logits for hidden states T_i: LayerNorm(GELU(W T_i + b)) E^T + b_out."""
        h = self.mlm_norm(F.gelu(self.mlm_dense(hidden)))
        return F.linear(h, self.tok.weight, self.mlm_bias)

    def class_logits(self, hidden: Tensor) -> Tensor:
        """Label logits from C, the hidden state of [CLS] (position 0), through the tanh pooler."""
        pooled = torch.tanh(self.pooler(hidden[:, 0]))
        return self.classifier(self.drop(pooled))

    def mlm_loss(self, corrupted: Tensor, labels: Tensor) -> Tensor:
        """Cross-entropy at the chosen positions only (labels -100 elsewhere), the MLM objective."""
        hidden = self.encode(corrupted)
        chosen = labels >= 0
        return F.cross_entropy(self.mlm_logits(hidden[chosen]), labels[chosen])

    def parameters_for(self, stage: str) -> list[nn.Parameter]:
        """What each stage trains: "pretrain" leaves out the classifier, "finetune" the MLM head
        (discarded after pre-training; its output matrix E stays, as the input embedding)."""
        head = {"pretrain": ("pooler.", "classifier."), "finetune": ("mlm_",)}[stage]
        return [p for name, p in self.named_parameters() if not name.startswith(head)]

    def forward(self, tokens: Tensor) -> Tensor:
        return self.class_logits(self.encode(tokens))
