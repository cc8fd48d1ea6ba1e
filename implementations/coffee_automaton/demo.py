"""Demo: in the coffee automaton entropy rises and stays up, while apparent complexity rises then falls."""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from .automaton import coarse_grain, complexity_estimate, entropy_estimate, initial_state, sweep

SAMPLES = 100        # measurements per run
SMOOTH = 5           # moving-average window for the monotonicity check
MAX_DROP = 0.03      # smoothed entropy may never fall more than 3% below its running maximum
PEAK_SPAN = (0.05, 0.75)  # the complexity peak must lie in this fraction of the run
FINAL_RATIO = 0.3    # final complexity <= 0.3 x peak


def sparkline(values: list[float], width: int = 50) -> str:
    bars = " .:-=+*#%@"
    step = max(len(values) // width, 1)
    vals = values[::step]
    lo, hi = min(vals), max(vals)
    return "".join(bars[int((v - lo) / (hi - lo + 1e-9) * (len(bars) - 1))] for v in vals)


def picture(grid: torch.Tensor, levels: int) -> list[str]:
    chars = " .:#" if levels == 4 else " +#"
    return ["".join(chars[int(v)] for v in row) for row in grid.tolist()]


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    # quick: a 48x48 cup mixes 4x sooner than the default 96x96 one
    n, grain = (48, 11) if cfg.quick else (96, 15)
    report.say(f"{n}x{n} cup, cream on top; coarse-graining: {grain}x{grain} window mean, 3 levels")
    gen = torch.Generator().manual_seed(cfg.seed)
    grid = initial_state(n).to(cfg.device)
    cream = int(grid.sum())
    every = max(cfg.steps // SAMPLES, 1)
    times, entropy, complexity = [], [], []
    snapshots = {}
    report.start(total=cfg.steps)
    for t in range(cfg.steps + 1):
        if t % every == 0 or t == cfg.steps:
            times.append(t)
            entropy.append(entropy_estimate(grid))
            complexity.append(complexity_estimate(grid, grain))
            if complexity[-1] == max(complexity):
                snapshots["peak"] = grid
        if t == cfg.steps:
            break
        grid = sweep(grid, gen)
        report.progress(t + 1, entropy=entropy[-1], complexity=complexity[-1])
    assert int(grid.sum()) == cream, "cream must be conserved"

    k = len(entropy)
    smooth = [sum(entropy[max(0, i - SMOOTH + 1):i + 1]) / len(entropy[max(0, i - SMOOTH + 1):i + 1]) for i in range(k)]
    running_max, worst_drop = smooth[0], 0.0
    for v in smooth:
        running_max = max(running_max, v)
        worst_drop = max(worst_drop, 1 - v / running_max)
    peak = max(range(k), key=lambda i: complexity[i])
    tail = complexity[-max(k // 10, 1):]
    final = sum(tail) / len(tail)
    ratio = final / complexity[peak]

    report.say(f"entropy    (zlib bytes of the fine state)   {entropy[0]:5d} -> {entropy[-1]:5d}   {sparkline(entropy)}")
    report.say(f"complexity (zlib bytes of the coarse state) {complexity[0]:5d} -> {complexity[-1]:5d}   {sparkline(complexity)}")
    report.say(f"complexity peak {complexity[peak]} bytes at sweep {times[peak]} of {cfg.steps}; final (last 10%) {final:.0f}")
    report.say("coarse-grained cup at the complexity peak (' ' coffee, '+' mixed, '#' cream), every other cell:")
    for line in picture(coarse_grain(snapshots["peak"], grain)[::2, ::2].cpu(), 3):
        report.say("  " + line)

    rises = entropy[-1] >= 5 * entropy[0] and worst_drop <= MAX_DROP
    interior = PEAK_SPAN[0] * cfg.steps <= times[peak] <= PEAK_SPAN[1] * cfg.steps
    rises_falls = interior and complexity[peak] >= 3 * complexity[0] and ratio <= FINAL_RATIO
    text = (f"entropy {entropy[0]} -> {entropy[-1]} bytes, smoothed never drops more than {worst_drop:.1%} "
            f"(<= {MAX_DROP:.0%}); complexity {complexity[0]} -> peak {complexity[peak]} at sweep {times[peak]} "
            f"(interior: {'yes' if interior else 'no'}) -> final {final:.0f} = {ratio:.2f} x peak <= {FINAL_RATIO}")
    return Claim(text=text, measured=ratio, threshold=FINAL_RATIO, reproduced=rises and rises_falls)


if __name__ == "__main__":
    main(run, __file__)
