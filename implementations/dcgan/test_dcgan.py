"""DCGAN's two nets against written-out functional references with copied weights (float64), the
MLP baseline's size, the training loop against a written-out one, the digit split and the score."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations._common.params import count_parameters
from implementations.dcgan.data import as_images, balanced_confidence, confident_labels, fit_judge, split
from implementations.dcgan.mlp_baseline import MlpDiscriminator, MlpGenerator
from implementations.dcgan.model import ConvDiscriminator, ConvGenerator
from implementations.dcgan.train import BATCH, train

D64 = torch.float64


def _bn(h: torch.Tensor, bn: torch.nn.Module, training: bool) -> torch.Tensor:
    dims = [0] if h.dim() == 2 else [0, 2, 3]
    shape = (1, -1) if h.dim() == 2 else (1, -1, 1, 1)
    if training:
        mean, var = h.mean(dims), h.var(dims, unbiased=False)
    else:
        mean, var = bn.running_mean, bn.running_var
    return (h - mean.view(shape)) / torch.sqrt(var.view(shape) + bn.eps) * bn.weight.view(shape) + bn.bias.view(shape)


def _generator_by_hand(G: ConvGenerator, z: torch.Tensor, training: bool) -> torch.Tensor:
    h = torch.relu(_bn(z @ G.project.weight.T, G.bn0, training)).view(-1, G.width, 2, 2)
    h = torch.relu(_bn(F.conv_transpose2d(h, G.up1.weight, stride=2, padding=1), G.bn1, training))
    return torch.tanh(F.conv_transpose2d(h, G.up2.weight, G.up2.bias, stride=2, padding=1))


def _discriminator_by_hand(D: ConvDiscriminator, x: torch.Tensor) -> torch.Tensor:
    h = F.leaky_relu(F.conv2d(x, D.down1.weight, D.down1.bias, stride=2, padding=1), 0.2)
    h = F.leaky_relu(_bn(F.conv2d(h, D.down2.weight, stride=2, padding=1), D.bn2, True), 0.2)
    return h.flatten(1) @ D.logit.weight.T.squeeze(-1) + D.logit.bias


def _randomise_bn(net: torch.nn.Module) -> None:
    for m in net.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def test_generator_equals_the_written_out_layers_in_training_and_eval_mode() -> None:
    torch.manual_seed(0)
    G = ConvGenerator().to(D64)
    _randomise_bn(G)
    z = torch.randn(5, 16, dtype=D64)
    out = G.train()(z)
    assert out.shape == (5, 1, 8, 8) and out.abs().max() < 1
    assert_close(out, _generator_by_hand(G, z, training=True))
    assert_close(G.eval()(z), _generator_by_hand(G, z, training=False))    # running statistics, one step in


def test_discriminator_equals_the_written_out_layers() -> None:
    torch.manual_seed(1)
    D = ConvDiscriminator().to(D64).train()
    _randomise_bn(D)
    x = torch.randn(6, 1, 8, 8, dtype=D64)
    assert_close(D(x), _discriminator_by_hand(D, x))
    assert D(x).shape == (6,)


def test_the_conv_nets_have_no_pooling_and_norm_where_the_paper_puts_it() -> None:
    G, D = ConvGenerator(), ConvDiscriminator()
    assert [type(m).__name__ for m in G.modules() if "Norm" in type(m).__name__] == ["BatchNorm1d", "BatchNorm2d"]
    assert G.up2.bias is not None and D.down1.bias is not None        # no BN after G's output, before D's first layer
    assert [m.stride for m in D.modules() if isinstance(m, torch.nn.Conv2d)] == [(2, 2), (2, 2)]
    assert not any("Pool" in type(m).__name__ for m in [*G.modules(), *D.modules()])


def test_the_mlp_baseline_is_within_5_percent_of_the_dcgan_sizes() -> None:
    for ours, theirs in ((MlpGenerator(), ConvGenerator()), (MlpDiscriminator(), ConvDiscriminator())):
        assert abs(count_parameters(ours) / count_parameters(theirs) - 1) < 0.05
    assert MlpGenerator()(torch.randn(3, 16)).shape == (3, 1, 8, 8)


def test_training_equals_the_loop_written_out() -> None:
    torch.manual_seed(2)
    G, D = ConvGenerator(width=8).to(D64), ConvDiscriminator(width=8).to(D64)
    G_ref, D_ref = copy.deepcopy(G), copy.deepcopy(D)
    images = torch.rand(40, 1, 8, 8, dtype=D64) * 2 - 1
    train(G, D, images, 2, 0.01, torch.Generator().manual_seed(3))
    gen = torch.Generator().manual_seed(3)
    opt_d = torch.optim.Adam(D_ref.parameters(), lr=0.01, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(G_ref.parameters(), lr=0.01, betas=(0.5, 0.999))
    for _ in range(2):
        real = images[torch.randint(0, 40, (BATCH,), generator=gen)]
        fake = G_ref(torch.randn(BATCH, 16, generator=gen, dtype=D64))
        d_loss = -(torch.log(torch.sigmoid(D_ref(real))).mean() + torch.log(1 - torch.sigmoid(D_ref(fake.detach()))).mean())
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = -torch.log(torch.sigmoid(D_ref(fake))).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
    assert_close(list(G.parameters()), list(G_ref.parameters()))
    assert_close(list(D.parameters()), list(D_ref.parameters()))
    assert_close(list(G.buffers()), list(G_ref.buffers()))


def test_the_split_is_disjoint_and_the_judge_learns_from_training_digits_only() -> None:
    (x_train, y_train), (x_held, y_held) = split(0)
    assert len(x_train) == 1400 and len(x_held) == 397 and x_train.max() == 1.0 and x_train.min() == 0.0
    rows = {r.tobytes() for r in x_train}
    assert sum(r.tobytes() in rows for r in x_held) <= 5         # the 8x8 set has a few exact duplicates
    assert set(y_train) == set(range(10))
    judge = fit_judge((x_train, y_train))
    assert judge.score(x_held, y_held) > 0.95
    assert np.array_equal(judge.coef_, fit_judge((x_train, y_train)).coef_)
    images = as_images(x_held[:200])
    assert images.shape == (200, 1, 8, 8) and images.min() == -1 and images.max() == 1
    # the judge sees the pixels back in [0, 1]: its labels and confidences on real digits are its own
    proba = judge.predict_proba(x_held[:200])
    expected = np.where(proba.max(1) >= 0.99, proba.argmax(1), -1)
    assert (confident_labels(judge, images, 0.99) == expected).all() and 0 < (expected >= 0).mean() < 1


def test_balanced_confidence_by_hand() -> None:
    labels = np.array([0] * 50 + [1] * 10 + [2] * 1 + [-1] * 39)      # 100 samples
    score, classes = balanced_confidence(labels)
    assert score == pytest.approx(0.1 + 0.1 + 0.01) and classes == 2
    assert balanced_confidence(np.arange(10).repeat(10)) == (pytest.approx(1.0), 10)
