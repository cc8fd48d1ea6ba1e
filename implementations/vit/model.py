"""The Vision Transformer (Dosovitskiy et al. 2020, Sec. 3.1) and the same-size CNN it is matched against.

An image x of H x W x C is cut into N = HW / P^2 non-overlapping P x P patches,
each flattened to P^2 C numbers and projected by one matrix E to D dimensions.
A learnable [class] token is prepended and learned 1-D position embeddings
E_pos are added (eq. 1):

    z_0 = [x_class; x_p^1 E; ...; x_p^N E] + E_pos
    z'_l = MSA(LN(z_{l-1})) + z_{l-1}                       (eq. 2)
    z_l  = MLP(LN(z'_l)) + z'_l                             (eq. 3)
    y    = LN(z_L^0)                                        (eq. 4)

with a two-layer GELU MLP, and a linear head on y. The only image-specific
prior is the patch cut and the position embeddings; everything about which
pixels are near which must be learned, which is why ViT needs more data than a
CNN (Sec. 3.1, "Inductive bias").
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from implementations._common.attention import MultiHeadAttention


@dataclass(frozen=True)
class ViTConfig:
    image_size: int = 8
    channels: int = 1
    patch: int = 2  # P
    dim: int = 32  # D
    depth: int = 2  # L
    heads: int = 4
    mlp_dim: int = 64
    classes: int = 10

    @property
    def patches(self) -> int:  # N = HW / P^2
        return (self.image_size // self.patch) ** 2


def patchify(x: Tensor, p: int) -> Tensor:
    """(B, C, H, W) -> (B, N, P^2 C): patches in row-major order, each flattened as (C, P, P).

    That flattening order is the one of a Conv2d weight (D, C, P, P), so
    x_p E equals a P-strided P x P convolution with E reshaped (tested).
    """
    b, c, h, w = x.shape
    x = x.reshape(b, c, h // p, p, w // p, p).permute(0, 2, 4, 1, 3, 5)
    return x.reshape(b, (h // p) * (w // p), c * p * p)


class EncoderBlock(nn.Module):
    """One pre-LN Transformer block: eq. 2 then eq. 3."""

    def __init__(self, dim: int, heads: int, mlp_dim: int) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = MultiHeadAttention(dim, heads)
        self.fc1, self.fc2 = nn.Linear(dim, mlp_dim), nn.Linear(mlp_dim, dim)

    def forward(self, z: Tensor) -> Tensor:
        z = self.attn(self.norm1(z)) + z                      # z' = MSA(LN(z)) + z
        return self.fc2(F.gelu(self.fc1(self.norm2(z)))) + z  # z = MLP(LN(z')) + z'


class ViT(nn.Module):
    def __init__(self, cfg: ViTConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Linear(cfg.patch ** 2 * cfg.channels, cfg.dim)  # E (with a bias, as a strided conv has)
        self.cls = nn.Parameter(torch.zeros(1, 1, cfg.dim))  # x_class
        self.pos = nn.Parameter(0.02 * torch.randn(1, cfg.patches + 1, cfg.dim))  # E_pos, 1-D learned
        self.blocks = nn.ModuleList(EncoderBlock(cfg.dim, cfg.heads, cfg.mlp_dim) for _ in range(cfg.depth))
        self.norm = nn.LayerNorm(cfg.dim)
        self.head = nn.Linear(cfg.dim, cfg.classes)

    def tokens(self, x: Tensor) -> Tensor:
        """z_0 (eq. 1): the class token at index 0, then the N projected patches, plus E_pos."""
        patches = self.embed(patchify(x, self.cfg.patch))
        return torch.cat([self.cls.expand(len(x), -1, -1), patches], dim=1) + self.pos

    def encode(self, x: Tensor) -> Tensor:
        """LN(z_L) for every token (eq. 2-4); index 0 is the image representation y."""
        z = self.tokens(x)
        for block in self.blocks:
            z = block(z)
        return self.norm(z)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.encode(x)[:, 0])


class SmallCNN(nn.Module):
    """The baseline: 3x3 convolutions, ReLU, one 2x2 max-pool, global average pooling, a linear head.

    Locality and translation equivariance are built in, the priors ViT lacks.
    ``width`` sets its size to match a ViT's parameter count.
    """

    def __init__(self, width: int = 32, channels: int = 1, classes: int = 10) -> None:
        super().__init__()
        w = width
        self.convs = nn.ModuleList([nn.Conv2d(channels, w // 2, 3, padding=1), nn.Conv2d(w // 2, w, 3, padding=1),
                                    nn.Conv2d(w, w, 3, padding=1), nn.Conv2d(w, w, 3, padding=1)])
        self.head = nn.Linear(w, classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.convs[0](x))
        x = F.max_pool2d(F.relu(self.convs[1](x)), 2)  # 8x8 -> 4x4
        x = F.relu(self.convs[2](x))
        x = F.relu(self.convs[3](x))
        return self.head(x.mean(dim=(2, 3)))
