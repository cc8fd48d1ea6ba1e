"""DDPM's forward process, posterior, simple loss and sampler against independent computations.

Monte Carlo checks use a fixed generator (deterministic) and a tolerance of
5 standard errors of the estimate for the sample size used, so a correct
implementation passes with overwhelming margin and an off-by-one in the
schedule (e.g. alpha_bar_{t-1} for alpha_bar_t) fails.
"""

from __future__ import annotations

import math

import pytest
import torch

from implementations.ddpm.data import mode_coverage, mode_centres, sample_mixture
from implementations.ddpm.diffusion import GaussianDiffusion
from implementations.ddpm.model import NoisePredictor, sinusoidal_embedding

T = 100
N = 20_000  # Monte Carlo sample size
Z = 5.0     # tolerance in standard errors


@pytest.fixture(scope="module")
def diffusion() -> GaussianDiffusion:
    return GaussianDiffusion(GaussianDiffusion.linear_betas(T, 1e-3, 0.2))


def test_schedule_quantities(diffusion):
    betas = diffusion.betas
    torch.testing.assert_close(diffusion.alpha_bars, torch.tensor([math.prod((1 - betas[: t + 1]).tolist()) for t in range(T)],
                                                                 dtype=torch.float64))
    assert diffusion.alpha_bars[-1] < 1e-4  # x_T carries (almost) no signal
    t = 37  # eq. 7 at one step, by hand
    expected = (1 - diffusion.alpha_bars[t - 2]) / (1 - diffusion.alpha_bars[t - 1]) * betas[t - 1]
    torch.testing.assert_close(diffusion.posterior_variance[t - 1], expected)
    assert diffusion.posterior_variance[0] == 0  # q(x_0 | x_1, x_0) is a point mass


@pytest.mark.parametrize("x0", [(1.5, -0.5), (-2.0, 0.3)])
def test_closed_form_forward_equals_iterated_chain(diffusion, x0):
    gen = torch.Generator().manual_seed(0)
    x0 = torch.tensor(x0, dtype=torch.float64)
    x = x0.expand(N, 2).clone()
    checkpoints = {1, 2, 5, 25, 60, T}
    for t in range(1, T + 1):
        x = diffusion.q_step(x, t, torch.randn(N, 2, generator=gen, dtype=torch.float64))  # eq. 2, step by step
        if t not in checkpoints:
            continue
        tt = torch.full((N,), t)
        closed = diffusion.q_sample(x0.expand(N, 2), tt, torch.randn(N, 2, generator=gen, dtype=torch.float64))  # eq. 4
        a_bar = diffusion.alpha_bars[t - 1]
        mean, var = torch.sqrt(a_bar) * x0, 1 - a_bar
        for samples in (x, closed):
            # mean: standard error sqrt(var / N) per coordinate
            assert torch.all((samples.mean(0) - mean).abs() <= Z * torch.sqrt(var / N)), t
            # covariance: diagonal SE ~ var * sqrt(2 / N), off-diagonal SE ~ var / sqrt(N)
            cov = torch.cov(samples.T)
            assert torch.all((cov.diagonal() - var).abs() <= Z * var * math.sqrt(2 / N)), t
            assert abs(cov[0, 1]) <= Z * var / math.sqrt(N), t
        # the two samplers against each other: difference of two means, SE sqrt(2 var / N)
        assert torch.all((x.mean(0) - closed.mean(0)).abs() <= Z * torch.sqrt(2 * var / N)), t


def _posterior_by_quadrature(diffusion, x0: float, xt: float, t: int) -> tuple[float, float]:
    """Mean and variance of q(x_{t-1}|x_t,x_0) ∝ q(x_t|x_{t-1}) q(x_{t-1}|x_0) by brute-force integration on a grid."""
    alpha, beta = diffusion.alphas[t - 1], diffusion.betas[t - 1]
    a_bar_prev = diffusion.alpha_bars[t - 2]
    y = torch.linspace(-15, 15, 300_001, dtype=torch.float64)  # candidate values of x_{t-1}
    log_p = -((xt - torch.sqrt(alpha) * y) ** 2) / (2 * beta) - (y - torch.sqrt(a_bar_prev) * x0) ** 2 / (2 * (1 - a_bar_prev))
    w = torch.softmax(log_p, dim=0)
    mean = (w * y).sum()
    return mean.item(), (w * (y - mean) ** 2).sum().item()


@pytest.mark.parametrize("t", [2, 3, 20, 70, T])
def test_posterior_mean_and_variance(diffusion, t):
    x0 = torch.tensor([[0.8, -1.7]], dtype=torch.float64)
    xt = torch.tensor([[-0.4, 1.1]], dtype=torch.float64)
    mean, var = diffusion.q_posterior(x0, xt, torch.tensor([t]))  # eq. 6-7
    for d in range(2):
        ref_mean, ref_var = _posterior_by_quadrature(diffusion, x0[0, d].item(), xt[0, d].item(), t)
        assert mean[0, d].item() == pytest.approx(ref_mean, rel=1e-7, abs=1e-9)
        assert var[0, d].item() == pytest.approx(ref_var, rel=1e-6)


def test_posterior_at_t1_is_x0(diffusion):
    x0, xt = torch.tensor([[0.3, 0.2]], dtype=torch.float64), torch.tensor([[1.0, -1.0]], dtype=torch.float64)
    mean, var = diffusion.q_posterior(x0, xt, torch.tensor([1]))
    torch.testing.assert_close(mean, x0)
    assert torch.all(var == 0)


def optimal_eps(diffusion, s2: float):
    """E[eps | x_t] for data N(0, s2 I): x_t ~ N(0, (a_bar s2 + 1 - a_bar) I), Cov(eps, x_t) = sqrt(1 - a_bar) I."""

    def eps(x, t):
        a_bar = diffusion.alpha_bars[t - 1].to(x.dtype)[:, None]
        return torch.sqrt(1 - a_bar) * x / (a_bar * s2 + 1 - a_bar)

    return eps


def test_simple_loss_of_the_optimal_predictor(diffusion):
    s2, gen = 0.5, torch.Generator().manual_seed(1)
    x0 = math.sqrt(s2) * torch.randn(N, 2, generator=gen, dtype=torch.float64)
    eps_star = optimal_eps(diffusion, s2)
    loss = diffusion.loss_simple(eps_star, x0, gen)  # eq. 14, Monte Carlo over t, x0, eps
    a_bar = diffusion.alpha_bars
    expected = 2 * (a_bar * s2 / (a_bar * s2 + 1 - a_bar)).mean().item()  # d * E_t Var(eps | x_t), t ~ U{1..T}
    per_example = ((a_bar * s2 / (a_bar * s2 + 1 - a_bar)).max() * 2 * 2).item()  # generous bound on its std
    assert loss.item() == pytest.approx(expected, abs=Z * per_example / math.sqrt(N))
    worse = diffusion.loss_simple(lambda x, t: 1.2 * eps_star(x, t), x0, torch.Generator().manual_seed(1))
    assert worse.item() > loss.item() + 0.01


@pytest.mark.parametrize("sigma", ["beta", "posterior"])
def test_ancestral_sampling_with_the_optimal_predictor(diffusion, sigma):
    """Algorithm 2 with the exact eps* for Gaussian data is linear-Gaussian, so its output variance has a recursion."""
    s2, gen = 0.5, torch.Generator().manual_seed(2)
    samples = diffusion.sample(optimal_eps(diffusion, s2), (N, 2), gen, dtype=torch.float64, sigma=sigma)
    variances = diffusion.betas if sigma == "beta" else diffusion.posterior_variance
    var = 1.0  # x_T ~ N(0, I)
    for t in range(T, 0, -1):
        alpha, a_bar, beta = diffusion.alphas[t - 1].item(), diffusion.alpha_bars[t - 1].item(), diffusion.betas[t - 1].item()
        coef = (1 - beta / (a_bar * s2 + 1 - a_bar)) / math.sqrt(alpha)
        var = coef**2 * var + (variances[t - 1].item() if t > 1 else 0.0)
    assert abs(var - s2) < 0.1 * s2  # DDPM sampling nearly recovers the data distribution
    assert torch.all(samples.mean(0).abs() <= Z * math.sqrt(var / N))
    assert torch.all((samples.var(0) - var).abs() <= Z * var * math.sqrt(2 / N))


def test_noise_predictor_and_embedding_shapes():
    t = torch.tensor([1, 50, 100])
    emb = sinusoidal_embedding(t, 32)
    assert emb.shape == (3, 32)
    torch.testing.assert_close(emb[:, 0], torch.sin(t.double()))      # frequency 1
    torch.testing.assert_close(emb[:, 16], torch.cos(t.double()))
    net = NoisePredictor(hidden=16)
    out = net(torch.randn(3, 2), t)
    assert out.shape == (3, 2)
    assert not torch.allclose(net(torch.zeros(2, 2), torch.tensor([1, 100]))[0], net(torch.zeros(2, 2), torch.tensor([1, 100]))[1])


def test_mode_coverage_of_real_data():
    gen = torch.Generator().manual_seed(3)
    per_mode, near_any = mode_coverage(sample_mixture(8000, gen), within=0.5)
    assert near_any > 0.999 and per_mode.min() > 0.1
    per_mode, _ = mode_coverage(mode_centres()[:4].float(), within=0.5)  # half the modes -> the other half empty
    assert per_mode[4:].sum() == 0 and per_mode[:4].min() == 0.25
