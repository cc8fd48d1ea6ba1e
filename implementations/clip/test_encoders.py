"""Both encoders against PyTorch's own modules with copied weights (float64), and the EOS read-out."""

from __future__ import annotations

import dataclasses

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations._common.reference import load_attention, load_encoder_layer

from . import data
from .model import CLIP, CLIPConfig

CFG = CLIPConfig(vocab=11, context=7, eot_id=2, channels=(4, 6), image_heads=2, text_width=12, text_heads=3,
                 text_layers=2, embed_dim=5, image_size=8)


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def perturbed(model: nn.Module, seed: int) -> nn.Module:
    """Non-trivial LayerNorm gains and biases, so the copies of those are checked too."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "ln" in name or name.endswith("bias"):
                p.add_(0.3 * torch.randn(p.shape, generator=g))
    return model


def tokens(seed: int) -> torch.Tensor:
    """Three captions of different lengths: <sot> words <eot> <pad>..."""
    g = torch.Generator().manual_seed(seed)
    rows = []
    for length in (3, 5, 7):
        words = torch.randint(3, CFG.vocab, (length - 2,), generator=g).tolist()
        rows.append([1, *words, 2] + [0] * (CFG.context - length))
    return torch.tensor(rows)


def reference_text(model: CLIP) -> tuple[nn.ModuleList, nn.LayerNorm]:
    enc = model.text_encoder
    layers = nn.ModuleList(
        nn.TransformerEncoderLayer(CFG.text_width, CFG.text_heads, 4 * CFG.text_width, dropout=0.0,
                                   activation="gelu", batch_first=True, norm_first=True)
        for _ in enc.blocks)
    with torch.no_grad():
        for ref, blk in zip(layers, enc.blocks):
            load_encoder_layer(ref, blk.attn, blk.up, blk.down, blk.ln_attn, blk.ln_mlp)
    return layers, enc.ln_final


def test_text_encoder_matches_causal_transformer_encoder_layers():
    torch.manual_seed(0)
    model = perturbed(CLIP(CFG), 1)
    layers, ln_final = reference_text(model)
    toks = tokens(2)
    x = model.text_encoder.token(toks) + model.text_encoder.position
    mask = nn.Transformer.generate_square_subsequent_mask(CFG.context, dtype=torch.float64)
    for layer in layers:
        x = layer(x, src_mask=mask, is_causal=True)
    eot = torch.tensor([2, 4, 6])  # where each caption's <eot> sits
    expected = F.normalize(ln_final(x[torch.arange(3), eot]) @ model.text_projection, dim=-1)
    ours = model.encode_text(toks)
    assert_close(ours, expected)
    (g_ours,) = torch.autograd.grad(ours[:, 0].sum(), model.text_encoder.blocks[0].up.weight, retain_graph=True)
    (g_ref,) = torch.autograd.grad(expected[:, 0].sum(), layers[0].linear1.weight)
    assert_close(g_ours, g_ref)


def test_text_features_ignore_everything_after_eot_but_not_before():
    torch.manual_seed(3)
    model = perturbed(CLIP(CFG), 4)
    toks = tokens(5)
    base = model.encode_text(toks)
    after = toks.clone()
    after[0, 3:] = 7  # the first caption ends at 2: garbage after its <eot>
    assert_close(model.encode_text(after)[0], base[0], rtol=0, atol=1e-14)
    before = toks.clone()
    before[1, 2] = (before[1, 2] + 1 - 3) % (CFG.vocab - 3) + 3  # another word inside the second caption
    assert (model.encode_text(before)[1] - base[1]).abs().max() > 1e-3


def test_image_encoder_matches_conv2d_and_multihead_attention_pooling():
    torch.manual_seed(6)
    model = perturbed(CLIP(CFG), 7)
    enc = model.image_encoder
    c1, c2 = CFG.channels
    convs = nn.Sequential(nn.Conv2d(3, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    attn = nn.MultiheadAttention(c2, CFG.image_heads, batch_first=True)
    with torch.no_grad():
        convs[0].load_state_dict(enc.conv1.state_dict())
        convs[3].load_state_dict(enc.conv2.state_dict())
        load_attention(attn, enc.pool.attn)
    images = torch.randn(3, 3, CFG.image_size, CFG.image_size, generator=torch.Generator().manual_seed(8))
    grid = convs(images).flatten(2).transpose(1, 2)  # (n, HW, C)
    cells = torch.cat([grid.mean(1, keepdim=True), grid], dim=1) + enc.pool.position  # mean token first
    pooled, _ = attn(cells[:, :1], cells, cells)  # the mean is the only query
    expected = F.normalize(pooled[:, 0] @ model.image_projection, dim=-1)
    ours = model.encode_image(images)
    assert_close(ours, expected)
    (g_ours,) = torch.autograd.grad(ours[:, 1].sum(), enc.conv1.weight, retain_graph=True)
    (g_ref,) = torch.autograd.grad(expected[:, 1].sum(), convs[0].weight)
    assert_close(g_ours, g_ref)


def test_embeddings_are_unit_norm_and_logits_are_scaled_cosines():
    torch.manual_seed(9)
    model = CLIP(CFG)
    images = torch.randn(3, 3, CFG.image_size, CFG.image_size)
    toks = tokens(10)
    i_e, t_e = model.encode_image(images), model.encode_text(toks)
    assert_close(i_e.norm(dim=-1), torch.ones(3))
    assert_close(t_e.norm(dim=-1), torch.ones(3))
    assert_close(model(images, toks), (1 / 0.07) * F.cosine_similarity(i_e[:, None], t_e[None], dim=-1))


def test_the_demo_model_reads_the_generated_captions():
    cfg = CLIPConfig(vocab=len(data.VOCAB), context=data.CONTEXT, eot_id=data.EOT, image_size=data.SIZE)
    model = CLIP(dataclasses.replace(cfg, channels=(2, 4), text_width=8, text_heads=2, embed_dim=3))
    table = data.caption_table()
    g = torch.Generator().manual_seed(0)
    logits = model(data.render(torch.tensor([0, 5, 63]), g), table[[0, 5, 63], 0])
    assert logits.shape == (3, 3) and torch.isfinite(logits).all()
