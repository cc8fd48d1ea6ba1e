"""Exact 1-D W1 and the critic's estimate of it; clipping; the vanishing JS gradient against the
critic's by hand; Algorithm 1 against a written-out reference with copied weights (float64)."""

from __future__ import annotations

import copy
import math

import pytest
import torch
import torch.nn.functional as F
from scipy.stats import wasserstein_distance
from torch import nn
from torch.testing import assert_close

from implementations.wgan.critic import clip_weights_, critic_loss, exact_w1_1d, generator_loss, w1_estimate
from implementations.wgan.demo import mixture, position_gradient
from implementations.wgan.model import Critic
from implementations.wgan.train import Schedule, Shift, train_wgan

D64 = torch.float64


def test_exact_w1_by_hand_and_against_scipy() -> None:
    x, y = torch.tensor([3.0, 0.0, 1.0], dtype=D64), torch.tensor([2.0, 0.0, 1.0], dtype=D64)
    assert exact_w1_1d(x, y).item() == pytest.approx(1 / 3)          # sorted: (0,1,3) against (0,1,2)
    assert exact_w1_1d(x, x + 2.5).item() == pytest.approx(2.5)       # a shift moves every sample by 2.5
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(500, 1, generator=g, dtype=D64), 2 * torch.rand(500, 1, generator=g, dtype=D64) + 1
    assert exact_w1_1d(a, b).item() == pytest.approx(wasserstein_distance(a.ravel().numpy(), b.ravel().numpy()))
    with pytest.raises(ValueError):
        exact_w1_1d(a, b[:10])


def _lipschitz_on(f_values: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """In 1-D the Lipschitz constant of f on a finite set is its largest slope between sorted neighbours."""
    order = points.reshape(-1).argsort()
    p, v = points.reshape(-1)[order], f_values.reshape(-1)[order]
    return ((v[1:] - v[:-1]).abs() / (p[1:] - p[:-1])).max()


def _fit_critic(real: torch.Tensor, fake: torch.Tensor, steps: int, clip: float) -> Critic:
    torch.manual_seed(1)
    critic = Critic(1, hidden=32).to(D64)
    clip_weights_(critic, clip)
    opt = torch.optim.RMSprop(critic.parameters(), lr=3e-3)
    for _ in range(steps):
        opt.zero_grad()
        critic_loss(critic(real), critic(fake)).backward()
        opt.step()
        clip_weights_(critic, clip)
    return critic


def test_a_trained_critic_estimates_w1_up_to_its_lipschitz_constant() -> None:
    """Kantorovich-Rubinstein: E_r f − E_g f ≤ Lip(f)·W1 for any f, with equality at the supremum.

    Real N(0, 1) against the same samples shifted by 3 (W1 = 3), where the best critic is linear. A
    clipped critic gets only part of the way: with its biases clipped too, its ReLU kinks sit within
    ±1 of the origin, so it cannot keep one slope over the data (measured: 0.56 of Lip·W1, at 300 or
    1000 steps, clip 0.1 or 0.5); untrained, 0.35.
    """
    g = torch.Generator().manual_seed(2)
    real = torch.randn(100, 1, generator=g, dtype=D64)
    fake = real + 3.0
    w1 = exact_w1_1d(real, fake)
    both = torch.cat([real, fake])
    ratios = []
    for steps in (0, 200):
        critic = _fit_critic(real, fake, steps, clip=0.1)
        with torch.no_grad():
            estimate = w1_estimate(critic(real), critic(fake))
            lip = _lipschitz_on(critic(both), both)
        assert estimate.abs() <= lip * w1 + 1e-12
        ratios.append((estimate / (lip * w1)).item())
    assert ratios[1] > 0.5 and ratios[1] > ratios[0] + 0.1


def test_the_duality_bound_holds_for_an_untrained_critic_on_unshifted_data() -> None:
    g = torch.Generator().manual_seed(3)
    real, fake = mixture(300, g).to(D64), 0.5 * torch.randn(300, 1, generator=g, dtype=D64)
    torch.manual_seed(4)
    critic = Critic(1, hidden=16).to(D64)
    with torch.no_grad():
        both = torch.cat([real, fake])
        assert w1_estimate(critic(real), critic(fake)).abs() <= _lipschitz_on(critic(both), both) * exact_w1_1d(real, fake)


def test_clipping_bounds_every_parameter_and_leaves_small_ones_alone() -> None:
    torch.manual_seed(5)
    critic = Critic(1, hidden=8).to(D64)
    before = [p.detach().clone() for p in critic.parameters()]
    clip_weights_(critic, 0.1)
    for p, b in zip(critic.parameters(), before):
        assert p.abs().max() <= 0.1
        inside = b.abs() <= 0.1
        assert torch.equal(p[inside], b[inside]) and torch.equal(p[~inside], 0.1 * b[~inside].sign())
    assert any((b.abs() > 0.1).any() for b in before)     # the clip did something, biases included
    assert critic.net[-1].bias.abs().item() <= 0.1


def test_losses_by_hand() -> None:
    f_real, f_fake = torch.tensor([1.0, 3.0], dtype=D64), torch.tensor([-1.0, 0.5, 2.0], dtype=D64)
    assert w1_estimate(f_real, f_fake).item() == pytest.approx(2.0 - 0.5)
    assert critic_loss(f_real, f_fake).item() == pytest.approx(-1.5)
    assert generator_loss(f_fake).item() == pytest.approx(-0.5)


def test_fig_2_by_hand_the_js_gradient_vanishes_with_distance_the_critic_gradient_does_not() -> None:
    """A linear critic f(x) = a·x and a perfect logistic discriminator l(x) = w·(m − x) (real at 0,
    fakes at θ): ∂/∂θ of −E f(θ + s·z) is −a at any distance; of E log(1 − D(θ + s·z)) it is ~ w·e^{−w(θ−m)}."""
    z = torch.randn(1000, 1, generator=torch.Generator().manual_seed(6), dtype=D64)
    a, w, m = 0.7, 5.0, 1.0
    for theta in (2.0, 4.0, 8.0):
        G = Shift(theta, 0.3).to(D64)
        (g_w,) = torch.autograd.grad(generator_loss(a * G(z).squeeze(-1)), G.theta)
        assert g_w.item() == pytest.approx(-a)
        minimax = -F.softplus(w * (m - G(z).squeeze(-1))).mean()         # log(1 − σ(l))
        (g_js,) = torch.autograd.grad(minimax, G.theta)
        assert 0 < g_js.item() < w * math.exp(-w * (theta - m - 1.5))   # every sample lies within 5 std of θ
    assert abs(g_js.item()) < 1e-12                                      # θ = 8: vanished


def test_position_gradient_reads_each_generator_loss_slope() -> None:
    linear = nn.Linear(1, 1).to(D64)
    with torch.no_grad():
        linear.weight.fill_(2.0)
        linear.bias.fill_(1.0)
    judge = lambda x: linear(x).squeeze(-1)                              # noqa: E731
    x = torch.tensor([[-3.0], [0.0], [4.0]], dtype=D64)
    assert_close(position_gradient(judge, x, js=False), torch.full((3,), 2.0, dtype=D64))
    assert_close(position_gradient(judge, x, js=True), 2.0 * torch.sigmoid(2.0 * x.ravel() + 1.0))


def test_critic_is_the_gan_mlp_without_a_squashing_output() -> None:
    torch.manual_seed(7)
    critic = Critic(1, hidden=6).to(D64)
    x = torch.linspace(-4, 4, 9, dtype=D64).unsqueeze(1)
    lin = [m for m in critic.modules() if isinstance(m, nn.Linear)]
    ref = F.linear(torch.relu(F.linear(torch.relu(F.linear(x, lin[0].weight, lin[0].bias)), lin[1].weight, lin[1].bias)),
                   lin[2].weight, lin[2].bias).squeeze(-1)
    assert_close(critic(x), ref)
    assert len(lin) == 3 and lin[1].weight.shape == (6, 6)


def test_mixture_has_two_equal_modes_at_plus_and_minus_two() -> None:
    x = mixture(4000, torch.Generator().manual_seed(8)).ravel()
    right = x > 0
    assert abs(right.double().mean().item() - 0.5) < 0.03
    assert x[right].mean().item() == pytest.approx(2.0, abs=0.03) and x[~right].std().item() == pytest.approx(0.3, abs=0.02)


def _reference(G, critic, sample_real, iterations: int, s: Schedule, gen: torch.Generator, js: bool) -> None:
    """Algorithm 1 written out with torch.optim.RMSprop, explicit clamps and losses."""
    opt_c, opt_g = torch.optim.RMSprop(critic.parameters(), lr=s.lr), torch.optim.RMSprop(G.parameters(), lr=s.lr)
    if not js:
        with torch.no_grad():
            for p in critic.parameters():
                p.copy_(p.clamp(-s.clip, s.clip))
    for i in range(1, iterations + 1):
        for _ in range(s.n_critic_early if i <= s.early_iterations else s.n_critic):
            real = sample_real(s.batch)
            with torch.no_grad():
                fake = G(torch.randn(s.batch, 1, generator=gen, dtype=D64))
            fr, ff = critic(real), critic(fake)
            if js:
                loss = -(torch.log(torch.sigmoid(fr)).mean() + torch.log(1 - torch.sigmoid(ff)).mean())
            else:
                loss = ff.mean() - fr.mean()
            opt_c.zero_grad()
            loss.backward()
            opt_c.step()
            if not js:
                with torch.no_grad():
                    for p in critic.parameters():
                        p.copy_(p.clamp(-s.clip, s.clip))
        out = critic(G(torch.randn(s.batch, 1, generator=gen, dtype=D64)))
        loss = -torch.log(torch.sigmoid(out)).mean() if js else -out.mean()
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()


@pytest.mark.parametrize("js", [False, True])
def test_training_equals_algorithm_1_written_out(js: bool) -> None:
    from implementations.gan.model import Generator

    torch.manual_seed(9)
    G, critic = Generator(noise_dim=1, hidden=5, out_dim=1).to(D64), Critic(1, hidden=5).to(D64)
    G_ref, critic_ref = copy.deepcopy(G), copy.deepcopy(critic)
    s = Schedule(batch=6, lr=0.05, clip=0.3, n_critic=2, n_critic_early=3, early_iterations=1)

    def real_from(gen: torch.Generator):
        return lambda n: mixture(n, gen).to(D64)

    gen, gen_ref = torch.Generator().manual_seed(10), torch.Generator().manual_seed(10)
    seen = []
    train_wgan(G, critic, real_from(gen), 3, s, gen, after=lambda i, loss: seen.append(i), js=js)
    _reference(G_ref, critic_ref, real_from(gen_ref), 3, s, gen_ref, js)
    assert_close(list(critic.parameters()), list(critic_ref.parameters()))
    assert_close(list(G.parameters()), list(G_ref.parameters()))
    assert seen == [0, 1, 2, 3]
    if not js:
        assert max(p.abs().max().item() for p in critic.parameters()) <= 0.3
        assert any((p.abs() == 0.3).any() for p in critic.parameters())       # the clip was active
