"""Demo: reversing the source sentence (Sutskever et al. 2014, Sec. 3.3) on a toy translation task.

Two identical 2-layer LSTM encoder-decoders (same initial weights, same training pairs in the
same order, same steps) learn the same word-for-word-with-swaps translation; one reads each
source forward, the other reversed. Both are scored by greedy decoding on held-out pairs of the
shortest and of the longest training lengths. The claim: the reversed reader is far ahead on the
long ones. Two counting baselines show what surface statistics alone reach.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.params import count_parameters
from implementations.adam.optim import Adam
from tracker.demo_protocol import Reporter

from . import baselines
from .data import Batch, ToyTranslation
from .evaluate import exact_sequences, token_hits
from .model import Seq2Seq, masked_cross_entropy, reverse_source

NAMES = ("forward source", "reversed source")


@dataclass(frozen=True)
class Setup:
    n_words: int
    lengths: tuple[int, int]        # training source lengths, uniform
    short: tuple[int, int]          # held-out buckets, inside the training range
    long: tuple[int, int]
    embed: int
    hidden: int
    batch: int
    lr: float
    n_test: int
    margin: float                   # reversed minus forward, per-token accuracy on long pairs


def setup(quick: bool) -> Setup:
    if quick:
        return Setup(n_words=8, lengths=(5, 10), short=(5, 6), long=(9, 10), embed=32, hidden=32, batch=32,
                     lr=2e-2, n_test=300, margin=0.10)
    return Setup(n_words=8, lengths=(12, 24), short=(12, 15), long=(21, 24), embed=32, hidden=64, batch=64,
                 lr=2e-2, n_test=400, margin=0.15)


def train(model: Seq2Seq, task: ToyTranslation, s: Setup, reverse: bool, cfg: DemoConfig, report: Reporter,
          first_step: int, name: str) -> None:
    """Adam on fresh pairs; each minibatch has one source length (Sec. 3.4's length batching)."""
    gen = torch.Generator().manual_seed(cfg.seed + 1)     # both models see the same pairs in the same order
    opt = Adam(model.parameters(), lr=s.lr)
    for k in range(cfg.steps):
        length = int(torch.randint(s.lengths[0], s.lengths[1] + 1, (1,), generator=gen))
        b = task.sample(gen, s.batch, length, length)
        src = reverse_source(b.src, b.lengths) if reverse else b.src
        tgt = b.tgt.to(cfg.device)
        logits = model(src.to(cfg.device), tgt)
        loss = masked_cross_entropy(logits, tgt)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)   # Sec. 3.4: rescale when ||g|| > 5
        opt.step()
        hits, total = token_hits(logits.argmax(-1), tgt)
        report.progress(first_step + k, series=name, loss=loss.item(), acc=hits / total)


def score(model: Seq2Seq, b: Batch, reverse: bool, device: torch.device) -> tuple[float, float, torch.Tensor]:
    """(per-token accuracy, exact-sequence accuracy, outputs) of greedy decoding."""
    src = reverse_source(b.src, b.lengths) if reverse else b.src
    pred = model.greedy_decode(src.to(device), b.tgt.size(1) + 2).cpu()
    hits, total = token_hits(pred, b.tgt)
    return hits / total, exact_sequences(pred, b.tgt) / len(b.tgt), pred


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    s = setup(cfg.quick)
    task = ToyTranslation(s.n_words, torch.Generator().manual_seed(cfg.seed))
    held_out = torch.Generator().manual_seed(10_000 + cfg.seed)    # a stream training never draws from
    tests = {"short": task.sample(held_out, s.n_test, *s.short), "long": task.sample(held_out, s.n_test, *s.long)}
    report.start(2 * cfg.steps, series=list(NAMES))
    acc: dict[tuple[str, str], tuple[float, float]] = {}
    for index, name in enumerate(NAMES):
        reverse = name == "reversed source"
        torch.manual_seed(cfg.seed)                                # the same initial weights for both
        model = Seq2Seq(task.vocab_size, task.vocab_size, s.embed, s.hidden, layers=2, init_bound=None).to(cfg.device)
        if index == 0:
            report.say(f"2-layer LSTM encoder-decoder, {count_parameters(model):,} parameters; "
                       f"{s.n_words} words, source lengths {s.lengths[0]}-{s.lengths[1]}, {cfg.steps} steps "
                       f"of {s.batch} pairs per model")
        train(model, task, s, reverse, cfg, report, index * cfg.steps + 1, name)
        model.eval()
        for bucket, b in tests.items():
            tok, seq, pred = score(model, b, reverse, cfg.device)
            acc[name, bucket] = tok, seq
            if bucket == "long":
                n = int(b.lengths[0]) + 1
                report.say(f"{name}, first long test pair: target {b.tgt[0, :n].tolist()}")
                report.say(f"{' ' * len(name)}                        output {pred[0, :n].tolist()}")

    fit = task.sample(torch.Generator().manual_seed(cfg.seed + 1), 20 * s.batch, *s.lengths)   # training pairs
    majority, table = baselines.position_majority(fit.tgt), baselines.fit_dictionary(fit.src, fit.tgt, task.vocab_size)
    for bucket, b in tests.items():
        for name, pred in (("position majority", majority[: b.tgt.size(1)].expand_as(b.tgt)),
                           ("word-for-word", baselines.translate_word_for_word(table, b.src, b.lengths))):
            hits, total = token_hits(pred, b.tgt)
            acc[name, bucket] = hits / total, exact_sequences(pred, b.tgt) / len(b.tgt)

    report.say(f"held-out per-token accuracy (exact sequences), {s.n_test} pairs per bucket:")
    report.say(f"  {'':<18}{f'short {s.short[0]}-{s.short[1]}':>22}{f'long {s.long[0]}-{s.long[1]}':>22}")
    for name in (*NAMES, "word-for-word", "position majority"):
        cells = "".join(f"{f'{acc[name, b][0]:.1%} ({acc[name, b][1]:.1%})':>22}" for b in tests)
        report.say(f"  {name:<18}{cells}")
    fwd, rev = acc[NAMES[0], "long"][0], acc[NAMES[1], "long"][0]
    margin = rev - fwd
    return Claim(
        text=(f"on held-out long pairs ({s.long[0]}-{s.long[1]} words) reversing the source lifts per-token "
              f"accuracy from {fwd:.1%} to {rev:.1%}: {margin * 100:+.1f} points (need >= {s.margin * 100:.0f}); "
              f"short pairs {acc[NAMES[0], 'short'][0]:.1%} -> {acc[NAMES[1], 'short'][0]:.1%}"),
        measured=margin, threshold=s.margin, reproduced=margin >= s.margin,
    )


if __name__ == "__main__":
    main(run, __file__)
