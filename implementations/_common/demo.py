"""The command line, seeding, device choice and claim check every demo shares.

A demo module defines ``run(cfg, report) -> Claim`` and ends with::

    if __name__ == "__main__":
        main(run, __file__)

``run`` calls ``report.start(total_steps)`` once, then
``report.progress(step, loss=..., acc=...)`` as it trains (steps counted
1..total across all phases, e.g. two models trained one after the other), and
returns a ``Claim``. A demo that trains several models names them:
``start(total, series=[...])`` with each block an equal share of ``total``
(or ``series_steps=[...]`` when they differ), then ``progress(step, series=name, ...)``;
the run panel draws each as its own labelled curve. Title and step counts come from the ``meta.toml`` beside
the demo, the one place an implementation declares them.

``main`` parses ``--steps N --seed S --device auto|cpu|cuda --quick``, seeds
everything, resolves the device (pinning CPU runs to one intra-op thread),
says in ``--quick`` runs that they check the same claim at lower strength,
reports start/end through the shared line protocol, prints the claim verdict
and exits 0 (reproduced), 1 (not reproduced) or 2 (bad arguments, e.g.
``--device cuda`` without CUDA).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from tracker.demo_protocol import Reporter
from tracker.impl_meta import load_meta


QUICK_NOTE = (
    "quick mode: checks the same claim as the default run, at lower strength "
    "(a smaller, shorter run); the default run is the measurement"
)


@dataclass(frozen=True)
class DemoConfig:
    steps: int
    seed: int
    device: torch.device
    quick: bool


@dataclass(frozen=True)
class Claim:
    """The measured figure against the paper's claim, as one sentence."""

    text: str
    measured: float
    threshold: float
    reproduced: bool


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for but CUDA is not available")
    return torch.device(name)


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    torch.manual_seed(seed)
    try:
        import numpy as np

        np.random.seed(seed % 2**32)
    except ImportError:  # numpy is optional for demos
        pass
    return torch.Generator().manual_seed(seed)


def parse_args(argv: list[str] | None, title: str, default_steps: int, quick_steps: int) -> DemoConfig:
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("--steps", type=int, default=None, help=f"training steps (default {default_steps}, quick {quick_steps})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--quick", action="store_true", help="a few-second run for tests")
    args = parser.parse_args(argv)
    steps = args.steps if args.steps is not None else (quick_steps if args.quick else default_steps)
    if steps < 1:
        parser.error("--steps must be at least 1")
    try:
        device = resolve_device(args.device)
    except ValueError as err:
        parser.error(str(err))
    return DemoConfig(steps=steps, seed=args.seed, device=device, quick=args.quick)


def main(
    run: Callable[[DemoConfig, Reporter], Claim],
    demo_file: str,
    argv: list[str] | None = None,
) -> None:
    meta = load_meta(Path(demo_file).resolve().parent)
    cfg = parse_args(argv, meta.title, meta.default_steps, meta.quick_steps)
    if cfg.device.type == "cpu":
        # Demo models are small: a second intra-op thread mostly spins, and on a busy machine it made
        # runs up to 30x slower. One thread per demo; run several demos for parallelism.
        torch.set_num_threads(1)
    seed_everything(cfg.seed)
    report = Reporter()
    report.title = meta.title
    report.say(f"device: {cfg.device}  seed: {cfg.seed}  steps: {cfg.steps}{'  (quick)' if cfg.quick else ''}")
    if cfg.quick:
        report.say(QUICK_NOTE)
    try:
        claim = run(cfg, report)
    except BaseException:
        report.end("error")
        raise
    report.claim(claim.text, claim.measured, claim.threshold, claim.reproduced)
    report.end("reproduced" if claim.reproduced else "not_reproduced")
    # With torch loaded, interpreter teardown takes seconds (2-3 s measured), and a watcher would show
    # the run as running all that time. Everything is printed and flushed: end the process now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0 if claim.reproduced else 1)
