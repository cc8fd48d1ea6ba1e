"""Demo: the 1989 zip-code net and LeNet-5, with im2col convolutions, each pass 95% on held-out digits."""

from __future__ import annotations

import torch
import torch.nn as nn

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from tracker.demo_protocol import Reporter

from .data import lenet5_data, zipcode_data
from .model import LeNet5, ZipCodeNet, map_loss, zipcode_loss

TARGET = 0.95
# (network, data, loss, learning rate, batch size); SGD with momentum stands in for
# the papers' stochastic diagonal Levenberg-Marquardt updates.
SETUPS = {
    "zip-code net (1989)": (ZipCodeNet, zipcode_data, zipcode_loss, 0.01, 32),
    "LeNet-5 (1998)": (LeNet5, lenet5_data, map_loss, 0.003, 16),
}


def batches(n: int, batch: int, steps: int, generator: torch.Generator):
    """Indices of `steps` mini-batches, reshuffling after each pass over the data."""
    order, pos = torch.randperm(n, generator=generator), 0
    for _ in range(steps):
        if pos + batch > n:
            order, pos = torch.randperm(n, generator=generator), 0
        yield order[pos:pos + batch]
        pos += batch


def accuracy(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float((net.predict(net(x)) == y).float().mean())


def train(net: nn.Module, data, loss_fn, lr: float, batch: int, cfg: DemoConfig, report: Reporter, first_step: int,
          generator: torch.Generator) -> float:
    x_train, y_train, x_test, y_test = (t.to(cfg.device) for t in data)
    opt = MomentumSGD(net.parameters(), lr=lr)
    for i, idx in enumerate(batches(len(y_train), batch, cfg.steps, generator)):
        idx = idx.to(cfg.device)
        out = net(x_train[idx])
        loss = loss_fn(out, y_train[idx])
        loss.backward()
        # The 1998 paper lowers the learning rate as training goes on; one drop here.
        opt.lr = lr if i < 0.75 * cfg.steps else lr / 10
        opt.step()
        acc = (net.predict(out.detach()) == y_train[idx]).float().mean()
        report.progress(first_step + i, loss=loss.item(), acc=acc.item())
    return accuracy(net, x_test, y_test)


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    generator = torch.Generator().manual_seed(cfg.seed)
    report.start(total=len(SETUPS) * cfg.steps)
    results = {}
    for k, (name, (make_net, make_data, loss_fn, lr, batch)) in enumerate(SETUPS.items()):
        net = make_net().to(cfg.device)
        data = make_data()
        params = sum(net.free_parameters().values())
        report.say(f"training {name}: {params:,} free parameters, {len(data[1])} train / {len(data[3])} test digits")
        results[name] = train(net, data, loss_fn, lr, batch, cfg, report, k * cfg.steps + 1, generator)
        report.say(f"{name}: held-out accuracy {results[name]:.1%}")

    worst = min(results.values())
    shown = ", ".join(f"{name} {acc:.1%}" for name, acc in results.items())
    return Claim(
        text=f"held-out accuracy {shown}; lowest {worst:.1%} >= {TARGET:.0%}",
        measured=worst,
        threshold=TARGET,
        reproduced=worst >= TARGET,
    )


if __name__ == "__main__":
    main(run, __file__)
