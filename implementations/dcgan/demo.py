"""Demo: DCGAN's all-convolutional generator with batch norm against an MLP GAN of the same size
(Radford et al. 2015, Sec. 3-4 in miniature), on sklearn's 8x8 digits.

Both GANs train on the same 1400 training digits with the same loss, optimiser, batches and step
count. A logistic-regression digit classifier, trained on the same real training digits, then
labels 2000 samples from each generator. A sample counts when the classifier is at least 90% sure
of it. The score, Σ_c min(share confidently labelled c, 1/10), rewards confident samples spread
over the ten digits. Claimed: DCGAN's samples are confidently labelled as >= 8 different digits and
score clearly above the MLP GAN's.
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.params import count_parameters
from tracker.demo_protocol import Reporter

from .data import as_images, balanced_confidence, confident_labels, fit_judge, split
from .mlp_baseline import MlpDiscriminator, MlpGenerator
from .model import ConvDiscriminator, ConvGenerator
from .train import train

LR, CONFIDENCE, N_SAMPLES = 1e-3, 0.9, 2000
NEED = {False: {"classes": 8, "margin": 0.15}, True: {"classes": 2, "margin": 0.05}}   # default, quick (500 steps: 2-7 digits)


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    arms = {"DCGAN": (ConvGenerator, ConvDiscriminator), "MLP GAN": (MlpGenerator, MlpDiscriminator)}
    report.start(total=len(arms) * cfg.steps, series=list(arms))
    train_set, held_out = split(cfg.seed)
    judge = fit_judge(train_set)
    report.say(f"judge: logistic regression on the {len(train_set[1])} training digits, "
               f"{judge.score(*held_out):.3f} accuracy on {len(held_out[1])} held-out digits")
    images = as_images(train_set[0]).to(cfg.device)
    results = {}
    for a, (name, (make_g, make_d)) in enumerate(arms.items()):
        torch.manual_seed(cfg.seed)
        G, D = make_g().to(cfg.device), make_d().to(cfg.device)
        stream = torch.Generator().manual_seed(cfg.seed)
        train(G, D, images, cfg.steps, LR, stream,
              lambda step, loss, first=a * cfg.steps, name=name: report.progress(first + step, series=name, loss=loss))
        G.eval()                                   # batch norm from its running statistics
        with torch.no_grad():
            samples = G(torch.randn(N_SAMPLES, G.noise_dim, generator=stream).to(cfg.device))
        labels = confident_labels(judge, samples, CONFIDENCE)
        results[name] = balanced_confidence(labels)
        report.say(f"  {name:>8}: G {count_parameters(G)} / D {count_parameters(D)} parameters; "
                   f"{(labels >= 0).mean():.3f} of samples labelled with >= {CONFIDENCE:.0%} confidence; "
                   f"{results[name][1]} digits hold >= 2% of samples; score {results[name][0]:.3f}")
    (conv, conv_classes), (mlp, mlp_classes) = results["DCGAN"], results["MLP GAN"]
    need = NEED[cfg.quick]
    margin = conv - mlp
    return Claim(
        text=(f"confident, class-balanced samples: DCGAN {conv:.3f} over {conv_classes} digits (need >= "
              f"{need['classes']}), MLP GAN of equal size {mlp:.3f} over {mlp_classes}: {margin:+.3f} (need >= {need['margin']})"),
        measured=margin,
        threshold=need["margin"],
        reproduced=conv_classes >= need["classes"] and margin >= need["margin"],
    )


if __name__ == "__main__":
    main(run, __file__)
