"""Demo: double descent of random-features regression (Belkin et al. 2019, Fig. 2 in miniature).

Test error against the number of random ReLU features N, with n = 100 noisy training samples and
the min-norm least-squares fit: it rises to a peak at the interpolation threshold N = n and falls
again beyond it, below the best under-parameterised model (the classical U-curve's sweet spot,
chosen here on the test error itself, which favours the baseline).
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from .data import make_task
from .features import draw_weights, fit_and_test

N_TRAIN, N_TEST = 100, 2000
SIZES = (5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100, 105, 110, 120, 140, 170, 200, 300, 500, 1000, 2000, 4000)
QUICK_SIZES = (10, 20, 30, 40, 50, 60, 80, 90, 100, 110, 120, 200, 500, 2000)
PEAK_BAND = (80, 125)                # "near the threshold": 0.8 n .. 1.25 n
FULL = {"gain": 1.1, "peak": 10.0}   # best classical / largest model, and peak / best classical
QUICK = {"gain": 1.05, "peak": 5.0}


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    sizes = QUICK_SIZES if cfg.quick else SIZES
    draws = max(1, cfg.steps // len(sizes))   # feature draws averaged per size
    need = QUICK if cfg.quick else FULL
    gen = torch.Generator().manual_seed(cfg.seed)
    x_tr, y_tr, x_te, y_te = (t.to(cfg.device) for t in make_task(N_TRAIN, N_TEST, gen))
    report.start(total=len(sizes) * draws)
    report.say(f"n = {N_TRAIN} training samples (label noise std 0.3), {N_TEST} noise-free test points; "
               f"{draws} feature draws per size")
    report.say(f"  {'N':>5} {'N/n':>5} {'train MSE':>10} {'test MSE':>10}")
    test_err = {}
    step = 0
    for n_features in sizes:
        train_sum = test_sum = 0.0
        for _ in range(draws):
            weights = draw_weights(x_tr.shape[1], n_features, gen).to(cfg.device)
            train, test = fit_and_test(x_tr, y_tr, x_te, y_te, weights)
            train_sum, test_sum, step = train_sum + train, test_sum + test, step + 1
            report.progress(step, loss=test)
        test_err[n_features] = test_sum / draws
        report.say(f"  {n_features:>5} {n_features / N_TRAIN:>5.2f} {train_sum / draws:>10.4f} {test_err[n_features]:>10.4f}")

    under = {n: e for n, e in test_err.items() if n < PEAK_BAND[0]}
    best_n = min(under, key=under.get)
    peak_n = max(test_err, key=test_err.get)
    largest = sizes[-1]
    gain = under[best_n] / test_err[largest]
    peak = test_err[peak_n] / under[best_n]
    peak_near = PEAK_BAND[0] <= peak_n <= PEAK_BAND[1]
    report.say(f"best under-parameterised: N = {best_n} (test MSE {under[best_n]:.4f}); "
               f"peak at N = {peak_n} ({test_err[peak_n]:.4g}); N = {largest}: {test_err[largest]:.4f}")
    return Claim(
        text=(f"test MSE peaks at N = {peak_n} (band {PEAK_BAND[0]}-{PEAK_BAND[1]} around n = {N_TRAIN}) at "
              f"{peak:.0f}x the best classical model (need >= {need['peak']:g}x), and N = {largest} beats that "
              f"model (N = {best_n}) by {gain:.2f}x (need >= {need['gain']:g}x)"),
        measured=gain,
        threshold=need["gain"],
        reproduced=gain >= need["gain"] and peak >= need["peak"] and peak_near,
    )


if __name__ == "__main__":
    main(run, __file__)
