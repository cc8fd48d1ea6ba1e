"""Demo: Sec. 2.3 / 4.1. At equal parameters, stacks of three 3x3 convs beat single 7x7 convs on held-out digits."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from .data import CANVAS, centred, jittered, load_digits_01, split
from .model import VGG, count_parameters, glorot_init

# Sec. 2.3: a stack of three 3x3 layers has the receptive field of one 7x7 layer and, at
# width C, 27C^2 weights instead of 49C^2. Sec. 4.1 tests the idea by replacing each 3x3
# stack of net B with one larger kernel. Here each stack of three 3x3 layers becomes one
# 7x7 layer of the same width. The two nets then come out about equal in parameters
# (8,506 vs 8,138): the width-changing 7x7 of stage 2 costs more than the stack it
# replaces (6,272 vs 5,760 weights), the 1-channel 7x7 of stage 1 less (392 vs 1,224).
NETS = {
    "deep 3x3 x3": ([8, 8, 8, "M", 16, 16, 16, "M"], 3),
    "shallow 7x7": ([8, "M", 16, "M"], 7),
}
BATCH = 32
MOMENTUM, WEIGHT_DECAY = 0.9, 5e-4  # the paper's values (Sec. 3.1)
FORMAT = torch.channels_last      # NHWC: ~15% faster for these narrow convs on CPU
AUGMENT = dict(max_shift=2.0, max_scale=0.3, max_rotation_deg=15.0)


@dataclass(frozen=True)
class Protocol:
    seeds: int
    optimizer: str     # "sgd" (the paper's) or "adam"
    lr: float          # divided by 10 for the last quarter of training
    margin: float      # required mean held-out accuracy margin of the deep net, in points


# Default: the paper's SGD. --quick: Adam, because under SGD the Glorot-initialised
# 6-conv net needs over ~1000 steps to pass the 7x7 net (README), too many for a quick run.
FULL = Protocol(seeds=5, optimizer="sgd", lr=0.02, margin=0.25)
QUICK = Protocol(seeds=1, optimizer="adam", lr=0.005, margin=0.0)


def make_net(name: str) -> VGG:
    layers, kernel = NETS[name]
    net = VGG(layers, in_channels=1, image_size=CANVAS, hidden=(), classes=10, kernel=kernel)
    glorot_init(net)
    return net


def train_and_test(name: str, seed: int, protocol: Protocol, x8: torch.Tensor, y: torch.Tensor,
                   cfg: DemoConfig, report: Reporter, first_step: int) -> float:
    """Train one net on one seed's split with augmentation; returns held-out accuracy (centred digits)."""
    train_idx, test_idx = split(len(y), seed)
    clean_train = centred(x8[train_idx], CANVAS)
    mean, std = clean_train.mean(), clean_train.std()     # Sec. 2.1 subtracts the training mean
    x_test = ((centred(x8[test_idx], CANVAS) - mean) / std).to(cfg.device)
    y_test = y[test_idx].to(cfg.device)

    torch.manual_seed(seed)
    net = make_net(name).to(cfg.device, memory_format=FORMAT)
    if protocol.optimizer == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=protocol.lr, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=protocol.lr)
    batches = torch.Generator().manual_seed(seed)          # both nets see the same batches and jitter
    for i in range(cfg.steps):
        idx = train_idx[torch.randint(0, len(train_idx), (BATCH,), generator=batches)]
        xb = ((jittered(x8[idx], batches, CANVAS, **AUGMENT) - mean) / std).to(cfg.device, memory_format=FORMAT)
        yb = y[idx].to(cfg.device)
        for group in opt.param_groups:                     # one /10 drop for the last quarter
            group["lr"] = protocol.lr if i < 0.75 * cfg.steps else protocol.lr / 10
        logits = net(xb)
        loss = F.cross_entropy(logits, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        report.progress(first_step + i, series=f"{name} seed {seed}", loss=loss.item(),
                        acc=(logits.argmax(1) == yb).float().mean().item())
    net.eval()
    with torch.no_grad():
        return (net(x_test).argmax(1) == y_test).float().mean().item()


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    protocol = QUICK if cfg.quick else FULL
    seeds = [cfg.seed + k for k in range(protocol.seeds)]
    x8, y = load_digits_01()
    deep_name, shallow_name = NETS
    report.start(total=len(seeds) * len(NETS) * cfg.steps, series=[f"{n} seed {s}" for s in seeds for n in NETS])
    sizes = {name: count_parameters(make_net(name)) for name in NETS}
    for name in NETS:
        report.say(f"{name}: {NETS[name][0]} -> linear classifier, {sizes[name]:,} parameters")
    size_ratio = max(sizes.values()) / min(sizes.values())
    report.say(f"{protocol.optimizer} lr {protocol.lr:g}, batch {BATCH}, {cfg.steps} steps per net, seeds {seeds}")

    acc: dict[str, list[float]] = {name: [] for name in NETS}
    step = 1
    for seed in seeds:
        for name in NETS:
            acc[name].append(train_and_test(name, seed, protocol, x8, y, cfg, report, step))
            step += cfg.steps
        report.say(f"seed {seed}: held-out accuracy " + "  ".join(f"{n} {acc[n][-1]:.2%}" for n in NETS))

    deep = sum(acc[deep_name]) / len(seeds)
    shallow = sum(acc[shallow_name]) / len(seeds)
    wins = sum(d > s for d, s in zip(acc[deep_name], acc[shallow_name]))
    report.say(f"mean held-out error: deep {1 - deep:.2%}  shallow {1 - shallow:.2%} "
               f"(shallow/deep {(1 - shallow) / max(1 - deep, 1e-9):.2f}x); deep ahead on {wins}/{len(seeds)} seeds")
    margin = 100 * (deep - shallow)
    return Claim(
        text=(f"held-out accuracy, mean of {len(seeds)} seed(s), {protocol.optimizer}: "
              f"{deep_name} {deep:.2%} vs {shallow_name} {shallow:.2%} at "
              f"{sizes[deep_name]:,} vs {sizes[shallow_name]:,} params: "
              f"margin {margin:+.2f} points > {protocol.margin:g}"),
        measured=margin,
        threshold=protocol.margin,
        reproduced=margin > protocol.margin and size_ratio <= 1.1,
    )


if __name__ == "__main__":
    main(run, __file__)
