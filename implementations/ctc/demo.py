"""Demo: a conv + bidirectional-GRU model trained with a from-scratch CTC loss transcribes synthetic spectrograms."""

from __future__ import annotations

import random

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.params import count_parameters
from implementations._common.schedules import cosine_after_hold
from tracker.demo_protocol import Reporter

from .ctc import ctc_loss
from .data import BLANK, SpeechConfig, alphabet, batch, symbol_frames
from .decoding import character_error_rate, greedy_decode
from .model import AcousticModel

BATCH = 32
LR = 1e-2
HOLD_STEPS = 150
CLIP = 5.0
TEST_UTTERANCES = 200
CER_BOUND = 0.10


def letters(labels: list[int]) -> str:
    return "".join(chr(ord("a") + k - 1) for k in labels)


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    speech = SpeechConfig()
    blocks = symbol_frames(speech, alphabet(speech))
    model = AcousticModel(speech.freq_bins, speech.symbols + 1).to(cfg.device)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: cosine_after_hold(i, cfg.steps, HOLD_STEPS))
    rng, noise = random.Random(cfg.seed), torch.Generator().manual_seed(cfg.seed)
    report.say(f"{speech.symbols} symbols, utterances of {speech.min_symbols}-{speech.max_symbols} symbols, "
               f"{speech.min_frames}-{speech.max_frames} frames each, noise sd {speech.noise}; "
               f"model {count_parameters(model)} parameters")
    report.start(total=cfg.steps)
    for step in range(1, cfg.steps + 1):
        x, lengths, targets, target_lengths = (t.to(cfg.device) for t in batch(speech, blocks, BATCH, rng, noise))
        log_probs, out_lengths = model(x, lengths)
        loss = ctc_loss(log_probs, targets, out_lengths, target_lengths, blank=BLANK)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        decay.step()
        report.progress(step, loss=loss.item())

    # Held-out utterances from a generator the training never touched.
    x, lengths, targets, target_lengths = batch(speech, blocks, TEST_UTTERANCES, random.Random(cfg.seed + 10_000),
                                                torch.Generator().manual_seed(cfg.seed + 10_000))
    model.eval()
    with torch.no_grad():
        log_probs, out_lengths = model(x.to(cfg.device), lengths.to(cfg.device))
    hypotheses = greedy_decode(log_probs, out_lengths, blank=BLANK)
    references = [t[:n].tolist() for t, n in zip(targets, target_lengths)]
    cer = character_error_rate(hypotheses, references)

    report.say("held-out examples (reference -> greedy CTC transcription):")
    for h, r in list(zip(hypotheses, references))[:5]:
        report.say(f"  {letters(r):<10} -> {letters(h)}")
    path = log_probs[: int(out_lengths[0]), 0].argmax(-1).tolist()
    report.say("frame-by-frame best path of the first ('-' = blank): "
               + "".join("-" if k == BLANK else letters([k]) for k in path))
    text = f"held-out character error rate {100 * cer:.2f}% < {100 * CER_BOUND:.0f}% ({TEST_UTTERANCES} utterances, greedy decoding)"
    return Claim(text=text, measured=cer, threshold=CER_BOUND, reproduced=cer < CER_BOUND)


if __name__ == "__main__":
    main(run, __file__)
