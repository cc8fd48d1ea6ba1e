"""Demo: an ODE-Net fitted to spiral dynamics, against the cheap rivals, and the adjoint's memory
(Chen et al. 2018, Sec. 2 and Sec. 5 in miniature).

1. Fit. Eight noisy spirals of the cubic system, observed at 50 irregular times in [0, 5].
   Three models are trained by Adam on the same segments: windows of 8 observation gaps, started
   from the noisy observation. The ODE-Net dz/dt = f_θ(z) is solved by RK4 and trained through the
   adjoint. The rivals are a residual step map z + g(z, Δt) of the same size, and the linear ODE
   dz/dt = Az + b, fitted through its exact flow. The test: forecasts 10 observations ahead
   (≈ 1 time unit, about a third of a turn) from every state of 4 unseen spirals, against the
   true states.
2. Memory. The bytes kept for the backward pass of one training loss, for direct backprop
   through RK4 and for the adjoint, as the number of RK4 steps per gap grows 1 -> 16.
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.params import count_parameters
from implementations._common.schedules import cosine_after_hold
from tracker.demo_protocol import Reporter

from .adjoint import odeint_adjoint
from .data import make_splits
from .memory import saved_bytes
from .model import LinearField, ODEFunc, StepMap
from .solvers import Stats, odeint_dopri5, odeint_rk4

N_TRAIN, N_TEST, HIDDEN = 8, 4, 32
WINDOW, HORIZON, MAX_STEP = 8, 10, 0.15         # training window and forecast horizon, in gaps
LR = 1e-2
STEP_COUNTS, QUICK_STEP_COUNTS = (1, 2, 4, 8, 16), (1, 4, 16)
FULL = {"fit": 1.2, "memory_growth": 8.0}       # fit: best rival's error / ODE-Net's
QUICK = {"fit": 1.0, "memory_growth": 3.0}


def predict(name: str, model, z0: torch.Tensor, t: torch.Tensor, adjoint: bool = False) -> torch.Tensor:
    if name == "ODE-Net":
        return (odeint_adjoint if adjoint else odeint_rk4)(model, z0, t, max_step=MAX_STEP)
    return model.rollout(z0, t)


def train(name: str, model, data, cfg: DemoConfig, report: Reporter, first: int) -> None:
    times, observed = data.times.float().to(cfg.device), data.observed.float().to(cfg.device)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: cosine_after_hold(s, cfg.steps, 0))
    starts = torch.Generator().manual_seed(cfg.seed)
    for i in range(cfg.steps):
        k = int(torch.randint(0, len(times) - WINDOW, (1,), generator=starts))
        segment = observed[:, k:k + WINDOW + 1]                                   # (trajectories, window, 2)
        pred = predict(name, model, segment[:, 0], times[k:k + WINDOW + 1], adjoint=True)
        loss = ((pred.transpose(0, 1) - segment) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        report.progress(first + i, series=name, loss=loss.item())


@torch.no_grad()
def forecast_error(name: str, model, data, device) -> float:
    """RMS error of HORIZON-gap forecasts from every clean test state that has HORIZON after it."""
    times, clean = data.times.float().to(device), data.clean.float().to(device)
    errors = [((predict(name, model, clean[:, k], times[k:k + HORIZON + 1]).transpose(0, 1)
                - clean[:, k:k + HORIZON + 1]) ** 2).mean() for k in range(len(times) - HORIZON)]
    return torch.stack(errors).mean().sqrt().item()


def memory_by_steps(model: ODEFunc, data, step_counts, device) -> dict[str, list[int]]:
    times, observed = data.times[:WINDOW + 1].float().to(device), data.observed[:, :WINDOW + 1].float().to(device)

    def loss(solve, steps):
        return lambda: ((solve(model, observed[:, 0], times, steps).transpose(0, 1) - observed) ** 2).mean()
    return {"backprop": [saved_bytes(loss(odeint_rk4, s)) for s in step_counts],
            "adjoint": [saved_bytes(loss(odeint_adjoint, s)) for s in step_counts]}


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    need = QUICK if cfg.quick else FULL
    train_set, test_set = make_splits(N_TRAIN, N_TEST, cfg.seed)
    makers = {"ODE-Net": lambda: ODEFunc(HIDDEN), "step map": lambda: StepMap(HIDDEN), "linear ODE": LinearField}
    report.start(total=len(makers) * cfg.steps, series=list(makers))
    report.say(f"{N_TRAIN} noisy spirals x {len(train_set.times)} irregular times in [0, {float(train_set.times[-1]):g}]; "
               f"{cfg.steps} Adam steps per model on windows of {WINDOW} gaps; parameters: "
               + ", ".join(f"{name} {count_parameters(make())}" for name, make in makers.items()))
    errors, models = {}, {}
    for k, (name, make) in enumerate(makers.items()):
        torch.manual_seed(cfg.seed)
        model = models[name] = make().to(cfg.device)
        train(name, model, train_set, cfg, report, 1 + k * cfg.steps)
        errors[name] = forecast_error(name, model, test_set, cfg.device)
        report.say(f"  {name:>10}: {HORIZON}-gap forecast RMS error on unseen spirals {errors[name]:.4f}")
    stats = Stats()
    with torch.no_grad():
        odeint_dopri5(models["ODE-Net"], test_set.clean[:, 0].float().to(cfg.device), test_set.times.float().to(cfg.device),
                      rtol=1e-5, atol=1e-7, stats=stats)
    report.say(f"  the adaptive solver on the learned field over the test schedule: {stats.evaluations} evaluations, "
               f"{stats.accepted} accepted / {stats.rejected} rejected steps")

    counts = QUICK_STEP_COUNTS if cfg.quick else STEP_COUNTS
    memory = memory_by_steps(models["ODE-Net"], train_set, counts, cfg.device)
    for method, values in memory.items():
        report.say(f"  kept for backward, {method:>8}: " + ", ".join(f"{s} steps/gap {v / 1024:.1f} KiB" for s, v in zip(counts, values)))
    adjoint_flat = len(set(memory["adjoint"])) == 1
    growth = memory["backprop"][-1] / memory["backprop"][0]

    rival = min(errors["step map"], errors["linear ODE"])
    fit = rival / errors["ODE-Net"]
    return Claim(
        text=(f"forecast error: ODE-Net {errors['ODE-Net']:.4f}, best rival "
              f"{'step map' if errors['step map'] <= errors['linear ODE'] else 'linear ODE'} {rival:.4f}: "
              f"{fit:.2f}x (need >= {need['fit']:g}x); memory kept for backward, {counts[0]} -> {counts[-1]} RK4 steps "
              f"per gap: adjoint {'flat' if adjoint_flat else 'NOT flat'} at {memory['adjoint'][0] / 1024:.1f} KiB, "
              f"backprop x{growth:.1f} (need >= x{need['memory_growth']:g})"),
        measured=fit,
        threshold=need["fit"],
        reproduced=fit >= need["fit"] and adjoint_flat and growth >= need["memory_growth"],
    )


if __name__ == "__main__":
    main(run, __file__)
