"""BN against nn.BatchNorm1d/2d and autograd (float64): train and eval, running statistics, the
hand-written backward pass, a tiny closed-form case, and the whole deep net against torch layers."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from implementations.batch_norm.bn import BatchNorm, backward, forward_train
from implementations.batch_norm.model import deep_mlp

D = torch.float64


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _pair(ref_cls, c: int, momentum: float, seed: int):
    ours, ref = BatchNorm(c, momentum=momentum).to(D), ref_cls(c, momentum=momentum).to(D)
    with torch.no_grad():
        gamma = torch.rand(c, generator=_gen(seed), dtype=D) + 0.5
        beta = torch.randn(c, generator=_gen(seed + 1), dtype=D)
        for m in (ours, ref):
            m.weight.copy_(gamma)
            m.bias.copy_(beta)
    return ours, ref


@pytest.mark.parametrize("ref_cls, shape", [(nn.BatchNorm1d, (16, 5)), (nn.BatchNorm2d, (6, 3, 4, 5))])
@pytest.mark.parametrize("momentum", [0.1, 0.3])
def test_train_and_eval_equal_torch_with_running_statistics(ref_cls, shape, momentum) -> None:
    ours, ref = _pair(ref_cls, shape[1], momentum, seed=1)
    g = _gen(2)
    for _ in range(4):                                  # several steps: the moving averages compound
        x = torch.randn(*shape, generator=g, dtype=D) * 3 + 2
        x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
        y1, y2 = ours(x1), ref(x2)
        assert_close(y1, y2)
        w = torch.randn(*shape, generator=g, dtype=D)
        (y1 * w).sum().backward()
        (y2 * w).sum().backward()
        assert_close(x1.grad, x2.grad)
        assert_close(ours.weight.grad, ref.weight.grad)
        assert_close(ours.bias.grad, ref.bias.grad)
        assert_close(ours.running_mean, ref.running_mean)
        assert_close(ours.running_var, ref.running_var)
    ours.eval(), ref.eval()
    x = torch.randn(*shape, generator=g, dtype=D)
    assert_close(ours(x), ref(x))
    assert_close(ours(x[:1]), ref(x[:1]))               # eval: each example on its own, batch-independent


def test_hand_backward_equals_autograd_through_the_forward() -> None:
    g = _gen(3)
    x = torch.randn(7, 4, 3, generator=g, dtype=D, requires_grad=True)
    gamma = (torch.rand(4, generator=g, dtype=D) + 0.5).requires_grad_()
    beta = torch.randn(4, generator=g, dtype=D, requires_grad=True)
    dy = torch.randn(7, 4, 3, generator=g, dtype=D)
    y, x_hat, inv_std, _, _ = forward_train(x, gamma, beta, 1e-5)
    auto = torch.autograd.grad(y, (x, gamma, beta), dy)
    hand = backward(dy, x_hat.detach(), inv_std.detach(), gamma.detach())
    for a, h in zip(auto, hand):
        assert_close(h, a)


def test_module_gradient_passes_gradcheck() -> None:
    bn = BatchNorm(3).to(D)
    x = torch.randn(5, 3, generator=_gen(4), dtype=D, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: bn(t), (x,))


def test_two_values_closed_form() -> None:
    """x = (1, 3): μ = 2, σ² = 1 (biased) so x̂ = ∓1/√(1+ε); the running variance takes the unbiased 2."""
    bn = BatchNorm(1, eps=0.0, momentum=0.1).to(D)
    y = bn(torch.tensor([[1.0], [3.0]], dtype=D))
    assert_close(y, torch.tensor([[-1.0], [1.0]], dtype=D))
    assert_close(bn.running_mean, torch.tensor([0.2], dtype=D))
    assert_close(bn.running_var, torch.tensor([0.9 + 0.1 * 2.0], dtype=D))


def _reference_net(ours: nn.Sequential, batch_norm: bool) -> nn.Sequential:
    """The paper's placement written with torch layers: affine -> BN -> sigmoid, weights copied."""
    layers = []
    linears = [m for m in ours if isinstance(m, nn.Linear)]
    for lin in linears[:-1]:
        ref = nn.Linear(lin.in_features, lin.out_features, bias=lin.bias is not None).to(D)
        layers.append(ref)
        if batch_norm:
            layers.append(nn.BatchNorm1d(lin.out_features).to(D))
        layers.append(nn.Sigmoid())
    layers.append(nn.Linear(linears[-1].in_features, linears[-1].out_features).to(D))
    ref_net = nn.Sequential(*layers)
    with torch.no_grad():
        for a, b in zip(ref_net.parameters(), ours.parameters(), strict=True):
            b.copy_(torch.randn(b.shape, generator=_gen(b.numel()), dtype=D) * 0.5)
            a.copy_(b)
    return ref_net


@pytest.mark.parametrize("batch_norm", [True, False])
def test_whole_deep_net_equals_torch_layers(batch_norm: bool) -> None:
    ours = deep_mlp(6, 5, 3, 4, batch_norm).to(D)
    ref = _reference_net(ours, batch_norm)
    assert sum(isinstance(m, BatchNorm) for m in ours) == (3 if batch_norm else 0)
    assert all((m.bias is None) == batch_norm for m in ours[:-1] if isinstance(m, nn.Linear))
    g = _gen(5)
    for _ in range(3):
        x = torch.randn(8, 6, generator=g, dtype=D)
        out, expect = ours(x), ref(x)
        assert_close(out, expect)
        out.square().sum().backward()
        expect.square().sum().backward()
        for a, b in zip(ours.parameters(), ref.parameters()):
            assert_close(a.grad, b.grad)
    ours.eval(), ref.eval()
    x = torch.randn(8, 6, generator=g, dtype=D)
    assert_close(ours(x), ref(x))
