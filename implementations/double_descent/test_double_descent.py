"""Min-norm least squares against torch's solvers and closed forms (float64), and the pipeline whole."""

from __future__ import annotations

import torch
from torch.testing import assert_close

from implementations.double_descent.data import make_task, sphere
from implementations.double_descent.features import draw_weights, features, fit_and_test
from implementations.double_descent.min_norm import min_norm_lstsq


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _problem(n: int, n_features: int, seed: int = 0):
    g = _gen(seed)
    return (torch.randn(n, n_features, generator=g, dtype=torch.float64),
            torch.randn(n, generator=g, dtype=torch.float64))


def test_equals_pinv_and_gelsd_on_both_sides_of_the_threshold() -> None:
    for n_features in (7, 20, 60):            # over-determined, square, under-determined (n = 20)
        phi, y = _problem(20, n_features, seed=n_features)
        a = min_norm_lstsq(phi, y)
        assert_close(a, torch.linalg.pinv(phi) @ y)
        assert_close(a, torch.linalg.lstsq(phi, y.unsqueeze(1), driver="gelsd").solution.squeeze(1))


def test_one_equation_closed_form() -> None:
    """min ||a|| s.t. φᵀa = y is a = φ y / ||φ||²."""
    phi = torch.tensor([[3.0, 4.0, 0.0]], dtype=torch.float64)
    assert_close(min_norm_lstsq(phi, torch.tensor([10.0], dtype=torch.float64)),
                 torch.tensor([1.2, 1.6, 0.0], dtype=torch.float64))


def test_over_determined_is_the_normal_equations_solution() -> None:
    phi, y = _problem(30, 5)
    assert_close(min_norm_lstsq(phi, y), torch.linalg.solve(phi.T @ phi, phi.T @ y))


def test_rank_deficient_picks_the_minimum_norm_solution() -> None:
    """Duplicated columns: any split of the weight interpolates; the min-norm one splits it evenly."""
    base, y = _problem(10, 3)
    phi = torch.cat([base, base[:, :1]], dim=1)       # column 0 twice
    a = min_norm_lstsq(phi, y)
    assert_close(a[0], a[3])
    other = a.clone()
    other[0], other[3] = a[0] + a[3], 0.0             # same fit, larger norm
    assert_close(phi @ other, phi @ a)
    assert other.norm() > a.norm()


def test_gradient_descent_from_zero_converges_to_it() -> None:
    """Why the min-norm solution is the natural one: GD on the squared loss from a = 0 stays in
    the row space of Φ and ends at Φ⁺ y (the implicit bias of Belkin et al. Sec. 2)."""
    phi, y = _problem(8, 30)
    a = torch.zeros(30, dtype=torch.float64)
    lr = 1.0 / torch.linalg.matrix_norm(phi, ord=2) ** 2
    for _ in range(5000):
        a -= lr * phi.T @ (phi @ a - y)
    assert_close(a, min_norm_lstsq(phi, y), atol=1e-8, rtol=1e-6)


def test_fit_and_test_whole_pipeline_against_a_written_out_reference() -> None:
    g = _gen(3)
    x_tr, y_tr, x_te, y_te = make_task(40, 200, g)
    for n_features in (10, 40, 300):
        w = draw_weights(x_tr.shape[1], n_features, g)
        phi_tr, phi_te = (x_tr @ w).clamp_min(0), (x_te @ w).clamp_min(0)
        a = torch.linalg.pinv(phi_tr) @ y_tr
        train, test = fit_and_test(x_tr, y_tr, x_te, y_te, w)
        assert abs(train - ((phi_tr @ a - y_tr) ** 2).mean().item()) < 1e-10
        assert abs(test - ((phi_te @ a - y_te) ** 2).mean().item()) < 1e-8
        if n_features > 40:
            assert train < 1e-20                       # past the threshold the fit interpolates


def test_features_are_relu_of_a_frozen_projection_and_weights_scale_as_one_over_root_d() -> None:
    x = torch.tensor([[1.0, -2.0], [2.0, 1.0]], dtype=torch.float64)
    w = torch.tensor([[1.0, 0.5], [1.0, -0.5]], dtype=torch.float64)
    assert_close(features(x, w), torch.tensor([[0.0, 1.5], [3.0, 0.5]], dtype=torch.float64))
    big = draw_weights(400, 500, _gen())
    assert abs(big.var().item() - 1 / 400) < 2e-4


def test_task_inputs_lie_on_the_sphere_and_test_targets_are_noise_free() -> None:
    x = sphere(50, 10, _gen())
    assert_close(x.norm(dim=1), torch.full((50,), 10**0.5, dtype=torch.float64))
    _, y_a, _, t_a = make_task(30, 30, _gen(5), noise=0.3)
    _, y_b, _, t_b = make_task(30, 30, _gen(5), noise=0.0)
    assert_close(t_a, t_b)                             # same teacher, no noise on the test targets
    assert (y_a - y_b).std() > 0.2                     # label noise on the training targets only


def test_small_but_real_singular_values_are_kept() -> None:
    """Only numerically zero singular values are cut: near the threshold Φ is ill-conditioned, and
    cutting real ones would hide the peak the demo measures."""
    q1, _ = torch.linalg.qr(torch.randn(6, 3, generator=_gen(1), dtype=torch.float64))
    q2, _ = torch.linalg.qr(torch.randn(3, 3, generator=_gen(2), dtype=torch.float64))
    phi = q1 @ torch.diag(torch.tensor([1.0, 1e-2, 1e-6], dtype=torch.float64)) @ q2.T
    y = torch.randn(6, generator=_gen(3), dtype=torch.float64)
    assert_close(min_norm_lstsq(phi, y), torch.linalg.pinv(phi) @ y)
