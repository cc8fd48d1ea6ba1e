"""Copying our modules' weights into PyTorch's own, so a test can run both on the same numbers.

Every Transformer here is checked against ``nn.TransformerEncoderLayer``; this is the one place that
knows how our blocks' parts map onto its attributes.
"""

from __future__ import annotations

import torch
from torch import nn

from .attention import MultiHeadAttention


@torch.no_grad()
def load_attention(ref: nn.MultiheadAttention, ours: MultiHeadAttention) -> None:
    """Our fused [W^Q; W^K; W^V] and W^O into ``nn.MultiheadAttention`` (the same layout)."""
    ref.in_proj_weight.copy_(ours.in_proj.weight)
    ref.in_proj_bias.copy_(ours.in_proj.bias)
    ref.out_proj.load_state_dict(ours.out_proj.state_dict())


@torch.no_grad()
def load_encoder_layer(ref: nn.TransformerEncoderLayer, attn: MultiHeadAttention, ff_in: nn.Linear,
                       ff_out: nn.Linear, norm_attn: nn.LayerNorm, norm_ff: nn.LayerNorm) -> None:
    """A block's attention, feed-forward pair and the LayerNorms around them (norm1 is attention's)."""
    load_attention(ref.self_attn, attn)
    ref.linear1.load_state_dict(ff_in.state_dict())
    ref.linear2.load_state_dict(ff_out.state_dict())
    ref.norm1.load_state_dict(norm_attn.state_dict())
    ref.norm2.load_state_dict(norm_ff.state_dict())
