"""Measuring the activation memory each pipeline stage holds during a GPipe step (Sec. 2.3).

GPipe's re-materialisation claim is about memory: without it a stage keeps the
activations of every layer for all N examples until the backward pass; with it
a stage keeps only its input (the cell boundary, N examples) and, while one
micro-batch's backward runs, that micro-batch's recomputed activations, which
the paper puts at O(N + (L/K)(N/M)) instead of O(N L/K) per accelerator.

``StageMemoryMeter`` measures this without trusting the schedule's own
book-keeping: a forward pre-hook on each stage records which stage is running
and holds the tensors handed to it, and ``torch.autograd.graph.saved_tensors_hooks``
sees every tensor autograd keeps for a backward pass. A tensor counts against a
stage from the moment it is held until its last holder lets go (the schedule
drops its input, or autograd frees the graph after the backward); each storage
counts once per stage, and parameters (which autograd also saves) are excluded.
"""

from __future__ import annotations

import weakref
from functools import partial

import torch
from torch import nn


class _Saved:
    """What autograd keeps instead of a saved tensor; the stage's count drops when autograd frees it."""

    __slots__ = ("meter", "stage", "key", "tensor", "__weakref__")

    def __init__(self, meter: "StageMemoryMeter", stage: int, tensor: torch.Tensor) -> None:
        self.meter, self.stage, self.tensor = meter, stage, tensor
        self.key = meter._acquire(stage, tensor)

    def __del__(self) -> None:
        if self.key is not None:
            self.meter._release(self.stage, self.key)


class StageMemoryMeter:
    """Peak activation bytes per stage over everything run inside ``with meter:``."""

    def __init__(self, stages: list[nn.Module]) -> None:
        self.stages = stages
        self.live: list[dict[int, list[int]]] = [{} for _ in stages]  # storage pointer -> [holders, bytes]
        self.current = [0] * len(stages)
        self.peak = [0] * len(stages)
        self._running: int | None = None  # the stage whose forward ran last (the loss belongs to the last stage)
        self._parameters = {p.untyped_storage().data_ptr() for s in stages for p in s.parameters()}
        self._handles: list = []
        self._saved_hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)

    def __enter__(self) -> "StageMemoryMeter":
        self._handles = [s.register_forward_pre_hook(partial(self._enter_stage, k)) for k, s in enumerate(self.stages)]
        self._saved_hooks.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._saved_hooks.__exit__(*exc)
        for handle in self._handles:
            handle.remove()
        self._running = None

    def busiest_stage_peak(self) -> int:
        return max(self.peak)

    def _enter_stage(self, k: int, module: nn.Module, args: tuple) -> None:
        self._running = k
        for t in args:
            if isinstance(t, torch.Tensor):
                key = self._acquire(k, t)
                if key is not None:
                    weakref.finalize(t, self._release, k, key)  # held while the schedule keeps this input

    def _pack(self, t: torch.Tensor):
        if self._running is None:
            return t
        return _Saved(self, self._running, t)

    @staticmethod
    def _unpack(packed):
        return packed.tensor if isinstance(packed, _Saved) else packed

    def _acquire(self, k: int, t: torch.Tensor) -> int | None:
        storage = t.untyped_storage()
        key = storage.data_ptr()
        if key in self._parameters or storage.nbytes() == 0:
            return None
        entry = self.live[k].setdefault(key, [0, storage.nbytes()])
        if entry[0] == 0:
            self.current[k] += entry[1]
            self.peak[k] = max(self.peak[k], self.current[k])
        entry[0] += 1
        return key

    def _release(self, k: int, key: int) -> None:
        entry = self.live[k].get(key)
        if entry is None:
            return
        entry[0] -= 1
        if entry[0] == 0:
            self.current[k] -= entry[1]
            del self.live[k][key]


def predicted_rows(num_layers: int, num_stages: int, num_micro: int, batch: int, rematerialize: bool) -> float:
    """Activation rows a middle stage holds at its peak, by the paper's count (Sec. 2.3).

    Without re-materialisation: its input and the output of each of its L/K
    layers, for all N examples, N (1 + L/K). With it: its input for all N
    examples plus one micro-batch's L/K recomputed layers, N + (L/K)(N/M).
    """
    per_stage = num_layers / num_stages
    if rematerialize:
        return batch + per_stage * batch / num_micro
    return batch * (1 + per_stage)
