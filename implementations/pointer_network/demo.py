"""Demo: a Pointer Network learns to sort numbers, and keeps sorting longer lists than it was trained on."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from .model import PointerNetConfig, PointerNetwork

IGNORE = -100


@dataclass(frozen=True)
class TaskSetup:
    train_lengths: tuple[int, int]
    longer_lengths: tuple[int, int]
    batch_size: int
    n_test: int
    hidden: int
    lr: float
    seen_threshold: float  # exact-match accuracy required on training lengths
    longer_threshold: float  # ... and on the longer, unseen lengths


def task_setup(quick: bool) -> TaskSetup:
    if quick:
        return TaskSetup((5, 8), (9, 10), batch_size=128, n_test=500, hidden=64, lr=1e-2,
                         seen_threshold=0.85, longer_threshold=0.7)
    return TaskSetup((5, 8), (9, 10), batch_size=128, n_test=1000, hidden=64, lr=5e-3,
                     seen_threshold=0.95, longer_threshold=0.9)


def sample(gen: torch.Generator, n: int, lengths: tuple[int, int]) -> tuple[torch.Tensor, ...]:
    """Lists of U(0, 1) numbers, right-padded: inputs (n, L, 1), valid (n, L), sorting pointers (n, L)."""
    lo, hi = lengths
    length = torch.randint(lo, hi + 1, (n,), generator=gen)
    valid = torch.arange(hi) < length[:, None]
    values = torch.rand(n, hi, generator=gen).masked_fill(~valid, float("inf"))
    order = values.argsort(dim=1)  # padding sorts last
    targets = order.masked_fill(~valid, IGNORE)
    inputs = values.masked_fill(~valid, 0.0)[..., None]
    return inputs, valid, targets


def exact_match(pointers: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per list: every output pointer is right."""
    pointers = pointers.masked_fill(targets == IGNORE, IGNORE)
    return (pointers == targets).all(dim=1)


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    s = task_setup(cfg.quick)
    gen = torch.Generator().manual_seed(cfg.seed)
    model = PointerNetwork(PointerNetConfig(input_size=1, hidden_size=s.hidden, attn_size=s.hidden)).to(cfg.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=s.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=cfg.steps)  # decay to 0 at the end
    report.say(f"sorting lists of {s.train_lengths[0]}-{s.train_lengths[1]} numbers in [0, 1); "
               f"testing on {s.train_lengths[0]}-{s.train_lengths[1]} and unseen {s.longer_lengths[0]}-{s.longer_lengths[1]}")
    report.start(total=cfg.steps)
    for step in range(1, cfg.steps + 1):
        inputs, valid, targets = (t.to(cfg.device) for t in sample(gen, s.batch_size, s.train_lengths))
        scores = model(inputs, valid, targets)
        loss = F.cross_entropy(scores.flatten(0, 1), targets.flatten(), ignore_index=IGNORE)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)  # the paper clips the L2 norm at 2
        optimizer.step()
        schedule.step()
        report.progress(step, loss=loss.item())

    model.eval()
    accuracy = {}
    for split, lengths in (("seen", s.train_lengths), ("longer", s.longer_lengths)):
        inputs, valid, targets = sample(gen, s.n_test, lengths)
        pointers, probs = model.greedy_decode(inputs.to(cfg.device), valid.to(cfg.device))
        correct = exact_match(pointers.cpu(), targets)
        accuracy[split] = correct.float().mean().item()
        n = int(valid[0].sum())
        values = inputs[0, :n, 0]
        report.say(f"{split} example: input {' '.join(f'{v:.3f}' for v in values.tolist())}")
        report.say(f"  output {' '.join(f'{values[p]:.3f}' for p in pointers[0, :n].tolist())}"
                   f"  ({'correct' if correct[0] else 'wrong'})")
    seen, longer = accuracy["seen"], accuracy["longer"]
    report.say(f"exact-match accuracy: lengths {s.train_lengths} (trained) {seen:.1%}, "
               f"lengths {s.longer_lengths} (never seen) {longer:.1%}")
    ok = seen >= s.seen_threshold and longer >= s.longer_threshold
    return Claim(
        text=f"sorted exactly: {seen:.1%} of lists of trained lengths {s.train_lengths[0]}-{s.train_lengths[1]} "
        f"(>= {s.seen_threshold:.0%}) and {longer:.1%} of unseen lengths {s.longer_lengths[0]}-{s.longer_lengths[1]} "
        f"(>= {s.longer_threshold:.0%})",
        measured=longer, threshold=s.longer_threshold, reproduced=ok,
    )


if __name__ == "__main__":
    main(run, __file__)
