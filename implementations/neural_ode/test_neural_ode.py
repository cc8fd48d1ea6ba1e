"""The solvers against closed forms, the Dormand-Prince tableau's order conditions and scipy; the
adjoint gradient against backprop through the solver and against exp(Aᵀt); the memory count;
the models against written-out references; the data (float64)."""

from __future__ import annotations

import math
from fractions import Fraction as Q

import numpy as np
import pytest
import torch
from scipy.integrate import solve_ivp
from torch import nn
from torch.testing import assert_close

from implementations.neural_ode import solvers
from implementations.neural_ode.adjoint import odeint_adjoint
from implementations.neural_ode.data import N_OBS, TRUE_A, make_splits, true_field
from implementations.neural_ode.memory import saved_bytes
from implementations.neural_ode.model import LinearField, ODEFunc, StepMap
from implementations.neural_ode.solvers import Stats, dopri5_step, odeint_dopri5, odeint_rk4, rk4_step

D = torch.float64


def _t(*values: float) -> torch.Tensor:
    return torch.tensor(values, dtype=D)


def _field(hidden: int = 8, seed: int = 0) -> ODEFunc:
    torch.manual_seed(seed)
    return ODEFunc(hidden).to(D)


# --- RK4 ------------------------------------------------------------------------------------------

def test_one_rk4_step_on_exponential_growth_is_the_quartic_taylor_polynomial() -> None:
    h = 0.3
    got = rk4_step(lambda t, y: y, _t(0.0), _t(1.0), _t(h))
    assert_close(got, _t(1 + h + h**2 / 2 + h**3 / 6 + h**4 / 24), rtol=0, atol=1e-15)


def test_rk4_is_fourth_order_and_obeys_the_requested_step_counts() -> None:
    rotate = lambda t, y: torch.stack([-y[1], y[0]])                          # exact: (cos t, sin t)
    exact = torch.stack([torch.cos(_t(2.0)), torch.sin(_t(2.0))]).squeeze(1)
    errors = [(odeint_rk4(rotate, _t(1.0, 0.0), _t(0.0, 2.0), n)[-1] - exact).norm().item() for n in (10, 20, 40)]
    assert 15 < errors[0] / errors[1] < 17 and 15 < errors[1] / errors[2] < 17
    assert_close(odeint_rk4(rotate, _t(1.0, 0.0), _t(0.0, 2.0), max_step=0.1),
                 odeint_rk4(rotate, _t(1.0, 0.0), _t(0.0, 2.0), 20))
    assert solvers.interval_steps(_t(0.0), _t(0.45), 3, 0.1) == 5 and solvers.interval_steps(0.0, 0.4, 3, None) == 3


# --- Dormand-Prince 5(4) ----------------------------------------------------------------------------

def test_dormand_prince_tableau_satisfies_its_order_conditions() -> None:
    c, a, b5, b4 = solvers.C, solvers.A, solvers.B5, solvers.B4
    assert all(sum(row, Q(0)) == ci for row, ci in zip(a, c))
    for order, b in ((5, b5), (4, b4)):
        for k in range(1, order + 1):                                           # Σ b_i c_i^{k-1} = 1/k
            assert sum(bi * ci ** (k - 1) for bi, ci in zip(b, c)) == Q(1, k)
        ac = [sum(aij * cj for aij, cj in zip(row, c)) for row in a]            # Σ b_i a_ij c_j = 1/6
        assert sum(bi * x for bi, x in zip(b, ac)) == Q(1, 6)
    assert b5[:6] == a[6]                                                       # first same as last


def test_one_dopri5_step_on_exponential_growth_is_its_stability_polynomial() -> None:
    """R(z) = Σ_{k≤5} z^k/k! + z⁶/600 for the 5th-order solution of y' = y."""
    z = 0.4
    y1, error, last = dopri5_step(lambda t, y: y, _t(0.0), _t(1.0), _t(z), _t(1.0))
    assert_close(y1, _t(sum(z**k / math.factorial(k) for k in range(6)) + z**6 / 600), rtol=0, atol=1e-15)
    assert_close(last, y1)
    assert 0 < abs(error.item()) < 1e-4


def test_dopri5_meets_its_tolerance_lands_on_every_time_and_runs_backwards() -> None:
    t = _t(0.0, 0.3, 1.0, 2.5)
    for rtol in (1e-4, 1e-8):
        stats = Stats()
        got = odeint_dopri5(lambda s, y: y, _t(1.0), t, rtol=rtol, atol=rtol * 1e-2, stats=stats)
        assert (got.squeeze(1) - torch.exp(t)).abs().max() < 50 * rtol * math.exp(2.5)
        assert stats.evaluations == 1 + 6 * (stats.accepted + stats.rejected)    # FSAL: 6 new per step
    back = odeint_dopri5(lambda s, y: -y, _t(math.exp(-2.0)), _t(2.0, 0.0), rtol=1e-10, atol=1e-12)
    assert_close(back[-1], _t(1.0), rtol=1e-8, atol=0)


def test_dopri5_gives_up_with_an_error_rather_than_looping_forever() -> None:
    with pytest.raises(RuntimeError, match="more than 50 steps"):
        odeint_dopri5(lambda s, y: y, _t(1.0), _t(0.0, 10.0), rtol=1e-12, atol=1e-14, max_steps=50)


def test_dopri5_rejects_a_too_long_first_step_and_recovers() -> None:
    stats = Stats()
    got = odeint_dopri5(lambda s, y: -50 * y, _t(1.0), _t(0.0, 1.0), rtol=1e-6, atol=1e-9, first_step=1.0, stats=stats)
    assert stats.rejected >= 1
    assert abs(got[-1].item() - math.exp(-50)) < 1e-8


def test_dopri5_matches_scipy_on_the_spiral_system() -> None:
    z0, t = _t(1.2, -0.3), torch.linspace(0, 3, 7, dtype=D)
    got = odeint_dopri5(true_field, z0, t, rtol=1e-10, atol=1e-12)
    matrix = np.array(TRUE_A)
    ref = solve_ivp(lambda s, z: (z ** 3) @ matrix, (0, 3), z0.numpy(), t_eval=t.numpy(), method="DOP853",
                    rtol=1e-12, atol=1e-14)
    assert_close(got, torch.tensor(ref.y.T), rtol=0, atol=1e-8)


# --- the adjoint -------------------------------------------------------------------------------------

def _gradients(solve, field, z0, t, weight, steps):
    z0 = z0.clone().requires_grad_(True)
    loss = (solve(field, z0, t, steps) * weight).sum() + solve(field, z0, t, steps)[-1].pow(2).sum()
    return torch.autograd.grad(loss, [z0, *field.parameters()])


def test_adjoint_gradient_equals_backprop_through_the_solver() -> None:
    field = _field(8)
    z0 = torch.randn(5, 2, generator=torch.Generator().manual_seed(1), dtype=D)
    t = _t(0.0, 0.3, 0.7, 1.2)
    weight = torch.randn(4, 5, 2, generator=torch.Generator().manual_seed(2), dtype=D)
    gaps = []
    for steps in (10, 20):
        direct = _gradients(odeint_rk4, field, z0, t, weight, steps)
        adjoint = _gradients(odeint_adjoint, field, z0, t, weight, steps)
        for d, a in zip(direct, adjoint):
            assert_close(a, d, rtol=1e-7, atol=1e-9)
        gaps.append(max((d - a).abs().max().item() for d, a in zip(direct, adjoint)))
    assert 10 < gaps[0] / gaps[1] < 22          # the two differ only by the 4th-order discretisation


def test_adjoint_state_gradient_is_the_transposed_matrix_exponential() -> None:
    """For dz/dt = Az and L = wᵀz(T): ∂L/∂z₀ = exp(AᵀT) w."""
    field = LinearField().to(D)
    with torch.no_grad():
        field.net.weight.copy_(torch.tensor([[-0.3, 1.5], [-1.1, 0.2]], dtype=D))
        field.net.bias.zero_()
    z0 = _t(0.5, -0.7).requires_grad_(True)
    w = _t(1.0, 2.0)
    (odeint_adjoint(field, z0, _t(0.0, 1.5), 200)[-1] @ w).backward()
    assert_close(z0.grad, torch.matrix_exp(field.net.weight.T * 1.5) @ w, rtol=1e-9, atol=0)


def test_adjoint_keeps_a_constant_memory_while_backprop_grows_with_the_steps() -> None:
    field, z0, t = _field(16).float(), torch.randn(4, 2), torch.linspace(0, 1, 5)
    direct = [saved_bytes(lambda: odeint_rk4(field, z0, t, s)) for s in (1, 2, 4)]
    adjoint = [saved_bytes(lambda: odeint_adjoint(field, z0, t, s)) for s in (1, 2, 4)]
    assert len(set(adjoint)) == 1
    params = sum(p.numel() for p in field.parameters()) * 4
    assert adjoint[0] == params + (len(t) + len(t) * 4 * 2) * 4   # θ, t, and the 5 stored states (4 x 2)
    per_step = direct[1] - direct[0]                              # steps 1 -> 2 -> 4: linear growth
    assert per_step > 0 and direct[2] - direct[1] == 2 * per_step
    assert direct[0] > 1.5 * adjoint[0]


# --- the models -----------------------------------------------------------------------------------------

def test_ode_func_and_step_map_equal_written_out_references() -> None:
    field = _field(6)
    z = torch.randn(3, 2, dtype=D)
    lin = [m for m in field.net if isinstance(m, nn.Linear)]
    h = torch.tanh(torch.tanh(z @ lin[0].weight.T + lin[0].bias) @ lin[1].weight.T + lin[1].bias)
    assert_close(field(_t(0.0), z), h @ lin[2].weight.T + lin[2].bias)
    torch.manual_seed(0)
    step = StepMap(6).to(D)
    t = _t(0.0, 0.2, 0.7)
    expect = [z]
    for gap in (0.2, 0.5):
        expect.append(expect[-1] + step.net(torch.cat([expect[-1], torch.full((3, 1), gap, dtype=D)], 1)))
    assert_close(step.rollout(z, t), torch.stack(expect))


def test_linear_field_flow_is_the_solution_of_its_ode() -> None:
    torch.manual_seed(2)
    field = LinearField().to(D)
    z0, t = torch.randn(3, 2, dtype=D), _t(0.3, 0.7, 1.4)                    # the flow from t[0], not 0
    assert_close(field.rollout(z0, t), odeint_dopri5(field, z0, t, rtol=1e-11, atol=1e-13), rtol=0, atol=1e-9)


def test_whole_ode_net_equals_scipy_on_copied_weights() -> None:
    """The assembled ODE-Net, solved by RK4 here, against numpy copies of its weights solved by scipy."""
    field = _field(8, seed=3)
    weights = [(m.weight.detach().numpy(), m.bias.detach().numpy()) for m in field.net if isinstance(m, nn.Linear)]

    def reference(s, z):
        h = np.tanh(weights[0][0] @ z + weights[0][1])
        h = np.tanh(weights[1][0] @ h + weights[1][1])
        return weights[2][0] @ h + weights[2][1]
    z0, t = _t(0.8, -0.4), _t(0.0, 0.5, 1.3, 2.0)
    ref = solve_ivp(reference, (0, 2), z0.numpy(), t_eval=t.numpy(), method="DOP853", rtol=1e-12, atol=1e-14)
    assert_close(odeint_rk4(field, z0, t, max_step=0.01), torch.tensor(ref.y.T), rtol=0, atol=1e-9)


# --- the data ----------------------------------------------------------------------------------------------

def test_spiral_data_are_true_solutions_on_irregular_schedules_and_disjoint() -> None:
    train, test = make_splits(3, 2, seed=4)
    for split in (train, test):
        assert split.times.shape == (N_OBS,) and split.times[0] == 0
        gaps = split.times[1:] - split.times[:-1]
        assert (gaps > 0).all() and gaps.unique().numel() > 3                  # irregular, increasing
        ref = odeint_dopri5(true_field, split.clean[:, 0], split.times, rtol=1e-11, atol=1e-13)
        assert_close(split.clean, ref.transpose(0, 1), rtol=0, atol=1e-7)
        noise = split.observed - split.clean
        assert 0.01 < noise.std() < 0.03
    assert not torch.equal(train.times, test.times)
    assert torch.cdist(train.clean[:, 0], test.clean[:, 0]).min() > 1e-3
