"""RealNVP against exact references in float64: inverse, log-determinant, density, and tiny closed forms."""

from __future__ import annotations

import math

import pytest
import torch

from .baselines import FullGaussian
from .data import distance_to_moons, moons, on_moons
from .flow import AffineCoupling, RealNVP, alternating_masks, standard_normal_log_prob


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def trained_looking_flow(seed: int = 0, layers: int = 4) -> RealNVP:
    """A flow whose scales are not zero (a fresh one starts as the identity, which hides bugs)."""
    torch.manual_seed(seed)
    flow = RealNVP(2, layers=layers, hidden=16)
    with torch.no_grad():
        for coupling in flow.couplings:
            coupling.net.scale_factor.uniform_(0.5, 1.5)
            for p in coupling.net.parameters():
                p.add_(0.3 * torch.randn_like(p))
    return flow


def test_the_flow_is_exactly_invertible_both_ways():
    flow = trained_looking_flow()
    x = 2 * torch.randn(500, 2)
    z, _ = flow(x)
    assert torch.allclose(flow.inverse(z), x, atol=1e-12, rtol=0)
    assert torch.allclose(flow(flow.inverse(x))[0], x, atol=1e-12, rtol=0)


def test_the_log_determinant_equals_autograds_log_abs_det_jacobian():
    flow = trained_looking_flow(layers=5)
    x = torch.randn(12, 2)
    _, log_det = flow(x)
    for i in range(len(x)):
        jac = torch.autograd.functional.jacobian(lambda v: flow(v[None])[0][0], x[i])
        assert log_det[i].item() == pytest.approx(torch.linalg.slogdet(jac).logabsdet.item(), abs=1e-10)


def test_log_prob_is_a_density_that_integrates_to_one():
    flow = trained_looking_flow()
    grid = torch.linspace(-12, 12, 801)
    xx, yy = torch.meshgrid(grid, grid, indexing="ij")
    points = torch.stack([xx.flatten(), yy.flatten()], 1)
    cell = (grid[1] - grid[0]) ** 2
    with torch.no_grad():
        mass = (flow.log_prob(points).exp() * cell).sum().item()
    assert mass == pytest.approx(1.0, abs=2e-3)


def test_one_coupling_by_hand():
    """Mask keeps x0; s(x0) = a*tanh(w*x0 + c), t(x0) = v*x0 + d: y1 = x1*exp(s) + t, log det = s."""
    coupling = AffineCoupling(torch.tensor([1.0, 0.0]), hidden=3)
    net = coupling.net
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        net.body[0].weight[0, 0] = 1.0  # h0 = relu(x0), passed through the second layer unchanged
        net.body[2].weight[0, 0] = 1.0
        net.scale_head.weight[1, 0], net.scale_head.bias[1] = 0.7, 0.2
        net.shift_head.weight[1, 0], net.shift_head.bias[1] = -1.5, 0.4
        net.scale_factor[1] = 2.0
    x = torch.tensor([[0.8, -0.3]])
    y, log_det = coupling(x)
    s = 2.0 * math.tanh(0.7 * 0.8 + 0.2)
    t = -1.5 * 0.8 + 0.4
    assert y[0, 0].item() == 0.8  # the kept half passes through untouched
    assert y[0, 1].item() == pytest.approx(-0.3 * math.exp(s) + t, abs=1e-14)
    assert log_det.item() == pytest.approx(s, abs=1e-14)
    assert torch.allclose(coupling.inverse(y), x, atol=1e-14)


def test_masks_alternate_so_every_coordinate_is_transformed():
    masks = alternating_masks(5, 3)
    assert masks[0].tolist() == [1, 0, 1, 0, 1] and masks[1].tolist() == [0, 1, 0, 1, 0] and masks[2].equal(masks[0])


def test_a_fresh_flow_is_the_identity_and_its_density_is_the_prior():
    flow = RealNVP(2, layers=4, hidden=8)
    x = torch.randn(50, 2)
    z, log_det = flow(x)
    assert torch.equal(z, x) and torch.equal(log_det, torch.zeros(50))
    assert torch.allclose(flow.log_prob(x), standard_normal_log_prob(x))
    assert standard_normal_log_prob(torch.zeros(1, 2)).item() == pytest.approx(-math.log(2 * math.pi))


def test_the_gaussian_baseline_is_the_ml_fit_and_its_log_prob_is_exact():
    x = torch.randn(4000, 2) @ torch.tensor([[2.0, 0.0], [1.0, 0.5]]) + torch.tensor([1.0, -2.0])
    g = FullGaussian(x)
    ref = torch.distributions.MultivariateNormal(x.mean(0), covariance_matrix=torch.cov(x.T, correction=0))
    assert torch.allclose(g.log_prob(x[:100]), ref.log_prob(x[:100]), atol=1e-10)


def test_moon_distances_and_the_on_moons_fraction():
    exact = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [1.0, -0.5], [2.0, 0.5], [0.0, 0.5]])
    assert torch.allclose(distance_to_moons(exact), torch.zeros(6), atol=1e-12)
    assert distance_to_moons(torch.tensor([[0.0, 1.3]])).item() == pytest.approx(0.3)
    assert distance_to_moons(torch.tensor([[0.5, -0.6]])).item() == pytest.approx(math.hypot(0.5, 1.1) - 1)
    assert distance_to_moons(torch.tensor([[2.3, 0.5]])).item() == pytest.approx(0.3)  # beside the inner arc
    data = moons(3000, seed=1)
    assert 0.99 <= on_moons(data) <= 1.0  # real data: 3 noise widths hold ~99.7% of it
    assert on_moons(torch.randn(3000, 2) * 3) < 0.2


def test_train_valid_and_test_points_are_different_draws():
    a, b = moons(200, 0), moons(200, 10_000)
    assert torch.cdist(a, b).min() > 0
