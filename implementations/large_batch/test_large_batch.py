"""Hessian-vector products against the explicit Hessian, power iteration against eigvalsh and a
closed-form spectrum, the sharpness of a whole net, the training loop against torch.optim.SGD,
the whole net against a functional reference, and the three-way split."""

from __future__ import annotations

import io

import pytest
import torch
import torch.nn.functional as F
from torch.func import functional_call
from torch.testing import assert_close

from implementations._common.demo import DemoConfig
from implementations._common.params import count_parameters
from implementations.large_batch.data import N_TRAIN, N_VAL, three_way_split
from implementations.large_batch.demo import MOMENTUM, sharpness, train
from implementations.large_batch.model import mlp
from implementations.large_batch.sharpness import hessian_vector_product, top_eigenvalue
from tracker.demo_protocol import Reporter

D = torch.float64


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _tiny(seed: int = 0):
    torch.manual_seed(seed)
    net = mlp(n_in=3, width=4, n_classes=3).to(D)
    x = torch.randn(9, 3, generator=_gen(seed + 1), dtype=D)
    y = torch.randint(0, 3, (9,), generator=_gen(seed + 2))
    return net, x, y


def _explicit_hessian(net, x, y) -> torch.Tensor:
    """The full Hessian of the mean cross-entropy in the flattened parameters, by autograd twice."""
    names = [n for n, _ in net.named_parameters()]
    shapes = [p.shape for p in net.parameters()]
    flat = torch.cat([p.detach().flatten() for p in net.parameters()])

    def loss(theta):
        parts, start = {}, 0
        for name, shape in zip(names, shapes):
            parts[name] = theta[start:start + shape.numel()].view(shape)
            start += shape.numel()
        return F.cross_entropy(functional_call(net, parts, (x,)), y)
    return torch.autograd.functional.hessian(loss, flat)


def test_hessian_vector_product_equals_the_explicit_hessian_on_a_tiny_net() -> None:
    net, x, y = _tiny()
    hessian = _explicit_hessian(net, x, y)
    assert hessian.shape == (count_parameters(net),) * 2 and torch.allclose(hessian, hessian.T)
    params = list(net.parameters())
    for seed in range(3):
        vector = [torch.randn(p.shape, generator=_gen(10 + seed), dtype=D) for p in params]
        hv = hessian_vector_product(lambda: F.cross_entropy(net(x), y), params, vector)
        assert_close(torch.cat([h.flatten() for h in hv]), hessian @ torch.cat([v.flatten() for v in vector]))


def test_power_iteration_finds_the_top_eigenvalue_of_a_known_spectrum() -> None:
    """L(θ) = ½ θᵀAθ has Hessian A; with eigenvalues (6, 2, 1, -0.5, 0) the answer is exactly 6."""
    q, _ = torch.linalg.qr(torch.randn(5, 5, generator=_gen(3), dtype=D))
    a = q @ torch.diag(torch.tensor([6.0, 2.0, 1.0, -0.5, 0.0], dtype=D)) @ q.T
    theta = torch.randn(5, generator=_gen(4), dtype=D, requires_grad=True)
    top = top_eigenvalue(lambda: 0.5 * theta @ a @ theta, [theta], 60, _gen(5))
    assert abs(top - 6.0) < 1e-10


def test_sharpness_of_a_whole_net_is_the_top_eigenvalue_of_its_mean_training_loss_hessian() -> None:
    net, x, y = _tiny(1)
    eigenvalues = torch.linalg.eigvalsh(_explicit_hessian(net, x, y))
    dominant = eigenvalues[eigenvalues.abs().argmax()].item()     # what power iteration converges to
    assert dominant > 0                                           # here also the top one, λ_max
    assert abs(sharpness(net, (x, y), seed=0) - dominant) < 1e-3 * dominant


def test_whole_net_equals_a_functional_reference_with_copied_weights() -> None:
    net = mlp().to(D)
    assert count_parameters(net) == (64 * 256 + 256) + (256 * 256 + 256) + (256 * 10 + 10)
    w1, b1, w2, b2, w3, b3 = (p.detach() for p in net.parameters())
    x = torch.rand(6, 64, generator=_gen(6), dtype=D)
    h = torch.relu(F.linear(torch.relu(F.linear(x, w1, b1)), w2, b2))
    assert_close(net(x), F.linear(h, w3, b3))


def _cfg(epochs: int, seed: int = 2) -> DemoConfig:
    return DemoConfig(steps=epochs, seed=seed, device=torch.device("cpu"), quick=True)


def _reporter() -> Reporter:
    report = Reporter(stream=io.StringIO(), machine=False)
    report.start(total=100)
    return report


@pytest.mark.parametrize("batch", [32, 100])
def test_training_equals_torch_sgd_on_reshuffled_mini_batches(batch) -> None:
    x = torch.rand(100, 64, generator=_gen(7))
    y = torch.randint(0, 10, (100,), generator=_gen(8))
    net = train(batch, 0.05, (x, y), _cfg(3), _reporter(), 1, "arm")
    torch.manual_seed(2)
    ref = mlp()
    opt = torch.optim.SGD(ref.parameters(), lr=0.05, momentum=MOMENTUM)
    order = _gen(2)
    for _ in range(3):
        perm = torch.randperm(100, generator=order)                   # a fresh order every epoch
        for start in range(0, 100, batch):                            # the last batch may be short
            idx = perm[start:start + batch]
            opt.zero_grad()
            F.cross_entropy(ref(x[idx]), y[idx]).backward()
            opt.step()
    for ours, theirs in zip(net.parameters(), ref.parameters()):
        assert_close(ours, theirs)


def test_full_batch_arm_is_one_gradient_step_per_epoch() -> None:
    x = torch.rand(50, 64, generator=_gen(9), dtype=D)
    y = torch.randint(0, 10, (50,), generator=_gen(10))
    net = train(50, 0.1, (x.float(), y), _cfg(4), _reporter(), 1, "arm")
    torch.manual_seed(2)
    ref = mlp()
    opt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=MOMENTUM)
    for _ in range(4):                                                # plain heavy-ball descent on the whole set
        opt.zero_grad()
        F.cross_entropy(ref(x.float()), y).backward()
        opt.step()
    for ours, theirs in zip(net.parameters(), ref.parameters()):
        assert_close(ours, theirs, rtol=1e-4, atol=1e-6)


def test_three_way_split_is_a_partition_of_the_digits() -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    parts = three_way_split(_gen(11))
    assert [len(y) for _, y in parts] == [N_TRAIN, N_VAL, len(digits.target) - N_TRAIN - N_VAL]

    def rows(x, y):
        return sorted(tuple((x[i] * 16).round().int().tolist()) + (int(y[i]),) for i in range(len(y)))
    together = sorted(r for part in parts for r in rows(*part))
    everything = rows(torch.tensor(digits.data) / 16, torch.tensor(digits.target))
    assert together == everything                                     # each digit once, with its true label
    assert torch.equal(three_way_split(_gen(11))[1][1], parts[1][1])  # fixed by the seed
