"""The activation meter behind the re-materialisation claim, checked against hand counts."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from implementations.gpipe.memory import StageMemoryMeter, predicted_rows
from implementations.gpipe.model import make_mlp, split_into_stages
from implementations.gpipe.schedule import GPipe

WIDTH, LAYERS, N = 8, 8, 16
ROW = WIDTH * 8  # bytes of one float64 row


def measure(K: int, M: int, rematerialize: bool) -> StageMemoryMeter:
    torch.manual_seed(0)
    net = make_mlp([WIDTH] * (LAYERS + 1), dtype=torch.float64)
    x = torch.randn(N, WIDTH, dtype=torch.float64)
    y = torch.randint(0, WIDTH, (N,))
    stages = split_into_stages(net, K)
    with StageMemoryMeter(stages) as meter:
        GPipe(stages, M, F.cross_entropy, rematerialize=rematerialize).step(x, y)
    return meter


def test_a_middle_stage_holds_what_the_paper_counts():
    # stage 1 of 4: 2 Linear+tanh layers. Without re-materialisation it keeps its input and both
    # layers' outputs for all 16 examples (3 x 16 rows); with it, its inputs for all 16 examples
    # plus the two recomputed outputs of one micro-batch of 4 (16 + 2 x 4 rows).
    assert measure(4, 4, False).peak[1] == 3 * N * ROW
    assert measure(4, 4, True).peak[1] == (N + 2 * N // 4) * ROW
    assert predicted_rows(LAYERS, 4, 4, N, False) == 3 * N
    assert predicted_rows(LAYERS, 4, 4, N, True) == N + 2 * N // 4


def test_everything_is_released_after_the_step_and_parameters_never_count():
    for remat in (False, True):
        meter = measure(2, 4, remat)
        assert meter.current == [0, 0]
        assert all(not live for live in meter.live)
    # one stage, one micro-batch, no re-materialisation: the input, 7 tanh outputs and the log-softmax
    # rows (9 x 16 rows), plus the int64 targets and a scalar weight nll_loss keeps; the 8 weight
    # matrices autograd also saves are excluded
    meter = measure(1, 1, False)
    assert meter.peak[0] == (1 + LAYERS) * N * ROW + N * 8 + 8


def test_meter_leaves_gradients_unchanged():
    torch.manual_seed(0)
    net = make_mlp([WIDTH] * (LAYERS + 1), dtype=torch.float64)
    x = torch.randn(N, WIDTH, dtype=torch.float64)
    y = torch.randint(0, WIDTH, (N,))
    F.cross_entropy(net(x), y).backward()
    expected = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    stages = split_into_stages(net, 4)
    with StageMemoryMeter(stages):
        GPipe(stages, 4, F.cross_entropy, rematerialize=True).step(x, y)
    for p, g in zip(net.parameters(), expected):
        torch.testing.assert_close(p.grad, g, rtol=0, atol=1e-12)
