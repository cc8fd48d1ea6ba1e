"""Demo: back-propagation teaches an 8-3-8 encoder a distinct 3-bit hidden code for each of 8 inputs."""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from .model import MomentumDescent, SigmoidMLP, train_step

EPS = 0.1      # learning rate epsilon in equation (9)
ALPHA = 0.9    # momentum alpha in equation (9), the paper's usual value
INIT_SCALE = 0.3


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    generator = torch.Generator().manual_seed(cfg.seed)
    net = SigmoidMLP((8, 3, 8), generator=generator, init_scale=INIT_SCALE, device=cfg.device)
    opt = MomentumDescent(net.parameters(), eps=EPS, alpha=ALPHA)
    patterns = torch.eye(8, device=cfg.device)  # input = target: reproduce the one-hot input

    report.start(total=cfg.steps)
    for sweep in range(1, cfg.steps + 1):
        error, ys = train_step(net, opt, patterns, patterns)
        correct = ((ys[-1] > 0.5).float() == patterns).all(dim=1).float().mean()
        report.progress(sweep, loss=error, acc=float(correct))

    ys = net.forward(patterns)
    hidden, output = ys[1].cpu(), ys[-1].cpu()
    reconstructed = int(((output > 0.5).float() == torch.eye(8)).all(dim=1).sum())
    codes = (hidden > 0.5).int()
    distinct = len({tuple(c.tolist()) for c in codes})

    report.say("input  hidden activities      binarised  output argmax")
    for i in range(8):
        acts = " ".join(f"{a:.2f}" for a in hidden[i].tolist())
        bits = "".join(str(b) for b in codes[i].tolist())
        report.say(f"  {i}    {acts}     {bits}        {int(output[i].argmax())}")
    report.say(f"final error E = {error:.4f} after {cfg.steps} sweeps")

    reproduced = reconstructed == 8 and distinct == 8
    return Claim(
        text=f"{reconstructed}/8 inputs reconstructed and {distinct}/8 distinct binarised hidden codes (need 8 and 8)",
        measured=float(min(reconstructed, distinct)),
        threshold=8.0,
        reproduced=reproduced,
    )


if __name__ == "__main__":
    main(run, __file__)
