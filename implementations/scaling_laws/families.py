"""Curve families that compete with the power law to explain L(N), and their extrapolation test.

A high R^2 of the power law on all points does not show that L(N) is a power
law: smooth decreasing curves of other shapes fit seven points well too. The
test that separates them is the one the paper uses the law for: fit on the
smaller models, predict the larger ones. Each family here is fitted by least
squares on the reducible loss L - L_inf (L_inf known), except log-linear,
which has no floor.

- power law:            log(L - L_inf) = a - alpha log N               (Eq. 1.1 plus a floor)
- log-linear:           L = a - b log N
- exponential:          log(L - L_inf) = a - b N
- stretched exponential: log(L - L_inf) = a - b N^c, 0 < c <= 1 (c by grid search, a and b by least squares)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

from .power_law import fit_line, fit_power_law

Predictor = Callable[[float], float]  # N -> predicted L; ``.params`` says what was fitted
STRETCH_GRID = tuple(i / 100 for i in range(5, 101))  # c from 0.05 to 1


def fit_log_linear(ns: Sequence[float], losses: Sequence[float], l_inf: float) -> tuple[Predictor, str]:
    slope, intercept = fit_line([math.log(n) for n in ns], list(losses))
    return (lambda n: intercept + slope * math.log(n)), f"b = {-slope:.3f}"


def fit_exponential(ns: Sequence[float], losses: Sequence[float], l_inf: float) -> tuple[Predictor, str]:
    slope, intercept = fit_line(list(ns), [math.log(v - l_inf) for v in losses])
    return (lambda n: l_inf + math.exp(intercept + slope * n)), f"b = {-slope:.3g}"


def fit_stretched_exponential(ns: Sequence[float], losses: Sequence[float], l_inf: float) -> tuple[Predictor, str]:
    y = [math.log(v - l_inf) for v in losses]
    best = None
    for c in STRETCH_GRID:
        x = [n**c for n in ns]
        slope, intercept = fit_line(x, y)
        sse = sum((intercept + slope * a - b) ** 2 for a, b in zip(x, y))
        if best is None or sse < best[0]:
            best = (sse, c, slope, intercept)
    _, c, slope, intercept = best
    return (lambda n: l_inf + math.exp(intercept + slope * n**c)), f"c = {c:.2f}"


def fit_power(ns: Sequence[float], losses: Sequence[float], l_inf: float) -> tuple[Predictor, str]:
    fit = fit_power_law(ns, losses, l_inf=l_inf)
    return fit.predict, f"alpha_N = {fit.alpha:.3f}"


FAMILIES: dict[str, Callable[[Sequence[float], Sequence[float], float], tuple[Predictor, str]]] = {
    "power law": fit_power,
    "log-linear": fit_log_linear,
    "exponential": fit_exponential,
    "stretched exponential": fit_stretched_exponential,
}


@dataclass(frozen=True)
class Extrapolation:
    family: str
    predictions: tuple[float, ...]  # predicted L at each held-out N
    error: float                    # mean |predicted L - measured L| over the held-out N, nats
    params: str                     # the fitted shape parameter, for the report


def extrapolate(ns: Sequence[float], losses: Sequence[float], l_inf: float, n_fit: int) -> list[Extrapolation]:
    """Fit every family on the first ``n_fit`` points, score it on the rest."""
    if not 2 <= n_fit < len(ns):
        raise ValueError("need at least two points to fit and one to predict")
    fit_n, fit_l = ns[:n_fit], losses[:n_fit]
    out = []
    for name, fit in FAMILIES.items():
        predict, params = fit(fit_n, fit_l, l_inf)
        preds = tuple(predict(n) for n in ns[n_fit:])
        error = sum(abs(p - v) for p, v in zip(preds, losses[n_fit:])) / len(preds)
        out.append(Extrapolation(name, preds, error, params))
    return out
