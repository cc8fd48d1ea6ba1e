"""The rival curve families and the extrapolation contest behind the scaling-law claim."""

from __future__ import annotations

import math

import pytest

from implementations.scaling_laws.families import FAMILIES, extrapolate

NS = [384, 864, 1536, 3456, 6144, 13824, 24576]
L_INF = 1.8


def losses_of(curve) -> list[float]:
    return [curve(n) for n in NS]


CURVES = {
    "power law": lambda n: L_INF + (250 / n) ** 0.5,
    "log-linear": lambda n: 4.0 - 0.2 * math.log(n),
    "exponential": lambda n: L_INF + 0.8 * math.exp(-1e-4 * n),
    "stretched exponential": lambda n: L_INF + math.exp(0.5 - 0.9 * n**0.3),
}


@pytest.mark.parametrize("family", list(CURVES))
def test_each_family_extrapolates_its_own_curve_exactly(family):
    results = {e.family: e for e in extrapolate(NS, losses_of(CURVES[family]), L_INF, n_fit=5)}
    assert results[family].error < 1e-9
    if family == "power law":  # and its two-parameter rivals miss a true power law by far
        assert results["log-linear"].error > 0.05 and results["exponential"].error > 0.05


def test_fitted_parameters_are_reported():
    predict, params = FAMILIES["power law"](NS[:5], losses_of(CURVES["power law"])[:5], L_INF)
    assert params == "alpha_N = 0.500"
    assert predict(24576) == pytest.approx(CURVES["power law"](24576), rel=1e-12)
    _, params = FAMILIES["stretched exponential"](NS[:5], losses_of(CURVES["stretched exponential"])[:5], L_INF)
    assert params == "c = 0.30"


def test_error_is_the_mean_absolute_error_on_the_held_out_points():
    losses = losses_of(CURVES["power law"])
    shifted = losses[:5] + [losses[5] + 0.02, losses[6] - 0.04]
    power = extrapolate(NS, shifted, L_INF, n_fit=5)[0]
    assert power.family == "power law"
    assert power.error == pytest.approx(0.03, abs=1e-12)
    assert power.predictions == pytest.approx(tuple(losses[5:]), rel=1e-12)


def test_needs_points_to_fit_and_to_predict():
    with pytest.raises(ValueError):
        extrapolate(NS, losses_of(CURVES["power law"]), L_INF, n_fit=7)
    with pytest.raises(ValueError):
        extrapolate(NS, losses_of(CURVES["power law"]), L_INF, n_fit=1)
