"""Demo: generative pretraining, then fine-tuning, beats the same Transformer trained on the labelled
task alone (Radford et al. 2018, the GPT claim in miniature on a generated language).

The language (``data.py``) has 8 classes of 16 synonyms; a sentence is a walk of a Markov chain
over the classes, run forwards (P) or backwards (its time reversal). The downstream task is to
tell which, from 200 labelled sentences: a bag of words is exactly at chance, and word bigrams
are too sparse to learn from 200 sentences. Unlabelled text teaches both what the task needs:
which words are synonyms, and how to track the direction (the LM must, to predict well).

Stage 1 pretrains a 2-layer post-LN GPT on 20,000 unlabelled sentences (L1, eq. 1). Stage 2
fine-tunes it with a linear head on the last token and the auxiliary LM loss (L3 = L2 + 0.5 L1,
eq. 5). The contest: the same model from its random init, fine-tuned identically (same steps,
batches, rate, lambda, validation-chosen checkpoint), and logistic regression on bag-of-(uni+bi)gram
counts with its penalty chosen on validation. The ablation without the auxiliary loss (lambda = 0)
is reported too. All accuracies are on 2,000 held-out test sentences.
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.params import count_parameters
from tracker.demo_protocol import Reporter

from .baselines import ngram_logistic_accuracy
from .data import log_odds, make_task, true_nll
from .model import GPT, GPTConfig, lm_nll
from .train import accuracy, finetune, pretrain

LENGTH = 16
LANGUAGE = {"n_classes": 8, "synonyms": 16, "cycle": 0.5, "zipf": 0.0}
SPLITS = {"train": 200, "valid": 200, "test": 2000}
CORPUS = 20_000
MODEL = {"d_model": 48, "n_layers": 2, "n_heads": 4, "d_ff": 192, "dropout": 0.1}
PRE_BATCH, PRE_LR, WARMUP = 32, 3e-3, 100
FT_STEPS, QUICK_FT_STEPS, FT_BATCH, FT_LR, LAMBDA, CHECK_EVERY = 150, 75, 32, 1e-3, 0.5, 25
MARGIN, QUICK_MARGIN = 0.15, 0.05  # accuracy over the better of the two baselines


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    task = make_task(cfg.seed, CORPUS, SPLITS, LENGTH, **LANGUAGE)
    lang, test = task.lang, task.splits["test"]
    ft_steps = QUICK_FT_STEPS if cfg.quick else FT_STEPS
    arms = {"pretrained": LAMBDA, "scratch": LAMBDA} | ({} if cfg.quick else {"pretrained, no aux LM": 0.0})
    report.start(total=cfg.steps + len(arms) * ft_steps, series=["pretrain", *arms],
                 series_steps=[cfg.steps, *[ft_steps] * len(arms)])
    model_cfg = GPTConfig(vocab=lang.vocab, context=LENGTH + 1, **MODEL)
    torch.manual_seed(cfg.seed)
    init = GPT(model_cfg)
    scratch_init = {k: v.clone() for k, v in init.state_dict().items()}
    report.say(f"language: {lang.n_classes} classes x {lang.synonyms} synonyms, sentences of {LENGTH}; "
               f"{CORPUS} unlabelled, {SPLITS['train']} / {SPLITS['valid']} / {SPLITS['test']} labelled "
               f"train / valid / test; GPT {count_parameters(init)} parameters")

    g = torch.Generator().manual_seed(cfg.seed)
    model = pretrain(init.to(cfg.device), task.corpus, cfg.steps, PRE_BATCH, PRE_LR, min(WARMUP, cfg.steps), g,
                     lambda step, loss: report.progress(step, series="pretrain", loss=loss))
    model.eval()
    with torch.no_grad():
        lm = lm_nll(model(test[0].to(cfg.device)), test[0].to(cfg.device)).item()
    true, blind = true_nll(lang, test[0])
    report.say(f"pretrained LM, test text: {lm:.3f} nats/token; the true model {true:.3f}, a direction-blind "
               f"class bigram {blind:.3f}, unigram {torch.log(torch.tensor(float(lang.vocab))).item():.3f}")

    acc, first = {}, cfg.steps
    for name, lam in arms.items():
        net = GPT(model_cfg)  # scratch: the pretrained model's own random init, before pretraining
        net.load_state_dict(scratch_init if name == "scratch" else model.state_dict())
        net.to(cfg.device)
        torch.manual_seed(cfg.seed + 1)  # the same dropout masks and batches for every arm
        fg = torch.Generator().manual_seed(cfg.seed + 1)
        start = first

        def on_step(step, loss, valid, name=name, start=start):
            metrics = {"loss": loss} if valid is None else {"loss": loss, "acc": valid}
            report.progress(start + step, series=name, **metrics)

        net, valid, at = finetune(net, task.splits["train"], task.splits["valid"], ft_steps, FT_BATCH, FT_LR,
                                  lam, CHECK_EVERY, fg, on_step)
        acc[name] = accuracy(net, *test)
        report.say(f"  {name:>22}: test accuracy {acc[name]:.1%} (validation {valid:.1%}, checkpoint at step {at})")
        first += ft_steps
    ngram, ngram_valid, l2 = ngram_logistic_accuracy(task.splits, lang.vocab)
    bayes = ((log_odds(lang, test[0]) > 0).long() == test[1]).double().mean().item()
    report.say(f"  {'uni+bigram logistic':>22}: test accuracy {ngram:.1%} (validation {ngram_valid:.1%}, l2 {l2:g})")
    report.say(f"  {'Bayes-optimal':>22}: test accuracy {bayes:.1%} (the true chains' likelihood ratio)")

    best_name, best = max((("scratch", acc["scratch"]), ("uni+bigram logistic", ngram)), key=lambda kv: kv[1])
    margin = acc["pretrained"] - best
    need = QUICK_MARGIN if cfg.quick else MARGIN
    return Claim(
        text=(f"pretrained then fine-tuned GPT: {acc['pretrained']:.1%} test accuracy; no pretraining "
              f"{acc['scratch']:.1%}, uni+bigram logistic regression {ngram:.1%}: {margin * 100:+.1f} points over "
              f"the better ({best_name}; need >= {need * 100:g})"),
        measured=margin,
        threshold=need,
        reproduced=margin >= need,
    )


if __name__ == "__main__":
    main(run, __file__)
