"""The proximal steps against soft-thresholding and brute-force minimisation, the whole L1 solver
against scikit-learn's Lasso (coordinate descent) and its optimality conditions, the L2 solver
against ridge's closed form (float64), the demo's matched-error selection, and the data design."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from implementations.norm_penalties import data, demo
from implementations.norm_penalties.penalties import fit, objective, shrink, soft_threshold, step_size

D = torch.float64


def _problem(seed: int = 0):
    return data.sparse_problem(torch.Generator().manual_seed(seed))


def test_soft_threshold_exact_values() -> None:
    v = torch.tensor([3.0, -0.5, 0.2, -2.0, 0.0, 1.0], dtype=D)
    assert_close(soft_threshold(v, 1.0), torch.tensor([2.0, 0.0, 0.0, -1.0, 0.0, 0.0], dtype=D), rtol=0, atol=0)
    assert (soft_threshold(v, 1.0)[[1, 2, 4, 5]] == 0).all()          # exact zeros, not tiny values


@pytest.mark.parametrize("prox, penalty", [(soft_threshold, lambda z, t: t * z.abs()),
                                           (shrink, lambda z, t: 0.5 * t * z * z)])
def test_proximal_steps_are_the_argmin_of_their_definition(prox, penalty) -> None:
    """prox(v) = argmin_z ½(z − v)² + t·Ω(z), found by brute force on a 1e-4 grid."""
    z = torch.linspace(-6, 6, 120001, dtype=D)
    v = torch.tensor([-4.0, -0.7, -0.1, 0.0, 0.3, 0.9, 2.5], dtype=D)
    for t in (0.2, 0.8, 1.5):
        brute = z[(0.5 * (z[None] - v[:, None]) ** 2 + penalty(z[None], t)).argmin(1)]
        assert_close(prox(v, t), brute, rtol=0, atol=1e-4)


def test_l1_solver_equals_sklearn_lasso_zeros_included() -> None:
    from sklearn.linear_model import Lasso

    x, y = _problem(1).train
    for lam in (0.05, 0.2):
        ours = fit("l1", x, y, lam, steps=3000)
        ref = Lasso(alpha=lam, fit_intercept=False, tol=1e-14, max_iter=100000).fit(x.numpy(), y.numpy())
        assert_close(ours, torch.from_numpy(ref.coef_), rtol=0, atol=1e-7)
        assert torch.equal(ours == 0, torch.from_numpy(ref.coef_ == 0))
        assert (ours == 0).sum() > 10


def test_l1_solution_meets_the_optimality_conditions() -> None:
    """0 ∈ ∇(data term) + λ ∂‖w‖₁: the correlation Xᵀ(y − Xw)/n is λ·sign(w) on the support, within ±λ off it."""
    x, y = _problem(2).train
    lam = 0.15
    w = fit("l1", x, y, lam, steps=3000)
    corr = x.T @ (y - x @ w) / len(y)
    on = w != 0
    assert_close(corr[on], lam * w[on].sign(), rtol=0, atol=1e-8)
    assert corr[~on].abs().max() <= lam + 1e-10


def test_l2_solver_equals_ridge_closed_form() -> None:
    x, y = _problem(3).train
    for lam in (0.01, 1.0):
        closed = torch.linalg.solve(x.T @ x / len(y) + lam * torch.eye(x.shape[1], dtype=D), x.T @ y / len(y))
        ours = fit("l2", x, y, lam, steps=3000)
        assert_close(ours, closed, rtol=0, atol=1e-9)
        assert (ours != 0).all()


def test_each_step_decreases_the_penalised_objective_and_step_size_is_one_over_lipschitz() -> None:
    x, y = _problem(4).train
    eig = torch.linalg.eigvalsh(x.T @ x / len(y)).max()
    assert step_size(x) == pytest.approx(1 / eig.item())
    for kind in ("l1", "l2"):
        w, last = None, float("inf")
        for _ in range(20):
            w = fit(kind, x, y, 0.1, steps=1, w0=w)
            now = objective(kind, x, y, w, 0.1).item()
            assert now <= last + 1e-12
            last = now


def test_objective_is_half_the_mean_squared_error_plus_the_penalty() -> None:
    x = torch.tensor([[1.0, 0.0], [0.0, 2.0]], dtype=D)
    y = torch.tensor([1.0, 0.0], dtype=D)
    w = torch.tensor([3.0, -1.0], dtype=D)
    # residuals 2 and -2: ½·mean(4, 4) = 2
    assert objective("l1", x, y, w, 0.5).item() == pytest.approx(2 + 0.5 * 4)
    assert objective("l2", x, y, w, 0.5).item() == pytest.approx(2 + 0.25 * 10)


def test_select_takes_l2_at_its_best_and_the_sparsest_l1_that_matches_it() -> None:
    w = torch.zeros(2)
    fits = {"l2": [(0.1, w, 0.50), (1.0, w, 0.40), (10.0, w, 0.70)],
            "l1": [(2.0, w, 0.90), (1.0, w, 0.39), (0.5, w, 0.35), (0.1, w, 0.41)]}
    l1, l2 = demo.select(fits)
    assert l2[0] == 1.0 and l1[0] == 1.0     # not 0.5 (the best L1), not 2.0 (worse than L2)
    with pytest.raises(RuntimeError, match="matches"):
        demo.select({"l2": fits["l2"], "l1": [(1.0, w, 0.41)]})


def test_data_design_sparse_truth_and_independent_splits() -> None:
    p = _problem(5)
    assert int(p.support.sum()) == data.RELEVANT
    assert ((p.w_true[p.support].abs() >= 1) & (p.w_true[p.support].abs() <= 2)).all()
    assert len({p.w_true[p.support].sign().sum().item() for p in map(_problem, range(8))}) > 1   # signs vary
    (x, y), (xv, yv), (xt, yt) = p.train, p.val, p.test
    assert (len(y), len(yv), len(yt)) == (data.N_TRAIN, data.N_VAL, data.N_TEST)
    assert not torch.isclose(x[:, None, :], xv[None, :, :]).all(-1).any()      # no shared rows
    for xs, ys in (p.train, p.val, p.test):
        noise = ys - xs @ p.w_true
        assert abs(noise.std().item() - data.NOISE) < 0.2 * data.NOISE
