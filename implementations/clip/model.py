"""CLIP's two encoders, the joint embedding space and the symmetric contrastive loss (Radford et al. 2021).

Fig. 3 of the paper, in symbols:

    I_f = image_encoder(I)              T_f = text_encoder(T)          (n, d_i), (n, d_t)
    I_e = l2_normalize(I_f W_i)         T_e = l2_normalize(T_f W_t)    (n, d_e)
    logits = exp(t) * I_e T_e^T                                       (n, n)
    loss = (CE(logits, labels, axis=0) + CE(logits, labels, axis=1)) / 2,   labels = 0..n-1

t is a learned log-temperature initialised to log(1/0.07), its exp clipped at 100 (Sec. 2.5).
The text encoder is the paper's GPT-style Transformer, shrunk: pre-LayerNorm blocks with a causal
mask, and the caption is read off the top layer's activation at its [EOS] token, layer-normed and
projected (Sec. 2.4). The image encoder is a small CNN (the paper's ResNet family, much reduced).
Zero-shot (Sec. 3.1.2): each class is described by captions, the averaged normalised caption
embeddings are the weights of a linear classifier over normalised image embeddings (Sec. 3.1.4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from implementations._common.attention import MultiHeadAttention, causal_mask

INIT_LOGIT_SCALE = math.log(1 / 0.07)
MAX_LOGIT_SCALE = math.log(100.0)


@dataclass(frozen=True)
class CLIPConfig:
    vocab: int
    context: int
    eot_id: int
    channels: tuple[int, int] = (16, 32)  # the CNN's two conv widths
    image_heads: int = 4
    text_width: int = 32  # d_t
    text_heads: int = 4
    text_layers: int = 1
    embed_dim: int = 32  # d_e, the joint space
    image_size: int = 16


class AttentionPool(nn.Module):
    """CLIP's attention pooling (Sec. 2.4): one layer of multi-head QKV attention over the feature grid.

    The grid's cells, plus their mean, get learned position embeddings; the mean is the one query.
    The output is a weighted sum of W_v (features + position), so what is seen and where it is add up.
    """

    def __init__(self, grid: int, width: int, heads: int) -> None:
        super().__init__()
        self.position = nn.Parameter(torch.randn(grid * grid + 1, width) / width ** 0.5)
        self.attn = MultiHeadAttention(width, heads)

    def forward(self, x: Tensor) -> Tensor:
        x = x.flatten(2).transpose(1, 2)  # (n, HW, C)
        x = torch.cat([x.mean(dim=1, keepdim=True), x], dim=1) + self.position
        return self.attn(x[:, :1], memory=x)[:, 0]


class ImageEncoder(nn.Module):
    """Two 3x3 conv + ReLU + 2x2 max-pool stages (the paper's ResNet, much reduced), then attention pooling."""

    def __init__(self, cfg: CLIPConfig) -> None:
        super().__init__()
        c1, c2 = cfg.channels
        self.conv1 = nn.Conv2d(3, c1, 3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.pool = AttentionPool(cfg.image_size // 4, c2, cfg.image_heads)

    def forward(self, images: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(images)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.pool(x)


class TextBlock(nn.Module):
    """Pre-LN residual block: x + MHA(LN(x)) with a causal mask, then x + MLP(LN(x)), MLP = GELU, 4x wide."""

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.ln_attn, self.ln_mlp = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = MultiHeadAttention(width, heads)
        self.up, self.down = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        x = x + self.attn(self.ln_attn(x), mask=mask)
        return x + self.down(F.gelu(self.up(self.ln_mlp(x))))


class TextEncoder(nn.Module):
    """Token + learned position embeddings, causal pre-LN blocks, final LN; the [EOS] token's features."""

    def __init__(self, cfg: CLIPConfig) -> None:
        super().__init__()
        self.eot_id = cfg.eot_id
        self.token = nn.Embedding(cfg.vocab, cfg.text_width)
        self.position = nn.Parameter(0.01 * torch.randn(cfg.context, cfg.text_width))
        nn.init.normal_(self.token.weight, std=0.02)
        self.blocks = nn.ModuleList(TextBlock(cfg.text_width, cfg.text_heads) for _ in range(cfg.text_layers))
        self.ln_final = nn.LayerNorm(cfg.text_width)

    def forward(self, tokens: Tensor) -> Tensor:
        """tokens (n, L), each with exactly one [EOS]; causal, so the padding after it is never seen."""
        x = self.token(tokens) + self.position[: tokens.size(1)]
        mask = causal_mask(tokens.size(1), tokens.device)
        for block in self.blocks:
            x = block(x, mask)
        eot = (tokens == self.eot_id).int().argmax(dim=1)
        return self.ln_final(x[torch.arange(len(tokens), device=tokens.device), eot])


class CLIP(nn.Module):
    def __init__(self, cfg: CLIPConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.image_encoder, self.text_encoder = ImageEncoder(cfg), TextEncoder(cfg)
        # W_i, W_t: linear maps to the joint space, no bias (Fig. 3)
        self.image_projection = nn.Parameter(torch.randn(cfg.channels[1], cfg.embed_dim) / cfg.channels[1] ** 0.5)
        self.text_projection = nn.Parameter(torch.randn(cfg.text_width, cfg.embed_dim) / cfg.text_width ** 0.5)
        self.logit_scale = nn.Parameter(torch.tensor(INIT_LOGIT_SCALE))  # t

    def encode_image(self, images: Tensor) -> Tensor:
        """I_e = l2_normalize(I_f W_i)."""
        return F.normalize(self.image_encoder(images) @ self.image_projection, dim=-1)

    def encode_text(self, tokens: Tensor) -> Tensor:
        """T_e = l2_normalize(T_f W_t)."""
        return F.normalize(self.text_encoder(tokens) @ self.text_projection, dim=-1)

    def temperature_scale(self) -> Tensor:
        return clipped_scale(self.logit_scale)

    def forward(self, images: Tensor, tokens: Tensor) -> Tensor:
        """The (n, n) logits: row i scores image i against every caption of the batch."""
        return similarity_logits(self.encode_image(images), self.encode_text(tokens), self.logit_scale)


def clipped_scale(logit_scale: Tensor) -> Tensor:
    """exp(t), clipped at 100 so the logits are never scaled by more (Sec. 2.5)."""
    return logit_scale.clamp(max=MAX_LOGIT_SCALE).exp()


def similarity_logits(image_embeddings: Tensor, text_embeddings: Tensor, logit_scale: Tensor) -> Tensor:
    """logits = exp(t) * I_e T_e^T: scaled cosine similarities of unit-norm embeddings."""
    return clipped_scale(logit_scale) * image_embeddings @ text_embeddings.T


def contrastive_losses(logits: Tensor) -> tuple[Tensor, Tensor]:
    """(image -> text, text -> image): CE over each row, where image i must pick caption i among the
    batch's, and CE over each column, where caption j must pick image j. Each is a mean over the batch."""
    labels = torch.arange(len(logits), device=logits.device)
    return F.cross_entropy(logits, labels), F.cross_entropy(logits.T, labels)


def symmetric_contrastive_loss(logits: Tensor) -> Tensor:
    """The symmetric InfoNCE loss of Fig. 3: the mean of the two directions."""
    image_to_text, text_to_image = contrastive_losses(logits)
    return (image_to_text + text_to_image) / 2


@torch.no_grad()
def class_embeddings(model: CLIP, prompts: Tensor) -> Tensor:
    """(classes, templates, L) prompt tokens -> (classes, d_e) zero-shot weights.

    Prompt ensembling (Sec. 3.1.4): the normalised embeddings of a class's captions are averaged
    and the mean renormalised.
    """
    k, m, length = prompts.shape
    embedded = model.encode_text(prompts.reshape(k * m, length)).view(k, m, -1)
    return F.normalize(embedded.mean(dim=1), dim=-1)


def zero_shot_predict(image_embeddings: Tensor, class_weights: Tensor) -> Tensor:
    """The class whose prompt embedding has the highest cosine similarity with each image embedding."""
    return (image_embeddings @ class_weights.T).argmax(dim=1)
