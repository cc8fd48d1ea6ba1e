"""The whole VAE (both PixelCNN decoders and the factorised one) against a reference written here (float64).

The reference builds the type-A window kernel itself and runs it with
F.conv2d, then the 1x1 layers with the global z bias, the summed Bernoulli
NLL and the analytic KL written out, with the same eps as the model draws.
Catches a type-B mask (the pixel sees itself), a window one wider, the NLL
averaged over pixels instead of summed, sigma = e^logvar, the KL's 1/2 or
sign lost, z's first-layer gain or later-layer biases dropped, and the
encoder reading log sigma^2 from the mean head.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.vlae.model import PIXELS, SIDE, make_vae

D = torch.float64


def _window_kernel(weight: torch.Tensor, window: int | None) -> torch.Tensor:
    """(channels, 1, 15, 15): the taps strictly before the centre in raster order, within the window."""
    c = SIDE - 1
    kernel = torch.zeros(weight.shape[0], 1, 2 * SIDE - 1, 2 * SIDE - 1, dtype=D)
    k = 0
    for a in range(2 * SIDE - 1):
        for b in range(2 * SIDE - 1):
            dr, dc = a - c, b - c
            before = dr < 0 or (dr == 0 and dc < 0)
            if before and (window is None or abs(dr) + abs(dc) <= window):
                kernel[:, 0, a, b] = weight[:, k]
                k += 1
    assert k == weight.shape[1]
    return kernel


def _reference_logits(dec, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    img = x.view(-1, 1, SIDE, SIDE)
    conv = F.conv2d(img, _window_kernel(dec.conv.weight, dec.window), padding=SIDE - 1)  # (B, C, 8, 8)
    conv = conv.flatten(2).transpose(1, 2)  # (B, 64, C), raster order
    v = z @ dec.cond.weight.T  # (B, (depth + 1) C)
    C = dec.channels
    h = F.relu(conv + dec.b0 + dec.g0 * v[:, None, :C])
    for l, layer in enumerate(dec.mix, start=1):
        h = F.relu(h @ layer.weight.T + layer.bias + v[:, None, l * C:(l + 1) * C])
    return (h @ dec.out.weight.T).squeeze(-1) + dec.out.bias + dec.b_out


def _reference(vae, x: torch.Tensor, eps: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    enc = vae.encoder
    l1, l2 = enc.body[0], enc.body[2]
    hidden = F.relu(F.linear(F.relu(F.linear(x, l1.weight, l1.bias)), l2.weight, l2.bias))
    mu, logvar = F.linear(hidden, enc.mu.weight, enc.mu.bias), F.linear(hidden, enc.logvar.weight, enc.logvar.bias)
    z = mu + torch.exp(logvar / 2) * eps
    if hasattr(vae.decoder, "conv"):
        logits = _reference_logits(vae.decoder, x, z)
    else:
        n1, n2 = vae.decoder.net[0], vae.decoder.net[2]
        logits = F.linear(F.relu(F.linear(z, n1.weight, n1.bias)), n2.weight, n2.bias)
    p = torch.sigmoid(logits)
    nll = -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).sum(-1)  # a sum over the 64 pixels
    kl = 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(-1)
    return nll, kl


@pytest.mark.parametrize("kind, window", [("local", 1), ("local", 2), ("full", None), ("plain", None)])
def test_negative_elbo_terms_match_the_reference(kind: str, window: int | None) -> None:
    torch.manual_seed(0)
    vae = make_vae(kind, latent=3, channels=4, window=window or 1, depth=2, hidden=6).double()
    with torch.no_grad():  # the z gain, biases and log-variances away from their initial 1s and 0s
        for name, p in vae.named_parameters():
            if name.split(".")[-1] in ("g0", "b0", "b_out", "bias"):
                p.add_(0.3 * torch.randn_like(p))
    x = (torch.rand(3, PIXELS, generator=torch.Generator().manual_seed(1)) < 0.4).to(D)
    torch.manual_seed(5)
    nll, kl = vae(x)
    torch.manual_seed(5)
    eps = torch.randn(3, 3, dtype=D)  # the model's draw: randn_like(mu)
    ref_nll, ref_kl = _reference(vae, x, eps)
    assert_close(nll, ref_nll)
    assert_close(kl, ref_kl)
    assert torch.isfinite(nll).all()
