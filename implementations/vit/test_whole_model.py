"""The assembled models against stock PyTorch with copied weights, float64: the ViT encoder against
nn.TransformerEncoder (pre-LN, GELU) plus a final LayerNorm, outputs and gradients; the CNN baseline
against an nn.Sequential of the same layers."""

from __future__ import annotations

import torch
from torch import nn
from torch.testing import assert_close

from implementations._common.reference import load_encoder_layer

from .model import SmallCNN, ViT, ViTConfig

F64 = torch.float64
CFG = ViTConfig(image_size=8, channels=1, patch=2, dim=12, depth=3, heads=3, mlp_dim=20, classes=10)


def _vit() -> ViT:
    torch.manual_seed(0)
    vit = ViT(CFG).to(F64)
    with torch.no_grad():  # LayerNorm gains and biases away from 1 and 0, so their use is checked
        for name, p in vit.named_parameters():
            if "norm" in name:
                p.add_(0.5 * torch.randn_like(p))
    return vit


def _reference(vit: ViT) -> nn.TransformerEncoder:
    layer = nn.TransformerEncoderLayer(CFG.dim, CFG.heads, CFG.mlp_dim, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True, dtype=F64)
    ref = nn.TransformerEncoder(layer, CFG.depth, norm=nn.LayerNorm(CFG.dim, dtype=F64), enable_nested_tensor=False)
    with torch.no_grad():
        for r, m in zip(ref.layers, vit.blocks, strict=True):
            load_encoder_layer(r, m.attn, m.fc1, m.fc2, m.norm1, m.norm2)
        ref.norm.load_state_dict(vit.norm.state_dict())
    return ref


def test_the_encoder_equals_torch_pre_ln_transformer_encoder_outputs_and_gradients():
    vit = _vit()
    ref = _reference(vit)
    x = torch.randn(4, 1, 8, 8, dtype=F64)
    z0 = vit.tokens(x)
    ours, theirs = vit.encode(x), ref(z0.detach().clone())
    assert_close(ours, theirs)
    weights = torch.randn_like(ours)
    (ours * weights).sum().backward()
    (theirs * weights).sum().backward()
    for r, m in zip(ref.layers, vit.blocks):
        assert_close(m.attn.in_proj.weight.grad, r.self_attn.in_proj_weight.grad)
        assert_close(m.attn.out_proj.weight.grad, r.self_attn.out_proj.weight.grad)
        assert_close(m.fc1.weight.grad, r.linear1.weight.grad)
        assert_close(m.norm2.weight.grad, r.norm2.weight.grad)
    assert_close(vit.norm.weight.grad, ref.norm.weight.grad)
    logits = vit(x)  # the head reads LN(z_L^0), the class token after the final LayerNorm (eq. 4)
    assert_close(logits, vit.head(ref(vit.tokens(x))[:, 0]))


def test_the_cnn_baseline_equals_a_stock_layer_stack():
    torch.manual_seed(0)
    cnn = SmallCNN(width=8).to(F64)
    convs = [nn.Conv2d(a, b, 3, padding=1, dtype=F64) for a, b in [(1, 4), (4, 8), (8, 8), (8, 8)]]
    head = nn.Linear(8, 10, dtype=F64)
    for ref, ours in zip([*convs, head], [*cnn.convs, cnn.head], strict=True):
        ref.load_state_dict(ours.state_dict())
    stack = nn.Sequential(convs[0], nn.ReLU(), convs[1], nn.ReLU(), nn.MaxPool2d(2), convs[2], nn.ReLU(),
                          convs[3], nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), head)
    x = torch.randn(5, 1, 8, 8, dtype=F64)
    assert_close(cnn(x), stack(x))
