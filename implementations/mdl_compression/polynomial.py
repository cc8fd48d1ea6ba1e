"""Choosing a polynomial's degree: two-part MDL against maximum likelihood (Gruenwald 2004, Sec. 1.3, 2.4).

Hypothesis H_d = "a polynomial of degree d plus Gaussian noise". Crude two-part MDL
picks the d minimising

    L(H) + L(D | H)

* L(H): the degree with a universal integer code (Elias gamma of d + 1), plus
  d + 2 real parameters (d + 1 coefficients and the noise variance), each sent
  to the precision that is optimal for n points, 1/sqrt(n), which costs
  (1/2) log2 n bits per parameter (Sec. 2.4 / the "k/2 log n" of crude MDL).
* L(D|H): the data under the fitted Gaussian, -sum log2 N(y_i; p(x_i), sigma^2),
  with sigma^2 the mean squared residual: n/2 log2(2 pi e sigma^2) bits (plus a
  constant -n log2(eps) for the precision eps of y, the same for every d, dropped).

Maximum likelihood alone minimises L(D|H) only, and that never increases with d.
"""

from __future__ import annotations

import math

import torch

from .codes import elias_gamma


def design_matrix(x: torch.Tensor, degree: int) -> torch.Tensor:
    """Columns 1, x, ..., x^degree (float64: Vandermonde on [-1, 1] is well enough conditioned)."""
    return torch.stack([x.double() ** k for k in range(degree + 1)], dim=1)


def fit(x: torch.Tensor, y: torch.Tensor, degree: int) -> tuple[torch.Tensor, float]:
    """Least squares coefficients (the ML estimate under Gaussian noise) and the mean squared residual."""
    a = design_matrix(x, degree)
    coef = torch.linalg.lstsq(a, y.double().unsqueeze(1)).solution.squeeze(1)
    mse = float((a @ coef - y.double()).pow(2).mean())
    return coef, mse


def hypothesis_bits(degree: int, n: int) -> float:
    """L(H): the degree (Elias gamma of degree + 1) and degree + 2 parameters at 1/2 log2 n bits each."""
    return len(elias_gamma(degree + 1)) + 0.5 * (degree + 2) * math.log2(n)


def data_bits(mse: float, n: int) -> float:
    """L(D|H) = n/2 log2(2 pi e sigma^2), sigma^2 = mse (up to the constant for y's precision)."""
    return 0.5 * n * math.log2(2 * math.pi * math.e * mse)


def select_degree(x: torch.Tensor, y: torch.Tensor, max_degree: int) -> dict[str, object]:
    """Code lengths for every degree 0..max_degree and the degrees MDL and ML choose."""
    n = len(x)
    rows = []
    for d in range(max_degree + 1):
        _, mse = fit(x, y, d)
        rows.append((d, hypothesis_bits(d, n), data_bits(mse, n), mse))
    mdl = min(rows, key=lambda r: r[1] + r[2])[0]
    ml = min(rows, key=lambda r: r[3])[0]
    return {"rows": rows, "mdl": mdl, "ml": ml}
