"""GAN value function, optimal discriminator and generator gradients by hand; the two MLPs and
Algorithm 1 against written-out references with copied weights (float64)."""

from __future__ import annotations

import copy
import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.gan.losses import (
    LOG4, discriminator_loss, generator_loss, optimal_discriminator, value, value_at_optimal_d,
)
from implementations.gan.model import Discriminator, Generator
from implementations.gan.train import Schedule, train

D64 = torch.float64


def _kl(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    keep = p > 0
    return (p[keep] * (p[keep] / q[keep]).log()).sum()


def test_value_at_the_optimal_discriminator_is_minus_log_4_when_p_g_equals_p_data() -> None:
    p = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=D64)
    assert_close(value_at_optimal_d(p, p), torch.tensor(-math.log(4), dtype=D64))
    assert_close(optimal_discriminator(p, p), torch.full((4,), 0.5, dtype=D64))


@pytest.mark.parametrize("q", [[0.4, 0.3, 0.2, 0.1], [0.0, 0.0, 0.5, 0.5], [0.7, 0.1, 0.1, 0.1]])
def test_value_at_the_optimal_discriminator_is_minus_log_4_plus_twice_the_jsd(q: list[float]) -> None:
    p, q = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=D64), torch.tensor(q, dtype=D64)
    m = (p + q) / 2
    jsd = (_kl(p, m) + _kl(q, m)) / 2                  # Theorem 1, computed from the KL definition
    assert_close(value_at_optimal_d(p, q), -LOG4 + 2 * jsd)
    assert value_at_optimal_d(p, q) > -LOG4


def test_the_sample_value_with_d_star_logits_is_the_exact_value() -> None:
    """p_data = (1/2, 1/4, 1/4), p_g = (1/4, 1/4, 1/2) on {0, 1, 2}, as equally weighted samples."""
    p, q = torch.tensor([0.5, 0.25, 0.25], dtype=D64), torch.tensor([0.25, 0.25, 0.5], dtype=D64)
    d_star = optimal_discriminator(p, q)
    assert_close(d_star, torch.tensor([2 / 3, 1 / 2, 1 / 3], dtype=D64))
    logit = torch.logit(d_star)
    real, fake = logit[torch.tensor([0, 0, 1, 2])], logit[torch.tensor([0, 1, 2, 2])]
    assert_close(value(real, fake), value_at_optimal_d(p, q))
    # D* is the maximiser: moving any logit lowers V
    for k in range(3):
        for eps in (-0.1, 0.1):
            moved = logit.clone()
            moved[k] += eps
            assert value(moved[torch.tensor([0, 0, 1, 2])], moved[torch.tensor([0, 1, 2, 2])]) < value(real, fake)


def test_value_and_discriminator_loss_by_hand_and_finite_where_d_saturates() -> None:
    real, fake = torch.tensor([0.3, -1.2], dtype=D64), torch.tensor([2.0, -0.5, 0.1], dtype=D64)
    by_hand = torch.log(torch.sigmoid(real)).mean() + torch.log(1 - torch.sigmoid(fake)).mean()
    assert_close(value(real, fake), by_hand)
    assert_close(discriminator_loss(real, fake), -by_hand)
    extreme = value(torch.tensor([-800.0], dtype=D64), torch.tensor([800.0], dtype=D64))
    assert torch.isfinite(extreme) and extreme.item() == pytest.approx(-1600.0)


def test_generator_losses_and_their_gradients_on_the_logit() -> None:
    """Minimax: loss = mean log(1 − D), ∂/∂l_i = −D_i / n. Non-saturating: −mean log D, ∂/∂l_i = −(1 − D_i) / n."""
    logits = torch.tensor([-6.0, -1.0, 0.0, 2.5], dtype=D64, requires_grad=True)
    d = torch.sigmoid(logits.detach())
    sat = generator_loss(logits, saturating=True)
    assert_close(sat, torch.log(1 - d).mean())
    (g_sat,) = torch.autograd.grad(sat, logits)
    assert_close(g_sat, -d / 4)
    ns = generator_loss(logits, saturating=False)
    assert_close(ns, -torch.log(d).mean())
    (g_ns,) = torch.autograd.grad(ns, logits)
    assert_close(g_ns, -(1 - d) / 4)
    # where D rejects a sample (l = −6, D = 0.0025) the minimax gradient is ~400x smaller
    assert g_ns[0] / g_sat[0] == pytest.approx((1 - d[0]) / d[0])
    assert g_ns[0] / g_sat[0] > 400


def test_the_non_saturating_gradient_through_g_is_as_derived() -> None:
    """∇_θ [−mean log D(G(z))] = −(1/n) Σ_i (1 − D(G(z_i))) ∇_θ l(G(z_i)), by a vector-Jacobian product."""
    torch.manual_seed(0)
    G, D = Generator(hidden=8).to(D64), Discriminator(hidden=8).to(D64)
    z = torch.randn(5, 2, dtype=D64)
    params = list(G.parameters())
    grads = torch.autograd.grad(generator_loss(D(G(z)), saturating=False), params)
    logits = D(G(z))
    weights = -(1 - torch.sigmoid(logits.detach())) / len(z)
    derived = torch.autograd.grad(logits, params, grad_outputs=weights)
    assert_close(grads, derived)
    sat = torch.autograd.grad(generator_loss(D(G(z)), saturating=True), params)
    derived_sat = torch.autograd.grad(D(G(z)), params, grad_outputs=-torch.sigmoid(logits.detach()) / len(z))
    assert_close(sat, derived_sat)


def _reference_mlp(net: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Linear, ReLU, Linear, ReLU, Linear, from the module's own weights."""
    linears = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linears) == 3
    h = x
    for k, lin in enumerate(linears):
        h = F.linear(h, lin.weight, lin.bias)
        if k < len(linears) - 1:
            h = torch.relu(h)
    return h


def test_generator_and_discriminator_against_a_written_out_mlp() -> None:
    torch.manual_seed(1)
    G, D = Generator(noise_dim=3, hidden=7).to(D64), Discriminator(hidden=5).to(D64)
    z, x = torch.randn(6, 3, dtype=D64), torch.randn(6, 2, dtype=D64)
    assert_close(G(z), _reference_mlp(G, z))
    assert G(z).shape == (6, 2) and (G(z) < 0).any()             # unbounded output, no final ReLU
    assert_close(D(x), _reference_mlp(D, x).squeeze(-1))
    assert [tuple(m.weight.shape) for m in D.modules() if isinstance(m, torch.nn.Linear)] == [(5, 2), (5, 5), (1, 5)]


def _reference_algorithm_1(G, D, sample_real, steps: int, s: Schedule, saturating: bool, gen: torch.Generator):
    """Algorithm 1 written out with torch.optim.SGD and log σ spelled out: head start, then k D steps per G step."""
    opt_d = torch.optim.SGD(D.parameters(), lr=s.lr_d, momentum=s.momentum)
    opt_g = torch.optim.SGD(G.parameters(), lr=s.lr_g, momentum=s.momentum)

    def d_step() -> None:
        x = sample_real(s.batch)
        z = torch.randn(s.batch, G.noise_dim, generator=gen, dtype=D64)
        with torch.no_grad():
            fake = G(z)
        opt_d.zero_grad()
        loss = -(torch.log(torch.sigmoid(D(x))).mean() + torch.log(1 - torch.sigmoid(D(fake))).mean())
        loss.backward()
        opt_d.step()

    for _ in range(s.head_start):
        d_step()
    for _ in range(steps):
        for _ in range(s.k):
            d_step()
        z = torch.randn(s.batch, G.noise_dim, generator=gen, dtype=D64)
        dz = torch.sigmoid(D(G(z)))
        loss = torch.log(1 - dz).mean() if saturating else -torch.log(dz).mean()
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()


@pytest.mark.parametrize("saturating", [False, True])
def test_training_equals_algorithm_1_written_out(saturating: bool) -> None:
    torch.manual_seed(2)
    G, D = Generator(hidden=6).to(D64), Discriminator(hidden=6).to(D64)
    G_ref, D_ref = copy.deepcopy(G), copy.deepcopy(D)
    s = Schedule(batch=8, lr_d=0.3, lr_g=0.2, momentum=0.5, k=2, head_start=2)
    centres = torch.tensor([[2.0, 0.0], [0.0, 2.0]], dtype=D64)

    def real_from(gen: torch.Generator):
        return lambda n: centres[torch.randint(0, 2, (n,), generator=gen)] + 0.1 * torch.randn(n, 2, generator=gen, dtype=D64)

    gen, gen_ref = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    norms = train(G, D, real_from(gen), 3, s, saturating, gen)
    _reference_algorithm_1(G_ref, D_ref, real_from(gen_ref), 3, s, saturating, gen_ref)
    assert_close(list(G.parameters()), list(G_ref.parameters()))
    assert_close(list(D.parameters()), list(D_ref.parameters()))
    assert len(norms) == 3 and all(n > 0 for n in norms)
    moved = [not torch.equal(a, b) for a, b in zip(G.parameters(), Generator(hidden=6).parameters())]
    assert all(moved)
