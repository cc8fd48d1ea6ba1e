"""The hand-written backward pass against torch.autograd, and the update rule against torch.optim.SGD."""

from __future__ import annotations

import pytest
import torch

from implementations.backprop.model import MomentumDescent, SigmoidMLP, squared_error, train_step


def _net(sizes, seed=0):
    return SigmoidMLP(sizes, generator=torch.Generator().manual_seed(seed), init_scale=1.0, dtype=torch.float64)


@pytest.mark.parametrize("sizes", [(8, 3, 8), (5, 7, 4, 3), (2, 1)])
def test_backward_matches_autograd_in_float64(sizes):
    gen = torch.Generator().manual_seed(1)
    net = _net(sizes)
    x = torch.randn(6, sizes[0], generator=gen, dtype=torch.float64)
    d = torch.rand(6, sizes[-1], generator=gen, dtype=torch.float64)

    ys = net.forward(x)
    error, dE_dy = squared_error(ys[-1], d)
    grads, dE_dx_in = net.backward(ys, dE_dy)

    # Reference: the same network written with autograd-tracked leaves.
    leaves = [p.clone().requires_grad_(True) for p in net.parameters()]
    x_ref = x.clone().requires_grad_(True)
    h = x_ref
    for w, b in zip(leaves[0::2], leaves[1::2]):
        h = torch.sigmoid(h @ w.T + b)
    ref_error = 0.5 * ((h - d) ** 2).sum()
    ref_error.backward()

    torch.testing.assert_close(error, ref_error.detach(), rtol=0, atol=1e-12)
    assert len(grads) == len(leaves)
    for mine, leaf in zip(grads, leaves):
        torch.testing.assert_close(mine, leaf.grad, rtol=0, atol=1e-10)
    torch.testing.assert_close(dE_dx_in, x_ref.grad, rtol=0, atol=1e-10)


def test_implementation_never_builds_an_autograd_graph():
    net = _net((4, 3, 2))
    ys = net.forward(torch.rand(3, 4, dtype=torch.float64))
    grads, _ = net.backward(ys, torch.ones(3, 2, dtype=torch.float64))
    assert all(not t.requires_grad for t in net.parameters() + ys + grads)


def test_momentum_rule_equals_sgd_with_momentum():
    """Equation (9) with dw = -eps * v is torch's v <- alpha v + g; p <- p - eps v."""
    net = _net((3, 4, 2))
    ref = [p.clone().requires_grad_(True) for p in net.parameters()]
    ref_opt = torch.optim.SGD(ref, lr=0.3, momentum=0.9)
    opt = MomentumDescent(net.parameters(), eps=0.3, alpha=0.9)
    gen = torch.Generator().manual_seed(2)
    for _ in range(5):
        grads = [torch.randn(p.shape, generator=gen, dtype=torch.float64) for p in net.parameters()]
        for r, g in zip(ref, grads):
            r.grad = g.clone()
        ref_opt.step()
        opt.step(grads)
    for mine, r in zip(net.parameters(), ref):
        torch.testing.assert_close(mine, r.detach(), rtol=0, atol=1e-12)


def test_small_step_lowers_the_error():
    net = _net((8, 3, 8))
    x = torch.eye(8, dtype=torch.float64)
    opt = MomentumDescent(net.parameters(), eps=0.01, alpha=0.0)
    before, _ = train_step(net, opt, x, x)
    after, _ = squared_error(net.forward(x)[-1], x)
    assert float(after) < before
