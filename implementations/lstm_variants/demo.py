"""Demo: on an unsegmented memory task, dropping the forget gate or the output activation breaks the LSTM; coupling input and forget gates does not."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from .model import VARIANTS, VariantLSTM
from .task import NO_TARGET, LatestValueStreams

HIDDEN, CHUNK, BATCH, LR = 32, 20, 32, 1e-2
VALUES, NOISE, WRITE_PROB = 4, 4, 0.1
EVAL_CHUNKS = 50           # 1000 further steps of the same streams, state carried on (--quick: 500)
QUICK_VARIANTS = ("V", "NFG", "NOAF", "CIFG")  # the claim's four; the default run trains all nine
HURT_THRESHOLD = 0.20      # NFG and NOAF: accuracy at least 20 points below vanilla
SAME_THRESHOLD = 0.02      # CIFG: accuracy at most 2 points below vanilla


def detach(state):
    return tuple(s.detach() for s in state)


def train_and_test(variant: str, steps: int, seed: int, first_step: int, device: torch.device,
                   report: Reporter, eval_chunks: int = EVAL_CHUNKS) -> dict[str, float]:
    """Train one variant on the streams, then test it on the continuation of the same streams."""
    torch.manual_seed(seed)  # same init stream and same data for every variant
    rnn = VariantLSTM(VALUES + NOISE, HIDDEN, variant).to(device)
    head = nn.Linear(HIDDEN, VALUES).to(device)
    params = list(rnn.parameters()) + list(head.parameters())
    optimiser = torch.optim.Adam(params, lr=LR)
    streams = LatestValueStreams(BATCH, VALUES, NOISE, WRITE_PROB, torch.Generator().manual_seed(seed + 1))
    state = None
    for step in range(1, steps + 1):
        x, y = (t.to(device) for t in streams.next_chunk(CHUNK))
        out, state = rnn(x, state)
        state = detach(state)  # truncated BPTT; the state itself is never reset
        loss = F.cross_entropy(head(out).reshape(-1, VALUES), y.reshape(-1), ignore_index=NO_TARGET)
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
        report.progress(first_step + step, series=variant, loss=loss.item())

    correct = total = 0
    loss_sum = 0.0
    with torch.no_grad():  # keep reading the same streams, never reset
        for _ in range(eval_chunks):
            x, y = (t.to(device) for t in streams.next_chunk(CHUNK))
            out, state = rnn(x, state)
            logits, known = head(out), y != NO_TARGET
            correct += (logits.argmax(-1) == y)[known].sum().item()
            total += known.sum().item()
            loss_sum += F.cross_entropy(logits[known], y[known], reduction="sum").item()
    return {"acc": correct / total, "loss": loss_sum / total, "max_c": state[1].abs().max().item()}


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    variants = QUICK_VARIANTS if cfg.quick else VARIANTS
    report.start(total=len(variants) * cfg.steps, series=variants)
    report.say(f"latest-value recall on unsegmented streams: {VALUES} values, {NOISE} distractors, "
               f"write probability {WRITE_PROB}; {HIDDEN} cells, {cfg.steps} steps x {BATCH} x {CHUNK} per variant")
    results = {}
    for k, variant in enumerate(variants):
        results[variant] = train_and_test(variant, cfg.steps, cfg.seed, k * cfg.steps, cfg.device, report,
                                          EVAL_CHUNKS // 2 if cfg.quick else EVAL_CHUNKS)

    report.say(f"{'variant':>8} {'test acc':>9} {'test loss':>10} {'max |c_t|':>10}   (chance acc {1 / VALUES:.2f})")
    for variant, r in results.items():
        report.say(f"{variant:>8} {r['acc']:>9.3f} {r['loss']:>10.3f} {r['max_c']:>10.1f}")

    vanilla = results["V"]["acc"]
    drop = {v: vanilla - results[v]["acc"] for v in ("NFG", "NOAF", "CIFG")}
    hurt = min(drop["NFG"], drop["NOAF"])
    same = drop["CIFG"] <= SAME_THRESHOLD
    return Claim(
        text=(f"accuracy V {vanilla:.3f}: NFG {results['NFG']['acc']:.3f}, NOAF {results['NOAF']['acc']:.3f} "
              f"(drop {hurt:.3f} >= {HURT_THRESHOLD}); CIFG {results['CIFG']['acc']:.3f} "
              f"(drop {drop['CIFG']:.3f} <= {SAME_THRESHOLD})"),
        measured=hurt,
        threshold=HURT_THRESHOLD,
        reproduced=hurt >= HURT_THRESHOLD and same,
    )


if __name__ == "__main__":
    main(run, __file__)
