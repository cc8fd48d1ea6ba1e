"""The VAE's pieces against exact references in float64: the KL, the ELBO's bound on a closed-form model,
the reparameterised estimator, the importance bound, and the pPCA fit the linear claim is checked against."""

from __future__ import annotations

import math

import pytest
import torch

from . import linear_gaussian as lg
from .data import dequantised_digits
from .model import VAE, diagonal_gaussian_log_prob, gaussian_kl


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def planted(d: int = 6, q: int = 2, n: int = 5, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    w, b = torch.randn(d, q, generator=g), torch.randn(d, generator=g)
    return w, b, 0.3, torch.randn(n, d, generator=g)


def test_the_analytic_kl_equals_torch_distributions():
    mu, logvar = torch.randn(7, 3), torch.randn(7, 3)
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros(3), torch.ones(3))
    assert torch.allclose(gaussian_kl(mu, logvar), torch.distributions.kl_divergence(q, p).sum(-1), atol=1e-12)
    assert gaussian_kl(torch.zeros(1, 4), torch.zeros(1, 4)).item() == 0.0


def test_diagonal_gaussian_log_prob_equals_torch():
    x, mean, logvar = torch.randn(5, 4), torch.randn(5, 4), torch.randn(5, 4)
    ref = torch.distributions.Normal(mean, (0.5 * logvar).exp()).log_prob(x).sum(-1)
    assert torch.allclose(diagonal_gaussian_log_prob(x, mean, logvar), ref, atol=1e-12)


def test_the_elbo_bounds_log_p_and_is_tight_at_the_true_posterior():
    w, b, s2, x = planted()
    exact = lg.log_marginal(x, w, b, s2)
    m, s = lg.posterior(x, w, b, s2)
    assert torch.allclose(lg.elbo(x, w, b, s2, m, s), exact, atol=1e-10)  # equality at the true posterior
    g = torch.Generator().manual_seed(1)
    for _ in range(20):
        a = torch.randn(2, 2, generator=g)
        other_s = a @ a.T + 0.05 * torch.eye(2)
        other_m = m + 0.5 * torch.randn(m.shape, generator=g)
        gap = exact - lg.elbo(x, w, b, s2, other_m, other_s)
        assert (gap > 0).all()


def test_the_closed_form_elbo_matches_monte_carlo():
    w, b, s2, x = planted(n=1)
    m, s = torch.zeros(1, 2) + 0.3, torch.diag(torch.tensor([0.5, 0.2]))
    g = torch.Generator().manual_seed(2)
    z = m + torch.randn(400_000, 2, generator=g) @ torch.linalg.cholesky(s).T
    log_lik = torch.distributions.Normal(z @ w.T + b, math.sqrt(s2)).log_prob(x).sum(-1)
    kl = torch.distributions.kl_divergence(torch.distributions.MultivariateNormal(m[0], s),
                                           torch.distributions.MultivariateNormal(torch.zeros(2), torch.eye(2)))
    assert (log_lik.mean() - kl).item() == pytest.approx(lg.elbo(x, w, b, s2, m, s).item(), abs=0.02)


def linear_vae(w: torch.Tensor, b: torch.Tensor, s2: float) -> VAE:
    """A VAE whose encoder is the exact posterior of the linear model and whose decoder is that model."""
    d, q = w.shape
    vae = VAE(d, q, hidden=[], min_logvar=-30.0)
    m_inv = torch.linalg.inv(w.T @ w + s2 * torch.eye(q))
    post_var = torch.diagonal(s2 * m_inv)
    with torch.no_grad():
        enc, dec = vae.encoder[0], vae.decoder[0]
        enc.weight.zero_(), enc.bias.zero_(), dec.weight.zero_(), dec.bias.zero_()
        enc.weight[:q] = m_inv @ w.T
        enc.bias[:q] = -(m_inv @ w.T @ b)
        enc.bias[q:] = post_var.log()
        dec.weight[:d] = w
        dec.bias[:d] = b
        # the decoder's log-variance head: floor + softplus(v - floor) = log s2
        dec.bias[d:] = vae.min_logvar + math.log(math.expm1(math.log(s2) - vae.min_logvar))
    return vae


def test_the_assembled_vae_estimates_the_exact_elbo_and_its_importance_bound_reaches_log_p():
    """With a diagonal true posterior (orthogonal W) the VAE holds the exact model and posterior."""
    g = torch.Generator().manual_seed(3)
    w = torch.linalg.qr(torch.randn(6, 2, generator=g))[0] * torch.tensor([2.0, 1.0])
    b, s2 = torch.randn(6, generator=g), 0.3
    x = torch.randn(4, 6, generator=g)
    vae = linear_vae(w, b, s2)
    exact = lg.log_marginal(x, w, b, s2)
    eps = torch.randn(200_000, 4, 2, generator=g)
    with torch.no_grad():
        sgvb = torch.stack([vae.elbo(x, e) for e in eps[:20_000]]).mean(0)
        iw = vae.importance_bound(x, k=50, generator=g)
    assert torch.allclose(sgvb, exact, atol=0.03)  # the true posterior makes the ELBO equal log p(x)
    assert torch.allclose(iw, exact, atol=1e-9)  # every importance weight is exactly p(x) then
    m, s = lg.posterior(x, w, b, s2)
    mu, logvar = vae.encode(x)
    assert torch.allclose(mu, m, atol=1e-12) and torch.allclose(logvar.exp(), torch.diagonal(s).expand(4, 2))


def test_the_importance_bound_is_at_most_log_p_and_grows_with_k():
    w, b, s2, x = planted(seed=4)
    vae = linear_vae(w, b, s2)  # W not orthogonal: the diagonal q is not the exact posterior
    with torch.no_grad():
        vae.encoder[0].bias[2:] -= 0.5
    exact = lg.log_marginal(x, w, b, s2)
    g = torch.Generator().manual_seed(5)
    with torch.no_grad():
        bounds = [torch.stack([vae.importance_bound(x, k, g) for _ in range(300)]).mean(0) for k in (1, 10, 100)]
    assert (bounds[0] < bounds[1]).all() and (bounds[1] < bounds[2]).all()
    assert (bounds[2] < exact + 0.02).all()  # a bound in expectation: 300 estimates average within MC noise
    assert (bounds[0] < exact - 0.03).all()  # k = 1 is the ELBO, visibly below when q is not the posterior


def test_ppca_ml_fit_beats_any_other_subspace_and_recovers_a_planted_one():
    g = torch.Generator().manual_seed(6)
    w = torch.randn(8, 2, generator=g) * 3
    x = torch.randn(20_000, 2, generator=g) @ w.T + 0.1 * torch.randn(20_000, 8, generator=g) + 1.0
    fw, fb, fs2 = lg.fit_ppca(x, 2)
    assert fs2 == pytest.approx(0.01, rel=0.05) and torch.allclose(fb, torch.ones(8), atol=0.1)
    assert lg.principal_angles(fw, w).max().item() < 0.01
    best = lg.log_marginal(x, fw, fb, fs2).mean()
    for _ in range(5):
        other = fw + 0.2 * torch.randn(fw.shape, generator=g)
        assert lg.log_marginal(x, other, fb, fs2).mean() < best


def test_principal_angles_by_hand():
    a = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    b = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    assert torch.allclose(lg.principal_angles(a, b), torch.tensor([0.0, math.pi / 4]), atol=1e-12)


def test_digits_are_dequantised_into_their_bins_and_the_splits_are_disjoint():
    train, valid, test = dequantised_digits(seed=0)
    from sklearn.datasets import load_digits

    raw = torch.tensor(load_digits().data)
    assert len(train) + len(valid) + len(test) == len(raw)
    everything = torch.cat([train, valid, test])
    bins = torch.floor(everything * 17)
    assert ((everything * 17 - bins) > 0).all() and (bins <= 16).all()  # strictly inside one of 17 bins
    assert sorted(map(tuple, bins.tolist())) == sorted(map(tuple, raw.tolist()))  # every digit once


def test_the_isotropic_linear_decoder_is_exactly_the_ppca_model():
    """hidden=[] with isotropic noise: mean W z + b and one variance for every pixel, whatever z is."""
    vae = VAE(5, 2, hidden=[], isotropic_noise=True)
    with torch.no_grad():
        vae.log_noise.fill_(math.log(0.3))
    z = torch.randn(7, 2)
    mean, logvar = vae.decode(z)
    layer = vae.decoder[0]
    assert torch.allclose(mean, z @ layer.weight.T + layer.bias, atol=1e-14)
    assert torch.allclose(logvar, torch.full((7, 5), math.log(0.3)), atol=1e-14)
    x = torch.randn(7, 5)
    eps = torch.randn(7, 2)
    mu, lv = vae.encode(x)
    zz = mu + (0.5 * lv).exp() * eps
    ref = torch.distributions.Normal(zz @ layer.weight.T + layer.bias, math.sqrt(0.3)).log_prob(x).sum(-1)
    assert torch.allclose(vae.elbo(x, eps), ref - gaussian_kl(mu, lv), atol=1e-12)
