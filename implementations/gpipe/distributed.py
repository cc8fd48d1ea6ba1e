"""A real two-process GPipe step with ``torch.distributed.pipelining`` over gloo on localhost.

Rank k owns stage k of the same network the single-process simulator uses;
``ScheduleGPipe`` runs all forwards, then all backwards, sending activations
and their gradients between the processes. The parent process starts the two
ranks, enforces a deadline, always reaps them, and returns their final
parameters, losses and per-step timings.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.distributed.pipelining import PipelineStage, ScheduleGPipe  # imported once, before the ranks fork

from .model import make_mlp, split_into_stages

WORLD_SIZE = 2


def gloo_available() -> bool:
    return dist.is_available() and dist.is_gloo_available()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DistributedResult:
    state_dict: dict[str, torch.Tensor]  # final parameters of the whole network, merged from both ranks
    losses: list[float]                  # mini-batch loss of each step (mean of the micro-batch losses)
    step_seconds: list[float]            # wall time of each step, per rank: [rank][step]
    busy_seconds: list[float]            # time inside forward/backward compute, per rank: [rank][step]

    def wall_bubble(self) -> float:
        """1 - busy/step time, averaged over ranks and over the steps after the first (warm-up)."""
        fractions = [
            1.0 - busy / total
            for rank_steps, rank_busy in zip(self.step_seconds, self.busy_seconds)
            for total, busy in list(zip(rank_steps, rank_busy))[1:] or list(zip(rank_steps, rank_busy))
        ]
        return sum(fractions) / len(fractions)


def _timed(fn, bucket: list[float]):
    """Wrap a stage method so the time spent computing is added to ``bucket[0]``."""

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            bucket[0] += time.perf_counter() - start

    return wrapper


def _rank_main(rank: int, port: int, workdir: str, timeout_s: float) -> None:
    """One pipeline rank: build the stage, run the GPipe steps, save its parameters and timings."""
    torch.set_num_threads(1)  # two ranks share the machine; also keeps a forked OpenMP pool unused
    job = torch.load(os.path.join(workdir, "job.pt"))
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=WORLD_SIZE, timeout=timedelta(seconds=timeout_s))
    try:
        full = make_mlp(job["widths"], dtype=job["dtype"])
        full.load_state_dict(job["init"])
        module = split_into_stages(full, WORLD_SIZE)[rank]
        stage = PipelineStage(module, rank, WORLD_SIZE, torch.device("cpu"))
        busy = [0.0]
        stage.forward_one_chunk = _timed(stage.forward_one_chunk, busy)
        stage.backward_one_chunk = _timed(stage.backward_one_chunk, busy)
        # loss_fn is the mean over a micro-batch; scale_grads divides the summed grads by M,
        # which gives the full-batch mean gradient when the micro-batches are equal in size
        schedule = ScheduleGPipe(stage, n_microbatches=job["num_micro"], loss_fn=nn.functional.cross_entropy)
        optimizer = torch.optim.SGD(module.parameters(), lr=job["lr"])
        losses, step_seconds, busy_seconds = [], [], []
        for _ in range(job["steps"]):
            optimizer.zero_grad()
            dist.barrier()
            busy[0] = 0.0
            start = time.perf_counter()
            micro_losses: list[torch.Tensor] = []
            if rank == 0:
                schedule.step(job["x"])
            else:
                schedule.step(target=job["y"], losses=micro_losses)
            step_seconds.append(time.perf_counter() - start)
            busy_seconds.append(busy[0])
            optimizer.step()
            if micro_losses:
                losses.append(torch.stack(micro_losses).mean().item())
        mine = {id(p) for p in module.parameters()}
        params = {name: p.detach().clone() for name, p in full.named_parameters() if id(p) in mine}
        torch.save({"params": params, "losses": losses, "step_seconds": step_seconds, "busy_seconds": busy_seconds},
                   os.path.join(workdir, f"rank{rank}.pt"))
        dist.barrier()
    finally:
        dist.destroy_process_group()


def run_two_process_gpipe(
    model: nn.Sequential,
    widths: list[int],
    x: torch.Tensor,
    y: torch.Tensor,
    num_micro: int,
    steps: int,
    lr: float,
    timeout_s: float = 60.0,
) -> DistributedResult:
    """Train a copy of ``model`` (built by ``make_mlp(widths)``) for ``steps`` SGD steps on two ranks.

    Raises ``TimeoutError`` if the ranks have not finished within ``timeout_s``;
    in every case both processes are gone when this returns.
    """
    if x.shape[0] % num_micro:
        raise ValueError("the batch must split into equal micro-batches")
    # fork is cheap (the ranks inherit the imported torch); after CUDA was initialised only spawn is safe
    method = "spawn" if torch.cuda.is_initialized() else "fork"
    with tempfile.TemporaryDirectory(prefix="gpipe-") as workdir:
        cpu_state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        torch.save({"widths": widths, "dtype": next(model.parameters()).dtype, "init": cpu_state,
                    "x": x.cpu(), "y": y.cpu(), "num_micro": num_micro, "steps": steps, "lr": lr},
                   os.path.join(workdir, "job.pt"))
        context = mp.start_processes(_rank_main, args=(free_port(), workdir, timeout_s), nprocs=WORLD_SIZE,
                                     join=False, start_method=method)
        deadline = time.monotonic() + timeout_s
        try:
            while not context.join(timeout=0.2):  # raises if a rank failed (and then ends the other)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"two-process GPipe run did not finish within {timeout_s:.0f} s")
        finally:
            for process in context.processes:
                if process.is_alive():
                    process.terminate()
                    process.join(5)
                if process.is_alive():
                    process.kill()
                    process.join()
        ranks = [torch.load(os.path.join(workdir, f"rank{r}.pt")) for r in range(WORLD_SIZE)]
    return DistributedResult(
        state_dict={name: p for rank in ranks for name, p in rank["params"].items()},
        losses=ranks[-1]["losses"],
        step_seconds=[rank["step_seconds"] for rank in ranks],
        busy_seconds=[rank["busy_seconds"] for rank in ranks],
    )
