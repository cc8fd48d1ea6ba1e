"""The whole degree selection on nine points, every code length computed by hand: L(H) from the Elias gamma
code and (d + 2) parameters at 1/2 log2 n bits, L(D|H) = n/2 log2(2 pi e sigma^2) with sigma^2 the MEAN squared
residual of the least-squares fit (solved here by the normal equations), and the two choices."""

from __future__ import annotations

import math

import pytest
import torch

from implementations.mdl_compression.polynomial import select_degree

X = [k / 4 - 1 for k in range(9)]
NOISE = [0.05, -0.04, 0.03, -0.06, 0.02, 0.04, -0.03, 0.05, -0.02]
Y = [x * x + e for x, e in zip(X, NOISE)]          # y = x^2 plus small fixed noise


def _mse_by_normal_equations(degree: int) -> float:
    a = torch.tensor([[x ** k for k in range(degree + 1)] for x in X], dtype=torch.float64)
    y = torch.tensor(Y, dtype=torch.float64)
    coef = torch.linalg.solve(a.T @ a, a.T @ y)
    residual = a @ coef - y
    return float(residual.pow(2).sum()) / len(X)


def test_code_length_table_and_choices_by_hand():
    n = 9
    gamma_bits = {1: 1, 2: 3, 3: 3, 4: 5, 5: 5}           # gamma(1) = 1, gamma(2) = 010, gamma(3) = 011, gamma(4) = 00100
    result = select_degree(torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64), 4)
    assert [r[0] for r in result["rows"]] == [0, 1, 2, 3, 4]
    totals = {}
    for degree, l_h, l_d, mse in result["rows"]:
        by_hand_mse = _mse_by_normal_equations(degree)
        assert mse == pytest.approx(by_hand_mse, rel=1e-9)
        assert l_h == pytest.approx(gamma_bits[degree + 1] + 0.5 * (degree + 2) * math.log2(n))
        assert l_d == pytest.approx(0.5 * n * math.log2(2 * math.pi * math.e * by_hand_mse))
        totals[degree] = l_h + l_d
    mean_y = sum(Y) / n
    assert result["rows"][0][3] == pytest.approx(sum((y - mean_y) ** 2 for y in Y) / n)   # degree 0: the variance
    assert result["mdl"] == min(totals, key=totals.get) == 2
    assert result["ml"] == 4                                # ML: the smallest residual, the largest degree
