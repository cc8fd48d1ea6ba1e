"""Demo: an NTM learns to copy short bit sequences and, unlike an LSTM of the same size, generalises to longer ones."""

from __future__ import annotations


import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.schedules import cosine_after_hold
from tracker.demo_protocol import Reporter

from .model import LSTM, NTM, count_parameters
from .task import bit_errors_per_sequence, copy_batch, output_phase

BITS = 4
TRAIN_LENGTHS = range(1, 6)      # seen in training
TEST_LENGTHS = range(6, 11)      # never seen: generalisation
BATCH = 128
LR = 2e-2
HOLD_STEPS = 300
CLIP = 10.0
EVAL_SEQUENCES = 200             # per length
RATIO = 4.0                      # NTM must make at most 1/RATIO of the LSTM's errors on 6-10
TRAIN_TOLERANCE = 0.25           # ... and at most this many bit errors per sequence on 1-5


def train(model, cfg: DemoConfig, report: Reporter, offset: int, name: str) -> None:
    """Adam on the copy loss (output phase only), one random length per batch."""
    data = torch.Generator().manual_seed(cfg.seed)   # both models see the same batches
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    # Full rate for HOLD_STEPS (finds the memory-using solution fast), then a
    # cosine decay to zero over the remaining steps (keeps it from drifting).
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: cosine_after_hold(i, cfg.steps, HOLD_STEPS))
    for step in range(1, cfg.steps + 1):
        length = int(torch.randint(TRAIN_LENGTHS.start, TRAIN_LENGTHS.stop, (1,), generator=data))
        x, y = copy_batch(BATCH, length, BITS, data)
        x, y = x.to(cfg.device), y.to(cfg.device)
        logits = output_phase(model(x), length)
        loss = F.binary_cross_entropy_with_logits(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        decay.step()
        errors = bit_errors_per_sequence(logits.detach(), y).mean()
        report.progress(offset + step, series=name, loss=loss.item(), bit_errors=errors.item())


@torch.no_grad()
def evaluate(model, cfg: DemoConfig, lengths) -> dict[int, float]:
    """Mean bit errors per sequence for each length, on a fixed held-out set."""
    data = torch.Generator().manual_seed(cfg.seed + 10_000)
    result = {}
    for length in lengths:
        x, y = copy_batch(EVAL_SEQUENCES, length, BITS, data)
        logits = output_phase(model(x.to(cfg.device)), length)
        result[length] = bit_errors_per_sequence(logits, y.to(cfg.device)).mean().item()
    return result


@torch.no_grad()
def head_trace(model: NTM, cfg: DemoConfig, length: int = 8) -> str:
    """Where the write and read heads focus at each step of one copy (argmax row)."""
    x, _ = copy_batch(1, length, BITS, torch.Generator().manual_seed(cfg.seed + 20_000))
    _, weights = model(x.to(cfg.device), return_weights=True)   # (T, 1, heads, N)
    rows = weights[:, 0].argmax(-1).cpu()
    write = " ".join(f"{r:2d}" for r in rows[:, 1].tolist())
    read = " ".join(f"{r:2d}" for r in rows[:, 0].tolist())
    return f"  write row: {write}\n  read row:  {read}   (input {length} steps, delimiter, output {length} steps)"


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    ntm = NTM(BITS + 1, BITS, hidden_size=16, memory_rows=16, memory_width=8).to(cfg.device)
    lstm = LSTM(BITS + 1, BITS, hidden_size=23).to(cfg.device)
    report.say(f"copy task: {BITS}-bit vectors, train lengths {TRAIN_LENGTHS.start}-{TRAIN_LENGTHS.stop - 1}, "
               f"test lengths {TEST_LENGTHS.start}-{TEST_LENGTHS.stop - 1}")
    report.say(f"NTM {count_parameters(ntm)} parameters, LSTM {count_parameters(lstm)} parameters")
    report.start(total=2 * cfg.steps, series=["NTM", "LSTM"])

    results = {}
    for offset, (name, model) in enumerate((("NTM", ntm), ("LSTM", lstm))):
        report.say(f"training {name}")
        train(model, cfg, report, offset * cfg.steps, name)
        results[name] = evaluate(model, cfg, [*TRAIN_LENGTHS, *TEST_LENGTHS])

    report.say("bit errors per sequence (of 4 x length bits):")
    report.say("  length " + "".join(f"{n:>7d}" for n in results["NTM"]))
    for name, errors in results.items():
        report.say(f"  {name:<6} " + "".join(f"{e:7.2f}" for e in errors.values()))
    report.say("NTM head focus on a length-8 sequence:\n" + head_trace(ntm, cfg))

    def mean(name, lengths):
        return sum(results[name][n] for n in lengths) / len(lengths)

    ntm_test, lstm_test = mean("NTM", TEST_LENGTHS), mean("LSTM", TEST_LENGTHS)
    ntm_train = mean("NTM", TRAIN_LENGTHS)
    threshold = lstm_test / RATIO
    reproduced = ntm_test <= threshold and ntm_train <= TRAIN_TOLERANCE
    text = (f"NTM bit errors/sequence on unseen lengths 6-10 {ntm_test:.2f} <= LSTM {lstm_test:.2f} / {RATIO:g} "
            f"= {threshold:.2f}, and on training lengths 1-5 {ntm_train:.2f} <= {TRAIN_TOLERANCE}")
    return Claim(text=text, measured=ntm_test, threshold=threshold, reproduced=reproduced)


if __name__ == "__main__":
    main(run, __file__)
