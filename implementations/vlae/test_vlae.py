"""VLAE / VAE building blocks against references: torch.distributions, F.conv2d, autograd."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence

from implementations.vlae.model import (
    PIXELS, SIDE, AutoregressiveDecoder, causal_mask, kl_to_standard_normal, make_vae, reparameterise,
)


def test_analytic_kl_matches_torch_distributions() -> None:
    g = torch.Generator().manual_seed(0)
    mu = torch.randn(7, 5, generator=g, dtype=torch.float64) * 2
    logvar = torch.randn(7, 5, generator=g, dtype=torch.float64)
    q = Normal(mu, torch.exp(0.5 * logvar))
    p = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    torch.testing.assert_close(kl_to_standard_normal(mu, logvar), kl_divergence(q, p).sum(-1))
    # and it is exactly zero at the prior
    assert kl_to_standard_normal(torch.zeros(3, 4), torch.zeros(3, 4)).abs().max() == 0


def test_reparameterised_gradient_of_expectation_matches_analytic() -> None:
    """E[z^2] = mu^2 + sigma^2, so d/dmu = 2 mu and d/dsigma = 2 sigma; the pathwise
    Monte Carlo estimate through z = mu + sigma * eps must recover both."""
    g = torch.Generator().manual_seed(1)
    mu = torch.tensor([0.7, -1.3], dtype=torch.float64, requires_grad=True)
    sigma = torch.tensor([0.5, 2.0], dtype=torch.float64, requires_grad=True)
    eps = torch.randn(200_000, 2, generator=g, dtype=torch.float64)
    eps = torch.cat([eps, -eps])  # antithetic pairs cancel the odd moments
    z = reparameterise(mu, 2 * torch.log(sigma), eps)
    z.pow(2).mean(0).sum().backward()
    torch.testing.assert_close(mu.grad, 2 * mu.detach(), rtol=0, atol=1e-12)
    torch.testing.assert_close(sigma.grad, 2 * sigma.detach(), rtol=2e-2, atol=0)


def test_kl_and_reparameterisation_pass_gradcheck() -> None:
    g = torch.Generator().manual_seed(2)
    mu = torch.randn(3, 4, generator=g, dtype=torch.float64, requires_grad=True)
    logvar = torch.randn(3, 4, generator=g, dtype=torch.float64, requires_grad=True)
    eps = torch.randn(3, 4, generator=g, dtype=torch.float64)
    assert torch.autograd.gradcheck(kl_to_standard_normal, (mu, logvar))
    assert torch.autograd.gradcheck(lambda m, lv: reparameterise(m, lv, eps), (mu, logvar))


def test_window_mask_by_hand() -> None:
    """Pixel (2, 3) = index 19: window 1 sees exactly the pixel above (11) and the one to the left (18)."""
    assert causal_mask(1)[19].nonzero().flatten().tolist() == [11, 18]
    assert causal_mask(1)[0].sum() == 0                       # the first pixel sees nothing
    assert causal_mask(1)[8].nonzero().flatten().tolist() == [0]  # row start: only the pixel above
    full = causal_mask(None)
    assert torch.equal(full, torch.tril(torch.ones(PIXELS, PIXELS), diagonal=-1))  # every earlier pixel


def test_masked_conv_equals_conv2d_with_masked_kernel() -> None:
    torch.manual_seed(3)
    x = torch.rand(4, PIXELS, dtype=torch.float64)
    for window in (None, 1, 2):
        conv = AutoregressiveDecoder(latent=3, channels=5, window=window).double().conv
        ref = F.conv2d(x.view(4, 1, SIDE, SIDE), conv.full_kernel(), padding=SIDE - 1)
        torch.testing.assert_close(conv(x), ref.flatten(2).transpose(1, 2))
        torch.testing.assert_close(conv(x, pixel=13)[:, 0], ref.flatten(2)[:, :, 13])


def _dependence(window: int | None) -> torch.Tensor:
    """|d logit_i / d x_j| summed over a batch, for a decoder with random weights (float64)."""
    torch.manual_seed(4)
    dec = AutoregressiveDecoder(latent=3, channels=6, window=window, depth=2).double()
    for p in dec.parameters():  # move off the init so no weight is accidentally zero
        p.data.add_(0.1 * torch.randn_like(p))
    x = torch.rand(3, PIXELS, dtype=torch.float64)
    z = torch.randn(3, 3, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda inp: dec(inp, z), x)  # (b, i, b, j)
    return torch.einsum("bibj->ij", jac).abs()


def test_autoregressive_decoder_is_strictly_causal() -> None:
    dep = _dependence(None)
    assert dep.triu().max() == 0                              # pixel i never reads x_j for j >= i
    past = causal_mask(None) > 0
    assert (dep[past] > 0).float().mean() > 0.9               # ... but does read (almost) all of its past
    local = _dependence(1)
    assert torch.equal(local > 0, causal_mask(1) > 0)         # the local one reads exactly its window


def test_greedy_decode_is_consistent_with_teacher_forcing() -> None:
    """Sequential generation must agree with the parallel (teacher-forced) logits it is built from."""
    torch.manual_seed(5)
    dec = AutoregressiveDecoder(latent=4, channels=8, window=None).double()
    z = torch.randn(5, 4, dtype=torch.float64)
    x = dec.decode(z)
    assert torch.equal(x, (dec(x, z) > 0).double())


def test_elbo_terms_shapes_and_signs() -> None:
    torch.manual_seed(6)
    x = (torch.rand(10, PIXELS) < 0.4).float()
    for kind in ("full", "local", "plain"):
        nll, kl = make_vae(kind)(x)
        assert nll.shape == kl.shape == (10,)
        assert (nll > 0).all() and (kl >= 0).all()
