"""The single-process GPipe scheduler: exact equality with full-batch training, and the measured bubble."""

from __future__ import annotations

import copy

import pytest
import torch
from torch.nn import functional as F

from implementations.gpipe.model import make_mlp, split_into_stages
from implementations.gpipe.schedule import GPipe, Task, simulate_schedule, theoretical_bubble


def make_problem(n: int = 12, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    net = make_mlp([5, 7, 6, 7, 6, 3], dtype=torch.float64)  # 5 Linear layers
    x = torch.randn(n, 5, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 3, (n,), generator=gen)
    return net, x, y


def test_stages_compose_to_the_whole_network():
    net, x, _ = make_problem()
    for K in (1, 2, 3, 5):
        stages = split_into_stages(net, K)
        h = x
        for stage in stages:
            h = stage(h)
        torch.testing.assert_close(h, net(x), rtol=0, atol=0)
        counts = [sum(isinstance(m, torch.nn.Linear) for m in s) for s in stages]
        assert max(counts) - min(counts) <= 1 and sum(counts) == 5
    with pytest.raises(ValueError):
        split_into_stages(net, 6)


@pytest.mark.parametrize("K,M", [(1, 1), (2, 4), (3, 3), (4, 5), (5, 12)])  # 12 / 5 is uneven
@pytest.mark.parametrize("rematerialize", [False, True])
def test_pipelined_step_equals_full_batch(K, M, rematerialize):
    net, x, y = make_problem()
    reference = copy.deepcopy(net)
    loss, _ = GPipe(split_into_stages(net, K), M, F.cross_entropy, rematerialize=rematerialize).step(x, y)
    ref_loss = F.cross_entropy(reference(x), y)
    ref_loss.backward()
    torch.testing.assert_close(loss, ref_loss.detach(), rtol=0, atol=1e-10)
    for p, q in zip(net.parameters(), reference.parameters()):
        torch.testing.assert_close(p.grad, q.grad, rtol=0, atol=1e-10)


def test_pipelined_training_tracks_full_batch_over_steps():
    net, x, y = make_problem(n=16)
    reference = copy.deepcopy(net)
    pipe = GPipe(split_into_stages(net, 3), 4, F.cross_entropy)
    opts = [torch.optim.SGD(m.parameters(), lr=0.3, momentum=0.9) for m in (net, reference)]
    losses = []
    for _ in range(5):
        for opt in opts:
            opt.zero_grad()
        loss, _ = pipe.step(x, y)
        F.cross_entropy(reference(x), y).backward()
        for opt in opts:
            opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    for p, q in zip(net.parameters(), reference.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=1e-10)


@pytest.mark.parametrize("K,M,bwd", [(1, 3, 1), (2, 1, 1), (3, 7, 1), (4, 4, 2), (6, 24, 2)])
def test_timeline_bubble_and_dependencies(K, M, bwd):
    timeline = simulate_schedule(K, M, fwd_ticks=1, bwd_ticks=bwd)
    assert timeline.bubble_fraction() == pytest.approx(theoretical_bubble(K, M), abs=1e-12)
    assert timeline.num_ticks == (1 + bwd) * (M + K - 1)
    start: dict[Task, int] = {}
    for k, row in enumerate(timeline.cells):
        for t, task in enumerate(row):
            if task is not None:
                assert task.stage == k
                start.setdefault(task, t)
        # every forward and backward of every micro-batch, each for exactly its duration
        assert sum(c is not None for c in row) == M * (1 + bwd)
    for task, t in start.items():
        k, m = task.stage, task.micro
        if task.kind == "F" and k > 0:
            assert t >= start[Task("F", k - 1, m)] + 1
        if task.kind == "B":
            assert t >= start[Task("F", K - 1, m)] + 1  # all backwards after that micro-batch's loss
            if k < K - 1:
                assert t >= start[Task("B", k + 1, m)] + bwd
