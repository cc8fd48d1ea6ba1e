"""Demo: masked-LM pre-training, then fine-tuning, against the same model trained from scratch
(Devlin et al. 2018, the pre-train / fine-tune claim in miniature).

A small BERT is pre-trained with the masked-LM objective on unlimited unlabelled sentences of a
generated language with subject-verb agreement (``data.py``). Then two copies of the same
architecture are fine-tuned on the same 300 labelled sentences of an acceptability task (does the
verb agree with its subject?) for the same number of steps: one from the pre-trained weights, one
from a fresh initialisation. Each arm's learning rate is its best of three on a validation split;
both are scored once on held-out test sentences. Logistic regression on bags of n-grams, penalty
chosen on the same validation split, shows that word counts do not solve the task.
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from . import data
from .baselines import best_logistic, ngram_features
from .model import Bert, BertConfig
from .train import accuracy, finetune, masked_verb_accuracy, pretrain

MODEL = dict(d_model=32, n_heads=2, d_ff=128, n_layers=2, dropout=0.0)
PRE_BATCH, PRE_LR = 128, 5e-3
N_TRAIN, N_VALID, N_TEST = 300, 500, 2000
FT_STEPS, FT_BATCH, FT_LRS = 150, 32, (3e-4, 1e-3, 3e-3)
FULL = {"over_scratch": 0.25, "over_ngrams": 0.25}      # test-accuracy margins
QUICK = {"over_scratch": 0.15, "over_ngrams": 0.15}
QUICK_SETTINGS = dict(ft_steps=100, ft_lrs=(1e-3,))    # the rate the default runs chose most often


def _config() -> BertConfig:
    return BertConfig(vocab_size=data.VOCAB_SIZE, max_len=data.MAX_LEN, pad_id=data.PAD, **MODEL)


def fine_tune_arm(name: str, start: dict | None, sets, cfg: DemoConfig, steps: int, lrs, report: Reporter,
                  first: int) -> tuple[float, float, float, float]:
    """(chosen lr, validation, test and training accuracy) of the lr that validates best."""
    train, valid, test = sets
    best = None
    for k, lr in enumerate(lrs):
        torch.manual_seed(cfg.seed + 1)           # the same fresh heads (and, from scratch, encoder) for every lr
        model = Bert(_config()).to(cfg.device)
        if start is not None:
            model.load_state_dict(start)
            torch.manual_seed(cfg.seed + 1)       # fresh pooler and classifier, as the scratch arm's
            fresh = Bert(_config()).to(cfg.device)
            model.pooler.load_state_dict(fresh.pooler.state_dict())
            model.classifier.load_state_dict(fresh.classifier.state_dict())
        offset = first + k * steps
        finetune(model, train, steps, FT_BATCH, lr, torch.Generator().manual_seed(cfg.seed + 2),
                 on_step=lambda s, loss: report.progress(offset + s - 1, series=name, loss=loss)
                 if s % 10 == 0 or s == steps else None)
        val = accuracy(model, valid)
        report.say(f"  {name}, lr {lr:g}: validation accuracy {val:.1%}")
        if best is None or val > best[1]:
            best = (lr, val, accuracy(model, test), accuracy(model, train))
    return best


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    ft_steps, ft_lrs = (QUICK_SETTINGS["ft_steps"], QUICK_SETTINGS["ft_lrs"]) if cfg.quick else (FT_STEPS, FT_LRS)
    arm_steps = ft_steps * len(ft_lrs)
    report.start(total=cfg.steps + 2 * arm_steps, series=["mlm pre-training", "fine-tune pre-trained", "fine-tune from scratch"],
                 series_steps=[cfg.steps, arm_steps, arm_steps])
    gen = torch.Generator().manual_seed(cfg.seed)
    sets = (data.acceptability(N_TRAIN, gen), data.acceptability(N_VALID, gen), data.acceptability(N_TEST, gen))
    probe = data.generate(N_VALID, gen)
    report.say(f"vocabulary {data.VOCAB_SIZE}; labelled sentences: {N_TRAIN} train, {N_VALID} validation, {N_TEST} test; "
               f"model H={MODEL['d_model']}, L={MODEL['n_layers']}, A={MODEL['n_heads']}")

    torch.manual_seed(cfg.seed)
    model = Bert(_config()).to(cfg.device)
    pretrain(model, cfg.steps, PRE_BATCH, PRE_LR, gen,
             on_step=lambda s, loss: report.progress(s, series="mlm pre-training", loss=loss)
             if s % 10 == 0 or s == cfg.steps else None)
    agree = masked_verb_accuracy(model, probe)
    report.say(f"pre-trained {cfg.steps} steps x {PRE_BATCH} sentences; masked verb: right number ranked first {agree:.1%}")
    state = {k: v.clone() for k, v in model.state_dict().items()}

    pre = fine_tune_arm("fine-tune pre-trained", state, sets, cfg, ft_steps, ft_lrs, report, cfg.steps + 1)
    scratch = fine_tune_arm("fine-tune from scratch", None, sets, cfg, ft_steps, ft_lrs, report, cfg.steps + arm_steps + 1)
    ngrams = {}
    for name, pairs in (("uni+bigrams", False), ("+ all word pairs", True)):
        feats = [(ngram_features(s.tokens, data.VOCAB_SIZE, data.PAD, pairs), s.labels) for s in sets]
        ngrams[name] = best_logistic(*feats)
    for name, (lr, val, test, fit) in (("pre-trained", pre), ("from scratch", scratch)):
        report.say(f"  BERT {name:>12}: lr {lr:g}, validation {val:.1%}, test {test:.1%} (training set {fit:.1%})")
    for name, (lam, val, test) in ngrams.items():
        report.say(f"  logistic regression, {name}: lambda {lam:g}, validation {val:.1%}, test {test:.1%}")
    best_ngram = max(test for _, _, test in ngrams.values())
    need = QUICK if cfg.quick else FULL
    over_scratch, over_ngrams = pre[2] - scratch[2], pre[2] - best_ngram
    return Claim(
        text=(f"held-out acceptability accuracy: pre-trained + fine-tuned {pre[2]:.1%}, same model from scratch "
              f"{scratch[2]:.1%}: +{over_scratch * 100:.1f} points (need >= {need['over_scratch'] * 100:g}); best "
              f"n-gram logistic regression {best_ngram:.1%}: +{over_ngrams * 100:.1f} (need >= {need['over_ngrams'] * 100:g})"),
        measured=over_scratch,
        threshold=need["over_scratch"],
        reproduced=over_scratch >= need["over_scratch"] and over_ngrams >= need["over_ngrams"],
    )


if __name__ == "__main__":
    main(run, __file__)
