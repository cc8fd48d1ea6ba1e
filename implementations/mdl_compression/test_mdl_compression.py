"""Code lengths by hand, universal integer codes, compressor ordering, polynomial two-part code."""

from __future__ import annotations

import math
import random

import pytest
import torch

from implementations.mdl_compression.codes import (
    COMPRESSORS, bernoulli_code_length, bernoulli_two_part, compressed_bits, elias_delta, elias_delta_decode,
    elias_gamma, elias_gamma_decode, uniform_code_length,
)
from implementations.mdl_compression.polynomial import data_bits, design_matrix, fit, hypothesis_bits, select_degree


def test_uniform_code() -> None:
    assert uniform_code_length(1) == 0
    assert uniform_code_length(8) == 3
    assert uniform_code_length(10) == pytest.approx(3.321928, abs=1e-6)
    with pytest.raises(ValueError):
        uniform_code_length(0)


def test_elias_gamma_by_hand_and_round_trip() -> None:
    assert [elias_gamma(n) for n in (1, 2, 3, 4, 9)] == ["1", "010", "011", "00100", "0001001"]
    for n in range(1, 300):
        assert len(elias_gamma(n)) == 2 * int(math.floor(math.log2(n))) + 1
    numbers = [5, 1, 17, 2, 1000]
    stream = "".join(elias_gamma(n) for n in numbers)   # prefix code: a plain concatenation decodes
    out = []
    while stream:
        n, stream = elias_gamma_decode(stream)
        out.append(n)
    assert out == numbers


def test_elias_delta_by_hand_and_round_trip() -> None:
    assert [elias_delta(n) for n in (1, 2, 3, 4, 17)] == ["1", "0100", "0101", "01100", "001010001"]
    stream = "".join(elias_delta(n) for n in (3, 1, 1024, 77))
    out = []
    while stream:
        n, stream = elias_delta_decode(stream)
        out.append(n)
    assert out == [3, 1, 1024, 77]
    assert len(elias_delta(10**6)) < len(elias_gamma(10**6))


def test_kraft_inequality_for_universal_codes() -> None:
    for code in (elias_gamma, elias_delta):
        total = sum(2.0 ** -len(code(n)) for n in range(1, 5000))
        assert 0.9 < total <= 1.0


def test_bernoulli_code_lengths_by_hand() -> None:
    data = torch.tensor([1, 1, 0, 1])
    assert bernoulli_code_length(data, 0.5) == pytest.approx(4.0)
    assert bernoulli_code_length(data, 0.75) == pytest.approx(-(3 * math.log2(0.75) + math.log2(0.25)))
    # 2-bit precision: grid 1/8, 3/8, 5/8, 7/8; ML 0.75 -> cell [0.75, 1) -> 7/8
    theta, lh, ld = bernoulli_two_part(data, 2)
    assert (theta, lh) == (0.875, 2.0)
    assert ld == pytest.approx(-(3 * math.log2(0.875) + math.log2(0.125)))
    seven_tenths = torch.tensor([1] * 7 + [0] * 3)
    assert bernoulli_two_part(seven_tenths, 2)[0] == 0.625


def test_compressors_order_constant_periodic_random() -> None:
    rng = random.Random(0)
    constant = b"a" * 2048
    periodic = bytes(rng.getrandbits(8) for _ in range(16)) * 128
    noise = bytes(rng.getrandbits(8) for _ in range(2048))
    for name in COMPRESSORS:
        c, p, r = (compressed_bits(s, name) for s in (constant, periodic, noise))
        assert c < p < r, name
        assert r >= 8 * 2048 * 0.99   # random data does not compress


def test_polynomial_code_lengths_by_hand() -> None:
    # degree 3 with n = 64: gamma(4) = 00100 (5 bits) + 5 parameters * 1/2 log2 64 = 15 bits
    assert hypothesis_bits(3, 64) == pytest.approx(20.0)
    assert data_bits(1.0, 10) == pytest.approx(5 * math.log2(2 * math.pi * math.e))


def test_least_squares_fit_and_nested_ml() -> None:
    x = torch.linspace(-1, 1, 30, dtype=torch.float64)
    true = torch.tensor([0.5, 1.0, -2.0, 1.5], dtype=torch.float64)
    y = design_matrix(x, 3) @ true
    coef, mse = fit(x, y, 3)
    torch.testing.assert_close(coef, true)
    assert mse < 1e-20
    noisy = y + 0.3 * torch.randn(30, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    mses = [fit(x, noisy, d)[1] for d in range(8)]
    assert all(a >= b - 1e-12 for a, b in zip(mses, mses[1:]))   # nested models: ML never gets worse
    result = select_degree(x, noisy, 7)
    assert result["ml"] == 7 and result["mdl"] == 3
