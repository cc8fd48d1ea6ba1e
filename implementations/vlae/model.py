"""VAE (Kingma & Welling 2013) with an autoregressive decoder whose window is chosen (Chen et al. 2017).

The decoder models p(x | z) = prod_i p(x_i | x_window(i), z) on an 8x8 binary
image in raster order (VLAE Sec. 3.1). A type-A causal mask decides which
earlier pixels x_j (j < i) pixel i may see:

* ``window=None``: every earlier pixel -- a full-context PixelCNN. It can model
  the data on its own, so the ELBO is best served by ignoring z and the
  posterior collapses to the prior ("information preference", VLAE Sec. 2.2).
* ``window=k``: only earlier pixels within Manhattan distance k (k=1: the pixel
  to the left and the one above). Local statistics only, so global shape --
  the digit's identity -- has to travel through z: a lossy code (VLAE Sec. 3.1).
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SIDE = 8  # load_digits images are 8x8
PIXELS = SIDE * SIDE


class GaussianEncoder(nn.Module):
    """q(z|x) = N(mu(x), diag sigma^2(x)), an MLP (AEVB Sec. 3 and Appendix C.2)."""

    def __init__(self, pixels: int = PIXELS, hidden: int = 256, latent: int = 16) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(pixels, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(x.flatten(1))
        return self.mu(h), self.logvar(h)


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor | None = None) -> torch.Tensor:
    """z = mu + sigma * eps with eps ~ N(0, I) (AEVB Sec. 2.4): the noise is an input, so
    gradients of E[f(z)] reach mu and sigma through an ordinary differentiable path."""
    if eps is None:
        eps = torch.randn_like(mu)
    return mu + torch.exp(0.5 * logvar) * eps


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, sigma^2) || N(0, I)) in nats, summed over latent dims (AEVB Appendix B):

    -D_KL = 1/2 * sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2).
    """
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(-1)


def causal_taps(window: int | None, side: int = SIDE) -> torch.Tensor:
    """Kernel offsets (dr, dc) a pixel may read, as a (2*side-1)^2 0/1 kernel mask.

    Type-A PixelCNN rule: the input pixel must come strictly earlier in raster
    order (dr < 0, or dr == 0 and dc < 0). With ``window=k`` it must also lie
    within Manhattan distance k (k=1: the pixel above and the one to the left).
    ``window=None`` keeps every earlier offset, which on an 8x8 image covers
    the whole past of every pixel.
    """
    c = side - 1
    dr = torch.arange(2 * side - 1).view(-1, 1) - c
    dc = torch.arange(2 * side - 1).view(1, -1) - c
    earlier = (dr < 0) | ((dr == 0) & (dc < 0))
    if window is not None:
        earlier &= dr.abs() + dc.abs() <= window
    return earlier


def causal_mask(window: int | None, side: int = SIDE) -> torch.Tensor:
    """mask[i, j] = 1 iff output pixel i may look at input pixel j (raster order); for tests and figures."""
    taps = causal_taps(window, side)
    idx = torch.arange(side * side)
    dr = (idx // side).view(1, -1) - (idx // side).view(-1, 1)
    dc = (idx % side).view(1, -1) - (idx % side).view(-1, 1)
    return taps[dr + side - 1, dc + side - 1].to(torch.get_default_dtype())


class MaskedConv(nn.Module):
    """A 1 -> ``channels`` convolution with a (2*SIDE-1)^2 kernel, zero padding and a causal tap mask.

    Computed as im2col + matmul over the allowed taps only (the local kernel
    has two, the full one 112), which is cheaper than F.conv2d on 8x8 images
    and never spends work on masked weights.
    """

    def __init__(self, channels: int, window: int | None) -> None:
        super().__init__()
        span = 2 * SIDE - 1
        self.register_buffer("taps", causal_taps(window).flatten().nonzero().squeeze(1))
        self.weight = nn.Parameter(torch.randn(channels, len(self.taps)) / math.sqrt(8.0))
        # im2col as a lookup: source[p, k] = the pixel that tap k reads for output pixel p, or
        # PIXELS (an always-zero slot) where the tap falls off the image -- the zero padding.
        dr, dc = self.taps // span - (SIDE - 1), self.taps % span - (SIDE - 1)
        p = torch.arange(PIXELS)
        r, c = p // SIDE + dr.view(-1, 1), p % SIDE + dc.view(-1, 1)
        inside = (r >= 0) & (r < SIDE) & (c >= 0) & (c < SIDE)
        self.register_buffer("source", torch.where(inside, r * SIDE + c, torch.full_like(r, PIXELS)).T.contiguous())

    def forward(self, x: torch.Tensor, pixel: int | None = None) -> torch.Tensor:
        """x: (batch, 64) -> (batch, 64, channels), or (batch, 1, channels) for one ``pixel``."""
        source = self.source if pixel is None else self.source[pixel:pixel + 1]
        padded = F.pad(x, (0, 1))                          # slot PIXELS is the zero padding
        patches = padded.index_select(1, source.flatten()).view(x.shape[0], *source.shape)  # (b, p, taps)
        return patches @ self.weight.T

    def full_kernel(self) -> torch.Tensor:
        """The masked kernel as a (channels, 1, 15, 15) tensor, zeros where masked (for F.conv2d checks)."""
        k = self.weight.new_zeros(self.weight.shape[0], (2 * SIDE - 1) ** 2)
        k[:, self.taps] = self.weight
        return k.view(-1, 1, 2 * SIDE - 1, 2 * SIDE - 1)


class AutoregressiveDecoder(nn.Module):
    """Logits of p(x_i = 1 | x_window(i), z) for every pixel at once (teacher forcing).

    A small PixelCNN; every pixel i has ``channels`` features:

        h_i = relu( (mask * K) conv x |_i + b_i + g_i * (V_0 z) )    masked conv, type A
        h_i = relu( W_l h_i + b_l + V_l z )      for l = 1..depth   1x1 convs
        logit_i = w_out . h_i + b_out_i

    The tap mask alone sets the receptive field: 1x1 layers never widen it. z
    enters as the global conditioning bias V z of the conditional PixelCNN
    (van den Oord et al. 2016); in the first layer it is scaled by a learnt
    per-pixel gain g so z can place strokes. Both decoders are built
    identically; only ``window`` differs.
    """

    def __init__(self, latent: int = 16, channels: int = 32, window: int | None = None, depth: int = 2) -> None:
        super().__init__()
        self.window, self.channels, self.depth = window, channels, depth
        self.conv = MaskedConv(channels, window)
        self.b0 = nn.Parameter(torch.zeros(PIXELS, channels))
        self.g0 = nn.Parameter(torch.ones(PIXELS, channels))
        self.mix = nn.ModuleList(nn.Linear(channels, channels) for _ in range(depth))
        self.cond = nn.Linear(latent, (depth + 1) * channels, bias=False)
        self.out = nn.Linear(channels, 1)
        self.b_out = nn.Parameter(torch.zeros(PIXELS))

    def forward(self, x: torch.Tensor, z: torch.Tensor, pixel: int | None = None) -> torch.Tensor:
        """Logits for all 64 pixels, shape (batch, 64), or just for ``pixel``, shape (batch, 1)."""
        at = slice(None) if pixel is None else slice(pixel, pixel + 1)
        v = self.cond(z).view(-1, self.depth + 1, 1, self.channels)      # global: one bias for all pixels
        h = F.relu(self.conv(x.flatten(1), pixel) + self.b0[at] + self.g0[at] * v[:, 0])
        for l, layer in enumerate(self.mix, start=1):
            h = F.relu(layer(h) + v[:, l])
        return self.out(h).squeeze(-1) + self.b_out[at]

    @torch.no_grad()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Generate x from p(x|z) pixel by pixel in raster order, taking each pixel's
        more likely value (greedy), so a reconstruction shows what z alone fixes."""
        x = torch.zeros(z.shape[0], PIXELS, device=z.device, dtype=z.dtype)
        for i in range(PIXELS):
            x[:, i] = (self(x, z, pixel=i)[:, 0] > 0).to(x.dtype)
        return x


class FactorisedDecoder(nn.Module):
    """The plain VAE decoder: p(x|z) = prod_i Bernoulli(x_i; sigmoid(f_i(z))) (AEVB Appendix C.1)."""

    def __init__(self, latent: int = 16, hidden: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, PIXELS))

    def forward(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)

    @torch.no_grad()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return (self.net(z) > 0).to(z.dtype)


class VAE(nn.Module):
    """Encoder + decoder trained on the negative ELBO (AEVB Eq. 3 with the estimator of Eq. 10)."""

    def __init__(self, decoder: nn.Module, latent: int = 16, hidden: int = 256) -> None:
        super().__init__()
        self.encoder = GaussianEncoder(PIXELS, hidden, latent)
        self.decoder = decoder

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-example (reconstruction NLL, KL) in nats; their sum is -ELBO (one z sample, L = 1)."""
        mu, logvar = self.encoder(x)
        z = reparameterise(mu, logvar)
        logits = self.decoder(x, z)
        nll = F.binary_cross_entropy_with_logits(logits, x.flatten(1), reduction="none").sum(-1)  # -log p(x|z)
        return nll, kl_to_standard_normal(mu, logvar)

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Decode the posterior mean: what the code alone says about x."""
        mu, _ = self.encoder(x)
        return self.decoder.decode(mu)


def make_vae(kind: str, latent: int = 16, channels: int = 32, window: int = 1, depth: int = 2, hidden: int = 128) -> VAE:
    """kind: 'full' (whole-past PixelCNN), 'local' (window-limited PixelCNN) or 'plain' (factorised)."""
    if kind == "full":
        decoder: nn.Module = AutoregressiveDecoder(latent, channels, window=None, depth=depth)
    elif kind == "local":
        decoder = AutoregressiveDecoder(latent, channels, window=window, depth=depth)
    elif kind == "plain":
        decoder = FactorisedDecoder(latent, hidden)
    else:
        raise ValueError(f"unknown decoder kind {kind!r}")
    return VAE(decoder, latent, hidden)
