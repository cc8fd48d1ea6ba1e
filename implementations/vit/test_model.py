"""The ViT's input side in float64: the patch embedding as a strided convolution, the class token, and
the position embeddings as the only thing that tells the model where a patch was."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from .model import ViT, ViTConfig, patchify

F64 = torch.float64
CFG = ViTConfig(image_size=6, channels=2, patch=2, dim=8, depth=2, heads=2, mlp_dim=12, classes=5)


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def _vit(seed: int = 0) -> ViT:
    torch.manual_seed(seed)
    vit = ViT(CFG)
    with torch.no_grad():  # a non-zero class token and visible position embeddings, so their use is checked
        vit.cls.normal_()
        vit.pos.normal_()
    return vit.eval()


def _shuffle_patches(x: torch.Tensor, p: int, order: torch.Tensor) -> torch.Tensor:
    """The image rebuilt with its P x P blocks moved: block k of the result is block order[k] of x."""
    b, c, h, w = x.shape
    rows, cols = h // p, w // p
    blocks = [x[:, :, (k // cols) * p:(k // cols + 1) * p, (k % cols) * p:(k % cols + 1) * p] for k in range(rows * cols)]
    moved = [blocks[j] for j in order.tolist()]
    return torch.cat([torch.cat(moved[r * cols:(r + 1) * cols], dim=3) for r in range(rows)], dim=2)


def test_patch_embedding_equals_a_strided_convolution():
    vit = _vit()
    x = torch.randn(3, CFG.channels, CFG.image_size, CFG.image_size)
    conv = nn.Conv2d(CFG.channels, CFG.dim, kernel_size=CFG.patch, stride=CFG.patch)
    with torch.no_grad():  # E (P^2 C x D, stored as D x P^2 C) reshaped to a (D, C, P, P) kernel
        conv.weight.copy_(vit.embed.weight.reshape(CFG.dim, CFG.channels, CFG.patch, CFG.patch))
        conv.bias.copy_(vit.embed.bias)
    expected = conv(x).flatten(2).transpose(1, 2)  # (B, D, 3, 3) -> (B, N = 9, D), row-major patches
    assert_close(vit.embed(patchify(x, CFG.patch)), expected)


def test_patchify_by_hand():
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    assert patchify(x, 2).tolist() == [[[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]]]


def test_the_class_token_is_prepended_at_index_0_and_position_embeddings_added_per_position():
    vit = _vit()
    x = torch.randn(4, CFG.channels, CFG.image_size, CFG.image_size)
    z0 = vit.tokens(x)
    assert z0.shape == (4, CFG.patches + 1, CFG.dim)
    for i in range(4):  # index 0 is x_class + E_pos[0], the same for every image
        assert_close(z0[i, 0], vit.cls[0, 0] + vit.pos[0, 0])
    for k in range(CFG.patches):  # token k + 1 is patch k projected, plus its own E_pos[k + 1]
        assert_close(z0[:, k + 1], vit.embed(patchify(x, CFG.patch)[:, k]) + vit.pos[0, k + 1])


def test_the_output_is_read_from_the_class_token():
    vit = _vit()
    x = torch.randn(4, CFG.channels, CFG.image_size, CFG.image_size)
    assert_close(vit(x), vit.head(vit.encode(x)[:, 0]))
    assert not torch.allclose(vit(x), vit.head(vit.encode(x)[:, 1]))


def test_patch_order_reaches_the_output_only_through_the_position_embeddings():
    vit = _vit()
    x = torch.randn(3, CFG.channels, CFG.image_size, CFG.image_size)
    order = torch.randperm(CFG.patches, generator=torch.Generator().manual_seed(1))
    shuffled = _shuffle_patches(x, CFG.patch, order)
    assert_close(patchify(shuffled, CFG.patch), patchify(x, CFG.patch)[:, order])  # the helper moves whole patches
    assert not torch.allclose(vit(shuffled), vit(x), atol=1e-3)  # with E_pos the order matters
    with torch.no_grad():
        vit.pos.zero_()
    assert_close(vit(shuffled), vit(x))  # without it the encoder is permutation-equivariant, x_class invariant
    assert not torch.allclose(vit.encode(shuffled)[:, 1:], vit.encode(x)[:, 1:], atol=1e-3)  # patch tokens do move


def test_position_embeddings_are_learned_and_one_per_token():
    vit = ViT(CFG)
    names = dict(vit.named_parameters())
    assert names["pos"].shape == (1, CFG.patches + 1, CFG.dim) and names["cls"].shape == (1, 1, CFG.dim)
    x = torch.randn(2, CFG.channels, CFG.image_size, CFG.image_size)
    vit(x).sum().backward()
    assert vit.pos.grad.abs().min() > 0 and vit.cls.grad.abs().min() > 0
