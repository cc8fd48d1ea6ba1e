"""Fitting L(N) = (N_c / N)^alpha_N  (Eq. 1.1), by least squares in log space.

Taking logs turns the power law into a line,
    log(L - L_inf) = alpha_N log N_c - alpha_N log N,
so ordinary least squares of y = log(L - L_inf) on x = log N gives the slope
-alpha_N and the intercept alpha_N log N_c. L_inf is the irreducible loss: 0 in
the paper's Eq. 1.1 (natural language's entropy is unknown); for a source we
generated ourselves it is its known entropy rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class PowerLawFit:
    alpha: float  # alpha_N, the exponent
    n_c: float  # N_c, the scale at which the (reducible) loss would be 1 nat
    r2: float  # coefficient of determination of the line in log-log space
    l_inf: float = 0.0

    def predict(self, n: float) -> float:
        """L(N) = L_inf + (N_c / N)^alpha_N."""
        return self.l_inf + (self.n_c / n) ** self.alpha


def r_squared(y: Sequence[float], y_hat: Sequence[float]) -> float:
    """R^2 = 1 - SS_res / SS_tot: the fraction of the variance of y the fit explains."""
    mean = sum(y) / len(y)
    ss_res = sum((a - b) ** 2 for a, b in zip(y, y_hat))
    ss_tot = sum((a - mean) ** 2 for a in y)
    return 1.0 - ss_res / ss_tot


def fit_line(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Least-squares slope and intercept of y = slope x + intercept."""
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    slope = sxy / sxx
    return slope, my - slope * mx


def fit_power_law(n: Sequence[float], loss: Sequence[float], l_inf: float = 0.0) -> PowerLawFit:
    """Fit L(N) = L_inf + (N_c / N)^alpha_N; R^2 is that of the line in log-log space."""
    if len(n) != len(loss) or len(n) < 2:
        raise ValueError("need at least two (N, loss) pairs of equal length")
    if any(v <= l_inf for v in loss):
        raise ValueError("every loss must exceed l_inf to take log(L - L_inf)")
    x = [math.log(v) for v in n]
    y = [math.log(v - l_inf) for v in loss]
    slope, intercept = fit_line(x, y)
    alpha = -slope
    n_c = math.exp(intercept / alpha) if alpha != 0 else math.inf
    r2 = r_squared(y, [slope * a + intercept for a in x])
    return PowerLawFit(alpha=alpha, n_c=n_c, r2=r2, l_inf=l_inf)
