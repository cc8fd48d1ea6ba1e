"""The log-space least-squares fit of L(N) = L_inf + (N_c/N)^alpha_N, on planted and hand cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from implementations.scaling_laws.power_law import fit_line, fit_power_law, r_squared


def _planted(alpha: float, n_c: float, l_inf: float, noise: float, seed: int) -> tuple[list[float], list[float]]:
    """Losses L_inf + (N_c/N)^alpha times log-normal noise on the reducible part, N from 1e2 to 1e6."""
    rng = np.random.default_rng(seed)
    ns = np.logspace(2, 6, 9)
    reducible = (n_c / ns) ** alpha * np.exp(noise * rng.standard_normal(ns.size))
    return ns.tolist(), (l_inf + reducible).tolist()


def test_noiseless_power_law_is_recovered_exactly() -> None:
    ns, losses = _planted(alpha=0.076, n_c=8.8e13, l_inf=0.0, noise=0.0, seed=0)  # the paper's Eq. 1.1 constants
    fit = fit_power_law(ns, losses)
    assert fit.alpha == pytest.approx(0.076, rel=1e-10)
    assert fit.n_c == pytest.approx(8.8e13, rel=1e-8)
    assert fit.r2 == pytest.approx(1.0, abs=1e-12)
    assert fit.predict(1e9) == pytest.approx((8.8e13 / 1e9) ** 0.076, rel=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_exponent_and_scale_recovered_from_noisy_losses(seed: int) -> None:
    # 3% noise on L - L_inf; with 9 points over 4 decades the slope's standard error is about 0.006.
    ns, losses = _planted(alpha=0.5, n_c=250.0, l_inf=1.8, noise=0.03, seed=seed)
    fit = fit_power_law(ns, losses, l_inf=1.8)
    assert abs(fit.alpha - 0.5) < 0.03
    assert abs(math.log(fit.n_c / 250.0)) < 0.3
    assert fit.r2 > 0.99


def test_ignoring_a_planted_irreducible_loss_distorts_the_fit() -> None:
    ns, losses = _planted(alpha=0.5, n_c=250.0, l_inf=1.8, noise=0.0, seed=0)
    without = fit_power_law(ns, losses)  # Eq. 1.1 as written, L_inf = 0
    assert without.alpha < 0.2 and without.r2 < 0.99  # the floor bends the log-log line


def test_r_squared_and_line_on_a_hand_case() -> None:
    assert r_squared([1.0, 2.0, 3.0], [1.0, 2.0, 4.0]) == pytest.approx(0.5)  # 1 - 1 / 2
    slope, intercept = fit_line([0.0, 1.0, 2.0], [1.0, 2.0, 4.0])
    assert (slope, intercept) == pytest.approx((1.5, 5 / 6))
    assert np.polyfit([0.0, 1.0, 2.0], [1.0, 2.0, 4.0], 1) == pytest.approx([1.5, 5 / 6])
    # residuals 1/6, -1/3, 1/6: SS_res = 1/6, SS_tot = 14/3, R^2 = 27/28
    assert r_squared([1.0, 2.0, 4.0], [slope * x + intercept for x in (0.0, 1.0, 2.0)]) == pytest.approx(27 / 28)


def test_fit_on_a_hand_computed_power_law() -> None:
    # L - 1 = 8, 2, 0.5 at N = 1, 16, 256: slope -0.5 in log-log, so alpha 0.5 and N_c = 8^(1/0.5) = 64.
    fit = fit_power_law([1.0, 16.0, 256.0], [9.0, 3.0, 1.5], l_inf=1.0)
    assert fit.alpha == pytest.approx(0.5)
    assert fit.n_c == pytest.approx(64.0)


def test_loss_at_or_below_l_inf_is_rejected() -> None:
    with pytest.raises(ValueError):
        fit_power_law([1.0, 2.0], [2.0, 1.0], l_inf=1.0)
    with pytest.raises(ValueError):
        fit_power_law([1.0], [2.0])
