"""The GPipe schedule, simulated in one process on a clock (Huang et al. 2018, Sec. 2.2, Fig. 2c).

A mini-batch of N examples is split into M micro-batches. Stage k may run the
forward of micro-batch m once stage k-1 has finished it; after all forwards,
the backward runs in the opposite direction, stage k waiting for stage k+1.
Gradients of the M micro-batches accumulate in ``.grad`` and the optimiser is
applied once per mini-batch, so the update equals full-batch training.

Time is counted in integer clock ticks: a forward costs ``fwd_ticks`` and a
backward ``bwd_ticks``. The timeline records what every stage does at every
tick; the idle cells are the "bubble", which the paper puts at
O((K-1)/(M+K-1)) of the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn


@dataclass(frozen=True)
class Task:
    kind: str  # "F" forward or "B" backward
    stage: int
    micro: int

    def __str__(self) -> str:
        return f"{self.kind}{self.micro}"


def gpipe_task_order(num_stages: int, num_micro: int) -> list[list[Task]]:
    """Each stage's work queue: forward of micro-batches 0..M-1, then backward M-1..0 (Fig. 2c)."""
    return [
        [Task("F", k, m) for m in range(num_micro)] + [Task("B", k, m) for m in reversed(range(num_micro))]
        for k in range(num_stages)
    ]


def dependency(task: Task, num_stages: int) -> Task | None:
    """The one task whose result ``task`` needs (its own earlier queue entries are implied)."""
    if task.kind == "F":
        return Task("F", task.stage - 1, task.micro) if task.stage > 0 else None
    if task.stage == num_stages - 1:
        return Task("F", task.stage, task.micro)  # the loss of this micro-batch
    return Task("B", task.stage + 1, task.micro)  # dL/d(output of stage k) comes from stage k+1


@dataclass
class Timeline:
    """``cells[k][t]`` is the task stage k works on during tick t, or None when it idles."""

    cells: list[list[Task | None]]

    @property
    def num_stages(self) -> int:
        return len(self.cells)

    @property
    def num_ticks(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def bubble_fraction(self) -> float:
        """Idle stage-ticks over all stage-ticks of the step."""
        idle = sum(cell is None for row in self.cells for cell in row)
        return idle / (self.num_stages * self.num_ticks)

    def render(self) -> str:
        """An ASCII version of the paper's Figure 2(c), last stage on top."""
        lines = []
        for k in reversed(range(self.num_stages)):
            row = " ".join(f"{str(c):>3}" if c is not None else "  ." for c in self.cells[k])
            lines.append(f"stage {k} |{row}")
        return "\n".join(lines)


def simulate_schedule(
    num_stages: int,
    num_micro: int,
    fwd_ticks: int = 1,
    bwd_ticks: int = 1,
    run: Callable[[Task], None] | None = None,
) -> Timeline:
    """Advance the clock; at each tick every free stage starts its next task if its input is ready.

    A task is ready when its dependency *finished* before this tick began, so
    the tasks started within one tick never depend on each other and ``run``
    may execute them in any order. The timeline is measured, not assumed: it
    follows only from the queues and the dependencies.
    """
    queues = gpipe_task_order(num_stages, num_micro)
    finished_at: dict[Task, int] = {}
    busy_until = [0] * num_stages
    cells: list[list[Task | None]] = [[] for _ in range(num_stages)]
    tick = 0
    while any(queues):
        for k, queue in enumerate(queues):
            if busy_until[k] > tick or not queue:
                continue
            need = dependency(queue[0], num_stages)
            if need is not None and finished_at.get(need, tick + 1) > tick:
                continue
            task = queue.pop(0)
            if run is not None:
                run(task)
            duration = fwd_ticks if task.kind == "F" else bwd_ticks
            finished_at[task] = busy_until[k] = tick + duration
            cells[k].extend([None] * (tick - len(cells[k])) + [task] * duration)
        tick += 1
    end = max(finished_at.values())
    for row in cells:
        row.extend([None] * (end - len(row)))
    return Timeline(cells)


def theoretical_bubble(num_stages: int, num_micro: int) -> float:
    """The paper's bubble overhead (K-1)/(M+K-1) (Sec. 2.3)."""
    return (num_stages - 1) / (num_micro + num_stages - 1)


class GPipe:
    """Runs one synchronous mini-batch step over K stages and M micro-batches on the simulated clock.

    ``rematerialize=True`` is GPipe's re-materialisation (Sec. 2.3): a stage
    keeps only its input activations during the forward pass and recomputes its
    forward inside the backward pass.
    """

    def __init__(
        self,
        stages: list[nn.Module],
        num_micro: int,
        loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        rematerialize: bool = False,
        fwd_ticks: int = 1,
        bwd_ticks: int = 1,
    ) -> None:
        self.stages = stages
        self.num_micro = num_micro
        self.loss_fn = loss_fn
        self.rematerialize = rematerialize
        self.fwd_ticks = fwd_ticks
        self.bwd_ticks = bwd_ticks

    def step(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, Timeline]:
        """Forward and backward of the whole mini-batch; gradients are *added* to ``.grad``.

        Returns the mini-batch loss (mean over all N examples) and the timeline.
        Call ``optimizer.zero_grad()`` before and ``optimizer.step()`` after, as
        in ordinary training.
        """
        K, M, N = len(self.stages), self.num_micro, x.shape[0]
        if not 1 <= M <= N:
            raise ValueError(f"need 1 <= micro-batches <= batch size, got M={M}, N={N}")
        micro_x = torch.tensor_split(x, M)
        micro_y = torch.tensor_split(y, M)
        inputs: dict[tuple[int, int], torch.Tensor] = {}   # stage input, a leaf so its grad can be sent back
        outputs: dict[tuple[int, int], torch.Tensor] = {}  # stage output (with graph unless rematerialising)
        grad_of_input: dict[tuple[int, int], torch.Tensor] = {}
        losses: list[torch.Tensor] = []

        def micro_loss(out: torch.Tensor, m: int) -> torch.Tensor:
            # mean over the micro-batch, weighted by its share of the mini-batch, so that
            # sum_m loss_m is the full-batch mean loss and the accumulated gradient equals its gradient
            return self.loss_fn(out, micro_y[m]) * (micro_y[m].shape[0] / N)

        def run(task: Task) -> None:
            k, m = task.stage, task.micro
            stage = self.stages[k]
            if task.kind == "F":
                if k == 0:
                    inp = micro_x[m]
                else:
                    # "send" stage k-1's activation: a detached leaf cuts the autograd graph at the boundary
                    sent = outputs[k - 1, m]
                    if self.rematerialize:
                        del outputs[k - 1, m]  # stage k-1 will recompute it; nothing but its input is kept
                    inp = sent.detach().requires_grad_()
                inputs[k, m] = inp
                with torch.set_grad_enabled(not self.rematerialize):
                    out = stage(inp)
                    outputs[k, m] = micro_loss(out, m) if k == K - 1 else out
                if k == K - 1:
                    losses.append(outputs[k, m].detach())
                return
            inp = inputs.pop((k, m))
            if self.rematerialize:
                out = stage(inp)  # recompute this cell's forward, now recording the graph
                result = micro_loss(out, m) if k == K - 1 else out
                outputs.pop((k, m), None)
            else:
                result = outputs.pop((k, m))
            if k == K - 1:
                result.backward()  # accumulates dloss_m/dtheta into .grad
            else:
                result.backward(grad_of_input.pop((k + 1, m)))  # chain rule through the boundary
            if k > 0:
                grad_of_input[k, m] = inp.grad  # "send" dL/d(input of stage k) back to stage k-1

        timeline = simulate_schedule(K, M, self.fwd_ticks, self.bwd_ticks, run)
        return torch.stack(losses).sum(), timeline
