"""Noisy-weight MDL: the weight cost against torch.distributions, gradients through the noise."""

from __future__ import annotations

import torch
from torch.distributions import Normal, kl_divergence

from implementations.mdl_noisy_weights.model import (
    NoisyLinear, NoisyMLP, PlainMLP, expected_squared_error, gaussian_kl,
)


def test_weight_cost_equals_torch_kl_float64() -> None:
    torch.manual_seed(0)
    layer = NoisyLinear(3, 4, prior="rows").double()
    with torch.no_grad():
        layer.w_logvar.normal_(-2, 1)
        layer.w_prior_logvar.normal_(0, 1)
        layer.b_prior_logvar.normal_(0, 1)
    q_w = Normal(layer.w_mu, torch.exp(0.5 * layer.w_logvar))
    p_w = Normal(torch.zeros_like(layer.w_mu), torch.exp(0.5 * layer.w_prior_logvar).expand_as(layer.w_mu))
    q_b = Normal(layer.b_mu, torch.exp(0.5 * layer.b_logvar))
    p_b = Normal(torch.zeros_like(layer.b_mu), torch.exp(0.5 * layer.b_prior_logvar))
    expected = kl_divergence(q_w, p_w).sum() + kl_divergence(q_b, p_b).sum()
    torch.testing.assert_close(layer.weight_cost(), expected)
    # the "cols" grouping shares one prior variance per input unit
    cols = NoisyLinear(5, 2, prior="cols").double()
    assert cols.w_prior_logvar.shape == (1, 5)
    q = Normal(cols.w_mu, torch.exp(0.5 * cols.w_logvar))
    p = Normal(torch.zeros_like(cols.w_mu), torch.exp(0.5 * cols.w_prior_logvar).expand_as(cols.w_mu))
    q_b = Normal(cols.b_mu, torch.exp(0.5 * cols.b_logvar))
    p_b = Normal(torch.zeros_like(cols.b_mu), torch.exp(0.5 * cols.b_prior_logvar).expand_as(cols.b_mu))
    torch.testing.assert_close(cols.weight_cost(), kl_divergence(q, p).sum() + kl_divergence(q_b, p_b).sum())


def test_kl_is_zero_only_at_the_prior() -> None:
    zero = gaussian_kl(torch.zeros(3), torch.full((3,), 0.7), torch.full((3,), 0.7))
    assert zero.abs().max() < 1e-7
    assert (gaussian_kl(torch.tensor([0.1]), torch.tensor([0.7]), torch.tensor([0.7])) > 0).all()


def test_gradients_flow_through_the_weight_noise_gradcheck() -> None:
    """With the noise re-seeded on every call, the layer's sampled output is a smooth
    function of the weight means and log-variances: gradcheck the layer itself."""
    layer = NoisyLinear(3, 2).double()
    x = torch.randn(5, 3, dtype=torch.float64)

    def sampled_loss(w_mu: torch.Tensor, w_logvar: torch.Tensor, b_logvar: torch.Tensor) -> torch.Tensor:
        torch.manual_seed(1)
        params = {"w_mu": w_mu, "w_logvar": w_logvar, "b_logvar": b_logvar}
        out = torch.func.functional_call(layer, params, (x,), {"samples": 4})
        return torch.tanh(out).pow(2).sum()

    mu = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    logvar = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    b_logvar = torch.randn(2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(sampled_loss, (mu, logvar, b_logvar))
    grads = torch.autograd.grad(sampled_loss(mu, logvar, b_logvar), (mu, logvar, b_logvar))
    assert all(g.abs().sum() > 0 for g in grads)


def test_monte_carlo_misfit_and_its_gradients_match_the_analytic_expectation() -> None:
    """For one noisy linear layer E_q[(xW^T + b - t)^2] is known in closed form; the
    reparameterised Monte Carlo estimate and its gradients w.r.t. mu and log-variance must agree."""
    torch.manual_seed(2)
    layer = NoisyLinear(4, 1).double()
    with torch.no_grad():
        layer.w_logvar.fill_(-1.0)
        layer.b_logvar.fill_(-2.0)
    x = torch.randn(6, 4, dtype=torch.float64)
    t = torch.randn(6, 1, dtype=torch.float64)

    exact = expected_squared_error(x, t, layer).sum()
    g_exact = torch.autograd.grad(exact, (layer.w_mu, layer.w_logvar, layer.b_mu))
    mc = (layer(x, samples=100_000) - t).pow(2).sum((1, 2)).mean()
    g_mc = torch.autograd.grad(mc, (layer.w_mu, layer.w_logvar, layer.b_mu))
    torch.testing.assert_close(mc, exact, rtol=1e-2, atol=0)
    for a, b in zip(g_mc, g_exact):
        torch.testing.assert_close(a, b, rtol=3e-2, atol=3e-2)


def test_mean_forward_and_plain_copy_agree() -> None:
    torch.manual_seed(3)
    noisy = NoisyMLP(1, 8, 1, init_scale=3.0)
    plain = PlainMLP.like(noisy)
    x = torch.linspace(-1, 1, 11).view(-1, 1)
    torch.testing.assert_close(noisy(x), plain(x))
    draws = noisy(x, samples=5)
    assert draws.shape == (5, 11, 1) and not torch.allclose(draws[0], draws[1])


def test_description_length_is_weights_plus_data() -> None:
    torch.manual_seed(4)
    net = NoisyMLP(1, 8, 1)
    x, y = torch.randn(10, 1), torch.randn(10, 1)
    torch.manual_seed(5)
    total = net.description_length(x, y, samples=3)
    torch.manual_seed(5)
    parts = net.weight_cost() + net.data_cost(x, y, samples=3)
    torch.testing.assert_close(total, parts)
