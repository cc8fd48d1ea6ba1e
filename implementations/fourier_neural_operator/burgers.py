"""A pseudo-spectral solver for the viscous Burgers equation on the periodic unit interval,

    u_t + (u²/2)_x = ν u_xx,    x ∈ [0, 1), periodic,

the data generator of the FNO paper's 1-D benchmark (Li et al. 2021, Sec. 5.1).

Space: Fourier modes û_k, wavenumber 2πk; the quadratic term is de-aliased by the 2/3 rule.
Time: integrating-factor RK4 (Trefethen, *Spectral Methods in MATLAB*, p27): the stiff diffusion
is integrated exactly through E = exp(−ν(2πk)² dt/2), only the advection is stepped. With the
advection switched off (``advect=False``) the scheme is exactly the heat equation's Fourier
decay û_k(t) = exp(−ν(2πk)² t) û_k(0), the closed form the tests check it against.
"""

from __future__ import annotations

import math

import torch


def wavenumbers(n: int, dtype=torch.float64) -> torch.Tensor:
    """2πk for the n//2 + 1 modes ``torch.fft.rfft`` returns."""
    return 2 * math.pi * torch.arange(n // 2 + 1, dtype=dtype)


def solve(u0: torch.Tensor, nu: float, t_end: float, dt: float, advect: bool = True) -> torch.Tensor:
    """u(·, t_end) for each row of ``u0`` (batch, n) sampled at x_j = j/n."""
    n = u0.shape[-1]
    steps = max(1, math.ceil(t_end / dt - 1e-9))
    h = t_end / steps
    k = wavenumbers(n, u0.dtype)
    half = torch.exp(-nu * k**2 * h / 2)                          # E: half a step of diffusion
    full = half**2
    keep = (torch.arange(n // 2 + 1) < n / 3).to(u0.dtype)        # 2/3-rule de-aliasing mask
    flux_factor = -0.5j * k * keep                                # -(i k / 2) · FFT(u²)

    def advection(u_hat: torch.Tensor) -> torch.Tensor:
        if not advect:
            return torch.zeros_like(u_hat)
        u = torch.fft.irfft(u_hat, n=n)
        return flux_factor * torch.fft.rfft(u * u)

    u_hat = torch.fft.rfft(u0)
    for _ in range(steps):
        a = h * advection(u_hat)
        b = h * advection(half * (u_hat + a / 2))
        c = h * advection(half * u_hat + b / 2)
        d = h * advection(full * u_hat + half * c)
        u_hat = full * u_hat + (full * a + 2 * half * (b + c) + d) / 6
    return torch.fft.irfft(u_hat, n=n)


def cole_hopf(x: torch.Tensor, t: float, nu: float, amplitude: float = 1.0, offset: float = 2.0) -> torch.Tensor:
    """An exact periodic solution: u = −2ν ∂_x ln φ with φ = offset + amplitude·cos(2πx)·exp(−4π²νt),
    since φ solves the heat equation φ_t = ν φ_xx (the Cole-Hopf transform)."""
    decay = amplitude * math.exp(-4 * math.pi**2 * nu * t)
    phi = offset + decay * torch.cos(2 * math.pi * x)
    return 2 * nu * 2 * math.pi * decay * torch.sin(2 * math.pi * x) / phi
