"""Demo: a character-level LSTM learns Python source, far below the unigram entropy in bits per character."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from .data import VOCAB, decode, encode, random_windows, split, stdlib_text, unigram_entropy_bits
from .model import CharRNN, bits_per_character, sample



@dataclass(frozen=True)
class Setting:
    hidden: int
    seq_len: int      # truncated backprop through time over this many characters
    lr: float         # Adam, cosine-decayed to lr / 10
    bpc_bound: float  # the claim: held-out bpc below this


DEFAULT = Setting(hidden=256, seq_len=64, lr=1e-2, bpc_bound=2.5)
# --quick: a smaller, faster net for ~120 steps; the bound is looser but still > 1 bit below the unigram baseline.
QUICK = Setting(hidden=128, seq_len=32, lr=2e-2, bpc_bound=3.25)
EMBED = 32
BATCH = 32
PROMPTS = ("def ", "class ", "    # ")


def unigram_bpc(train: torch.Tensor, held_out: torch.Tensor, vocab_size: int) -> float:
    """Held-out bpc of the best context-free model: add-one-smoothed character frequencies of the training text."""
    counts = torch.bincount(train, minlength=vocab_size).double() + 1
    log2p = (counts / counts.sum()).log2()
    return -log2p[held_out].mean().item()


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    report.start(total=cfg.steps)
    ids = encode(stdlib_text())
    train_ids, held_ids = split(ids, 0.1)
    baseline = unigram_bpc(train_ids, held_ids, len(VOCAB))
    report.say(f"corpus: {len(ids):,} characters of stdlib source, {len(train_ids):,} train / {len(held_ids):,} held out, "
               f"vocabulary {len(VOCAB)} (log2 V = {math.log2(len(VOCAB)):.2f} bits)")
    report.say(f"unigram entropy of held-out text {unigram_entropy_bits(held_ids):.2f} bits; "
               f"unigram model from training text scores {baseline:.2f} bpc on it")

    setting = QUICK if cfg.quick else DEFAULT
    report.say(f"LSTM hidden {setting.hidden}, BPTT {setting.seq_len} characters, batch {BATCH}, Adam lr {setting.lr}")
    model = CharRNN(len(VOCAB), EMBED, setting.hidden).to(cfg.device)
    optimiser = torch.optim.Adam(model.parameters(), lr=setting.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=cfg.steps, eta_min=setting.lr / 10)
    batches = torch.Generator().manual_seed(cfg.seed)
    for step in range(1, cfg.steps + 1):
        x, y = random_windows(train_ids, BATCH, setting.seq_len, batches)
        loss, _ = model.loss(x.to(cfg.device), y.to(cfg.device))
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        report.progress(step, loss=loss.item(), bpc=loss.item() / math.log(2))

    held_bpc = bits_per_character(model, held_ids.to(cfg.device))
    report.say(f"held-out: {held_bpc:.3f} bpc (unigram {baseline:.2f}, uniform {math.log2(len(VOCAB)):.2f})")
    sampler = torch.Generator().manual_seed(cfg.seed)
    for prompt, temperature in zip(PROMPTS, (0.8, 0.8, 1.0)):
        text = prompt + decode(sample(model, encode(prompt), 160, sampler, temperature))
        report.say(f"--- sample (temperature {temperature}) ---\n{text}")
    report.say("---")

    bound = setting.bpc_bound
    return Claim(
        text=f"held-out {held_bpc:.3f} bpc < {bound} (unigram baseline {baseline:.2f} bpc)",
        measured=held_bpc,
        threshold=bound,
        reproduced=held_bpc < bound,
    )


if __name__ == "__main__":
    main(run, __file__)
