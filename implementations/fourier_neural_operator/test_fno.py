"""The Burgers solver against closed forms, the spectral convolution and the whole FNO against
explicit DFT sums with copied weights, the CNN baseline against a written-out reference, and the
data (float64)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations._common.params import count_parameters
from implementations.fourier_neural_operator.burgers import cole_hopf, solve
from implementations.fourier_neural_operator.cnn import ResidualCNN
from implementations.fourier_neural_operator.data import field_std, initial_conditions, make_splits, subsample
from implementations.fourier_neural_operator.demo import CNN_WIDTH, MODES, WIDTH, fourier_upsample
from implementations.fourier_neural_operator.fno import FNO1d, SpectralConv1d, relative_l2

D = torch.float64


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _grid(n: int) -> torch.Tensor:
    return torch.arange(n, dtype=D) / n


def _band_limited(n: int, modes: int, count: int = 3, seed: int = 0) -> torch.Tensor:
    """Random fields with Fourier modes below ``modes`` only, sampled at x_j = j/n."""
    g = _gen(seed)
    k = torch.arange(modes, dtype=D)
    a, b = (torch.randn(count, modes, generator=g, dtype=D) for _ in range(2))
    phase = 2 * math.pi * _grid(n)[:, None] * k
    return a @ torch.cos(phase).T + b @ torch.sin(phase).T


# --- the solver ---------------------------------------------------------------------------------

def test_without_advection_each_fourier_mode_decays_as_the_heat_equation_says() -> None:
    x, nu, t = _grid(64), 0.05, 0.7
    u0 = torch.stack([torch.sin(2 * math.pi * 3 * x), 1 + torch.cos(2 * math.pi * 5 * x)])
    expect = torch.stack([math.exp(-nu * (6 * math.pi) ** 2 * t) * u0[0],
                          1 + math.exp(-nu * (10 * math.pi) ** 2 * t) * torch.cos(2 * math.pi * 5 * x)])
    assert_close(solve(u0, nu, t, dt=0.01, advect=False), expect, rtol=0, atol=1e-13)


def test_burgers_matches_the_cole_hopf_solution() -> None:
    x = _grid(128)
    for nu, offset, t in ((0.1, 2.0, 1.0), (0.02, 1.2, 0.5)):
        got = solve(cole_hopf(x, 0.0, nu, offset=offset)[None], nu, t, dt=1e-3)[0]
        expect = cole_hopf(x, t, nu, offset=offset)
        assert_close(got, expect, rtol=0, atol=1e-11)


def test_burgers_conserves_the_mean_and_dissipates_energy() -> None:
    u0 = initial_conditions(4, _gen(1), 128) + 0.3
    u1 = solve(u0, 0.01, 1.0, 2e-3)
    assert_close(u1.mean(-1), u0.mean(-1), rtol=0, atol=1e-12)
    assert torch.all((u1 ** 2).mean(-1) < (u0 ** 2).mean(-1))


# --- the spectral convolution and the whole FNO ---------------------------------------------------

def _dft_spectral_conv(v: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """F⁻¹(R · F v) by explicit sums: V_k = Σ_j v_j e^{−2πijk/n}; for the kept k < m,
    out_j = (1/n) Re(Σ_k c_k (R_k V_k) e^{2πijk/n}), c_0 = 1 and c_k = 2 (the conjugate half)."""
    n, modes = v.shape[-1], weight.shape[-1]
    j, k = torch.arange(n, dtype=D), torch.arange(modes, dtype=D)
    forward = torch.exp(-2j * math.pi * torch.outer(k, j) / n)          # (modes, n)
    spectrum = torch.einsum("kj,bij->bik", forward, v.to(torch.cdouble))
    mixed = torch.einsum("bik,iok->bok", spectrum, weight)
    weights = torch.full((modes,), 2.0, dtype=D)
    weights[0] = 1.0
    inverse = torch.exp(2j * math.pi * torch.outer(j, k) / n) * weights   # (n, modes)
    return torch.einsum("jk,bok->boj", inverse, mixed).real / n


def _fno(width: int = 6, modes: int = 5) -> FNO1d:
    torch.manual_seed(0)
    net = FNO1d(width, modes, layers=3, hidden=7).to(D)
    with torch.no_grad():                                  # weights of order 1, so every path counts
        for conv in net.spectral:
            conv.weight.copy_(torch.randn(conv.weight.shape, dtype=D) / width)
    return net


def test_spectral_conv_equals_an_explicit_dft_computation() -> None:
    conv = SpectralConv1d(4, 6).to(D)
    v = torch.randn(3, 4, 16, generator=_gen(2), dtype=D)
    assert_close(conv(v), _dft_spectral_conv(v, conv.complex_weight))
    assert_close(conv(v + 5.0) - conv(v), _dft_spectral_conv(torch.full_like(v, 5.0), conv.complex_weight))


def test_spectral_conv_gives_the_same_function_at_every_resolution() -> None:
    """A band-limited field sampled at 32, 64 or 128 points maps to the same output field."""
    conv = SpectralConv1d(1, 8).to(D)
    with torch.no_grad():
        conv.weight.copy_(torch.randn(1, 1, 8, 2, generator=_gen(3), dtype=D))
    fine = conv(_band_limited(128, 8)[:, None])
    for n in (32, 64):
        assert_close(conv(_band_limited(n, 8)[:, None]), subsample(fine, n))


def test_spectral_conv_refuses_more_modes_than_the_grid_holds() -> None:
    with pytest.raises(ValueError, match="at least 24 grid points"):
        SpectralConv1d(2, 12)(torch.zeros(1, 2, 16))


def test_whole_fno_equals_a_reference_built_from_explicit_dfts_and_copied_weights() -> None:
    net = _fno()
    width, layers = 6, 3
    lift, project_in, project_out = torch.nn.Linear(2, width).to(D), torch.nn.Linear(width, 7).to(D), torch.nn.Linear(7, 1).to(D)
    lift.load_state_dict(net.lift.state_dict())
    project_in.load_state_dict(net.project[0].state_dict())
    project_out.load_state_dict(net.project[2].state_dict())
    u0 = torch.randn(2, 20, generator=_gen(4), dtype=D)
    x = _grid(20)
    v = lift(torch.stack([u0, x.expand_as(u0)], -1)).transpose(1, 2)        # (batch, width, n)
    for layer in range(layers):
        w = net.pointwise[layer]
        local = torch.einsum("oi,bin->bon", w.weight[..., 0], v) + w.bias[:, None]
        v = _dft_spectral_conv(v, net.spectral[layer].complex_weight) + local
        if layer < layers - 1:
            v = F.gelu(v)
    expect = project_out(F.gelu(project_in(v.transpose(1, 2)))).squeeze(-1)
    assert_close(net(u0), expect)
    # gradients through the assembled model, too
    expect.square().sum().backward()
    reference_grad = lift.weight.grad.clone()
    net(u0).square().sum().backward()
    assert_close(net.lift.weight.grad, reference_grad)


def test_relative_l2_by_hand() -> None:
    pred = torch.tensor([[3.0, 4.0], [1.0, 1.0]], dtype=D)
    target = torch.tensor([[0.0, 4.0], [2.0, 0.0]], dtype=D)
    assert_close(relative_l2(pred, target), torch.tensor((3 / 4 + math.sqrt(2) / 2) / 2, dtype=D))


# --- the CNN baseline -----------------------------------------------------------------------------

def test_cnn_equals_a_reference_with_explicit_circular_padding() -> None:
    torch.manual_seed(1)
    net = ResidualCNN(width=5, kernel=3, dilations=(1, 4)).to(D)
    u0 = torch.randn(2, 16, generator=_gen(5), dtype=D)
    v = F.conv1d(torch.stack([u0, _grid(16).expand_as(u0)], 1), net.lift.weight, net.lift.bias)
    for conv, d in zip(net.convs, (1, 4)):
        wrapped = torch.cat([v[..., -d:], v, v[..., :d]], dim=-1)            # periodic padding by hand
        v = v + F.gelu(F.conv1d(wrapped, conv.weight, conv.bias, dilation=d))
    p1, p2 = net.project[0], net.project[2]
    expect = F.conv1d(F.gelu(F.conv1d(v, p1.weight, p1.bias)), p2.weight, p2.bias).squeeze(1)
    assert_close(net(u0), expect)


def test_cnn_receptive_field_spans_64_points_but_not_128() -> None:
    net = ResidualCNN(width=4).to(D)
    for n, reach_all in ((64, True), (128, False)):
        u0 = torch.randn(1, n, generator=_gen(6), dtype=D, requires_grad=True)
        net(u0)[0, 0].backward()
        assert bool((u0.grad[0] != 0).all()) is reach_all


def test_demo_models_have_the_same_budget() -> None:
    fno, cnn = FNO1d(WIDTH, MODES), ResidualCNN(CNN_WIDTH)
    assert sum(conv.weight.numel() for conv in fno.spectral) == 4 * WIDTH * WIDTH * MODES * 2   # re and im
    assert abs(count_parameters(fno) - count_parameters(cnn)) / count_parameters(cnn) < 0.05


def test_fourier_upsample_is_exact_for_band_limited_fields() -> None:
    assert_close(fourier_upsample(_band_limited(64, 20), 128), _band_limited(128, 20))


# --- the data --------------------------------------------------------------------------------------

def test_initial_conditions_have_zero_mean_and_the_stated_spectrum() -> None:
    u0 = initial_conditions(4000, _gen(7), 64)
    assert_close(u0.mean(-1), torch.zeros(4000, dtype=D), rtol=0, atol=1e-12)
    spectrum = torch.fft.rfft(u0) / 64                       # mode k: (a − i b)·√2·std_k / 2
    variance = (spectrum.abs() ** 2).mean(0)[1:6]            # E|·|² = std_k² (a, b standard normal)
    expect = field_std(torch.arange(1, 6, dtype=D)) ** 2     # the eigenvalues 625 / ((2πk)² + 25)²
    assert_close(expect[0], torch.tensor(625 / (4 * math.pi**2 + 25) ** 2, dtype=D))
    assert torch.all((variance / expect - 1).abs() < 4 / math.sqrt(4000))   # |·|²/std² ~ Exp(1)


def test_subsample_takes_the_points_j_over_n() -> None:
    assert_close(subsample(_grid(128)[None], 64)[0], _grid(64))
    with pytest.raises(ValueError, match="does not divide"):
        subsample(torch.zeros(1, 128), 48)


def test_splits_are_disjoint_seeded_and_solved() -> None:
    (u0, u1), (t0, t1) = make_splits(6, 4, seed=3)
    assert u0.shape == (6, 128) and t0.shape == (4, 128)
    assert torch.cdist(u0, t0).min() > 0.1                    # no test field is a training field
    (again, _), _ = make_splits(6, 4, seed=3)
    assert_close(again, u0)
    assert_close(u1, solve(u0, 0.01, 1.0, 2e-3))
