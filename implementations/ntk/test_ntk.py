"""The empirical NTK against an autograd Jacobian, the analytic kernel against closed forms and
the empirical kernel at large width, and the kernel-regime prediction against the linearised net
(float64)."""

from __future__ import annotations

import math

import torch
from torch.testing import assert_close

from implementations.ntk.data import circle, make_task
from implementations.ntk.kernels import analytic_ntk, kernel_gd_prediction
from implementations.ntk.net import TwoLayerReLU, empirical_ntk


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _jacobian(net: TwoLayerReLU, x: torch.Tensor) -> torch.Tensor:
    """∂f(x_i)/∂θ for every input, one autograd pass each: the independent double check."""
    rows = []
    for i in range(len(x)):
        net.zero_grad()
        net(x[i:i + 1]).sum().backward()
        rows.append(torch.cat([p.grad.flatten() for p in net.parameters()]))
    return torch.stack(rows)


def test_empirical_ntk_equals_the_jacobian_gram_matrix() -> None:
    net = TwoLayerReLU(3, 40, _gen())
    x1 = torch.randn(5, 3, generator=_gen(1), dtype=torch.float64)
    x2 = torch.randn(4, 3, generator=_gen(2), dtype=torch.float64)
    assert_close(empirical_ntk(net, x1, x2), _jacobian(net, x1) @ _jacobian(net, x2).T)


def test_forward_is_the_ntk_parameterisation_and_zero_at_init() -> None:
    net = TwoLayerReLU(3, 6, _gen())
    x = torch.randn(4, 3, generator=_gen(1), dtype=torch.float64)
    assert_close(net(x), torch.zeros(4, dtype=torch.float64), atol=1e-15, rtol=0)   # mirrored pairs
    with torch.no_grad():
        net.a.copy_(torch.randn(6, generator=_gen(2), dtype=torch.float64))
    assert_close(net(x), torch.relu(x @ net.w.T) @ net.a / math.sqrt(6))


def test_analytic_kernel_closed_forms() -> None:
    """θ = 0: Θ = |x|²/2 + |x|²/2 = |x|²; θ = π/2: only the order-1 term, |x||x'|/(2π);
    θ = π: both vanish."""
    x = torch.tensor([[2.0, 0.0]], dtype=torch.float64)
    assert_close(analytic_ntk(x, x), torch.tensor([[4.0]], dtype=torch.float64))
    orth = torch.tensor([[0.0, 3.0]], dtype=torch.float64)
    assert_close(analytic_ntk(x, orth), torch.tensor([[6.0 / (2 * math.pi)]], dtype=torch.float64))
    assert_close(analytic_ntk(x, -x), torch.zeros(1, 1, dtype=torch.float64), atol=1e-12, rtol=0)


def test_empirical_kernel_tends_to_the_analytic_one_at_large_width() -> None:
    x = torch.randn(6, 3, generator=_gen(3), dtype=torch.float64)
    exact = analytic_ntk(x, x)
    errors = []
    for width in (100, 200_000):
        net = TwoLayerReLU(3, width, _gen(4))
        errors.append(((empirical_ntk(net, x, x) - exact).norm() / exact.norm()).item())
    assert errors[1] < 0.01                       # ~ 1/√m fluctuations
    assert errors[1] < errors[0] / 10


def test_kernel_prediction_equals_the_linearised_net_trained_the_same_way() -> None:
    """The kernel-regime formula against gradient descent run explicitly on the model that is
    linear in θ around θ₀ (f_lin = J (θ − θ₀), f₀ = 0), whose kernel is exactly Θ₀."""
    x, y, x_test = make_task(8, 20, _gen(5))
    net = TwoLayerReLU(3, 64, _gen(6))
    j_train, j_test = _jacobian(net, x), _jacobian(net, x_test)
    delta = torch.zeros(j_train.shape[1], dtype=torch.float64)
    lr, steps = 0.2, 300
    for _ in range(steps):
        delta -= lr * j_train.T @ (j_train @ delta - y)
    expect = j_test @ delta
    got = kernel_gd_prediction(j_train @ j_train.T, j_test @ j_train.T, y, lr, steps)
    assert_close(got, expect)


def test_long_training_limit_is_kernel_regression() -> None:
    x, y, x_test = make_task(8, 20, _gen(7))
    k = analytic_ntk(x, x)
    got = kernel_gd_prediction(k, analytic_ntk(x_test, x), y, 0.2, 100_000)
    assert_close(got, analytic_ntk(x_test, x) @ torch.linalg.solve(k, y))
    assert_close(kernel_gd_prediction(k, k, y, 0.2, 100_000), y)      # interpolates the training set


def test_task_points_lie_on_the_lifted_unit_circle() -> None:
    x, y, x_test = make_task(8, 30, _gen())
    assert_close(x.norm(dim=1), torch.ones(8, dtype=torch.float64))
    assert_close(x[:, 2], torch.full((8,), 2**-0.5, dtype=torch.float64))
    assert_close(circle(torch.tensor([0.0], dtype=torch.float64)),
                 torch.tensor([[2**-0.5, 0.0, 2**-0.5]], dtype=torch.float64))
    angles = torch.atan2(x[:, 1], x[:, 0])
    assert_close(y, torch.sin(2 * angles) + 0.5 * torch.cos(3 * angles))
