"""The conditional nets against a written-out concat-then-MLP, the conditional game against a
written-out Algorithm 1 with copied weights (float64), the labelled data and the request check."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations._common.ring import mode_centres
from implementations.conditional_gan.demo import follows_request, labelled_ring
from implementations.conditional_gan.model import ConditionalDiscriminator, ConditionalGenerator
from implementations.conditional_gan.train import train
from implementations.gan.train import Schedule

D64 = torch.float64


def _written_out(net: nn.Module, inputs: torch.Tensor, label: torch.Tensor, classes: int) -> torch.Tensor:
    one_hot = torch.zeros(len(label), classes, dtype=D64)
    one_hot[torch.arange(len(label)), label] = 1.0
    h = torch.cat([inputs, one_hot], dim=1)          # input first, then the label's one-hot
    lin = [m for m in net.modules() if isinstance(m, nn.Linear)]
    for k, layer in enumerate(lin):
        h = F.linear(h, layer.weight, layer.bias)
        h = torch.relu(h) if k < len(lin) - 1 else h
    return h


def test_conditional_nets_equal_concat_then_mlp_with_their_weights() -> None:
    torch.manual_seed(0)
    G, D = ConditionalGenerator(5, noise_dim=3, hidden=7).to(D64), ConditionalDiscriminator(5, hidden=6).to(D64)
    z, x, y = torch.randn(6, 3, dtype=D64), torch.randn(6, 2, dtype=D64), torch.tensor([0, 4, 2, 2, 1, 3])
    assert_close(G(z, y), _written_out(G, z, y, 5))
    assert_close(D(x, y), _written_out(D, x, y, 5).squeeze(-1))
    other = (y + 1) % 5
    assert not torch.allclose(G(z, y), G(z, other)) and not torch.allclose(D(x, y), D(x, other))


def _reference(G, D, sample_real, steps: int, s: Schedule, gen: torch.Generator) -> None:
    """The conditional game written out with torch.optim.SGD and log σ spelled out."""
    opt_d = torch.optim.SGD(D.parameters(), lr=s.lr_d, momentum=s.momentum)
    opt_g = torch.optim.SGD(G.parameters(), lr=s.lr_g, momentum=s.momentum)

    def fake_batch():
        z = torch.randn(s.batch, G.noise_dim, generator=gen, dtype=D64)
        return z, torch.randint(0, G.classes, (s.batch,), generator=gen)

    for _ in range(steps):
        for _ in range(s.k):
            x, y = sample_real(s.batch)
            z, y_fake = fake_batch()
            with torch.no_grad():
                fake = G(z, y_fake)
            loss = -(torch.log(torch.sigmoid(D(x, y))).mean() + torch.log(1 - torch.sigmoid(D(fake, y_fake))).mean())
            opt_d.zero_grad()
            loss.backward()
            opt_d.step()
        z, y_fake = fake_batch()
        loss = -torch.log(torch.sigmoid(D(G(z, y_fake), y_fake))).mean()
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()


def test_training_equals_the_conditional_game_written_out() -> None:
    torch.manual_seed(1)
    G, D = ConditionalGenerator(3, hidden=5).to(D64), ConditionalDiscriminator(3, hidden=5).to(D64)
    G_ref, D_ref = copy.deepcopy(G), copy.deepcopy(D)
    s = Schedule(batch=7, lr_d=0.3, lr_g=0.2, momentum=0.5, k=2)

    def real_from(gen: torch.Generator):
        def sample(n: int):
            y = torch.randint(0, 3, (n,), generator=gen)
            return mode_centres(3)[y] + 0.1 * torch.randn(n, 2, generator=gen, dtype=D64), y
        return sample

    gen, gen_ref = torch.Generator().manual_seed(2), torch.Generator().manual_seed(2)
    losses = []
    train(G, D, real_from(gen), 3, s, gen, lambda step, loss: losses.append(loss))
    _reference(G_ref, D_ref, real_from(gen_ref), 3, s, gen_ref)
    assert_close(list(G.parameters()), list(G_ref.parameters()))
    assert_close(list(D.parameters()), list(D_ref.parameters()))
    assert len(losses) == 3


def test_each_labelled_sample_comes_from_its_labels_mode() -> None:
    x, y = labelled_ring(4000, torch.Generator().manual_seed(3))
    assert_close(torch.bincount(y, minlength=8).double() / 4000, torch.full((8,), 1 / 8, dtype=D64), atol=0.02, rtol=0)
    dist = torch.cdist(x.double(), mode_centres())
    assert torch.equal(dist.argmin(dim=1), y)                 # modes 1.53 apart, std 0.1: no sample crosses over
    assert (dist[torch.arange(4000), y] < 0.5).all()


def test_follows_request_needs_the_right_mode_and_closeness() -> None:
    c = mode_centres().float()
    samples = torch.stack([c[2], c[2] + torch.tensor([0.25, 0.0]), c[2] + torch.tensor([0.35, 0.0]), c[5], torch.zeros(2)])
    requested = torch.tensor([2, 2, 2, 2, 2])
    assert follows_request(samples, requested).tolist() == [True, True, False, False, False]
    assert follows_request(c, torch.arange(8)).all()


def test_the_unconditional_rate_is_the_share_near_each_mode() -> None:
    """A sampler that ignores the request: its mean rate over labels is the share near any mode / 8."""
    from implementations.conditional_gan.demo import per_class_rate

    ring = mode_centres().float()
    rate = per_class_rate(lambda z, y: ring[torch.arange(len(z)) % 4], torch.Generator().manual_seed(4), torch.device("cpu"))
    assert_close(rate, torch.tensor([0.25] * 4 + [0.0] * 4, dtype=D64))
    assert rate.mean().item() == pytest.approx(1 / 8)
