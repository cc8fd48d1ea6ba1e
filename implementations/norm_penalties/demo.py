"""Demo: L1 against L2 on a sparse linear problem (Goodfellow et al. 2016, Secs. 7.1.1-7.1.2).

Both penalties are fitted by proximal gradient descent (``penalties.fit``) along a path of λ
values, each warm-started from the last. L2 is taken at its best validation error; L1 at the
largest λ whose validation error is no worse than that (matched validation error, the sparsest
such model). The contest is about the weights: L1 sets the irrelevant ones to exactly zero and
keeps the relevant ones; L2 shrinks all of them and zeros none.
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from .data import sparse_problem
from .penalties import fit, objective

L1_PATH, QUICK_L1_PATH = 41, 21      # λ from λ_max (where w = 0) down 100-fold, geometric
L2_PATH, QUICK_L2_PATH = 21, 11      # λ from 1e-3 to 1e2, geometric
FULL = {"zeroed": 43, "kept": 5}      # of 45 irrelevant weights; of 5 relevant
QUICK = {"zeroed": 40, "kept": 5}


def mse(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> float:
    return ((x @ w - y) ** 2).mean().item()


def select(fits: dict[str, list[tuple[float, torch.Tensor, float]]]):
    """(L1 fit, L2 fit) from each path's (λ, w, validation MSE): L2 at its best validation error, L1 at
    the largest λ (the sparsest model) whose validation error is no worse than that."""
    l2 = min(fits["l2"], key=lambda f: f[2])
    matched = [f for f in fits["l1"] if f[2] <= l2[2]]
    if not matched:
        raise RuntimeError("no L1 model on the path matches L2's best validation error")
    return max(matched, key=lambda f: f[0]), l2


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    problem = sparse_problem(torch.Generator().manual_seed(cfg.seed))
    (x, y), val = (t.to(cfg.device) for t in problem.train), tuple(t.to(cfg.device) for t in problem.val)
    relevant = problem.support.to(cfg.device)
    n1, n2 = (QUICK_L1_PATH, QUICK_L2_PATH) if cfg.quick else (L1_PATH, L2_PATH)
    lam_max = (x.T @ y / len(y)).abs().max().item()          # the smallest λ at which L1's w is all zeros
    paths = {"l1": (lam_max * torch.logspace(0, -2, n1, dtype=torch.float64)).tolist(),
             "l2": torch.logspace(-3, 2, n2, dtype=torch.float64).tolist()}
    report.start(total=(n1 + n2) * cfg.steps, series=["l1", "l2"], series_steps=[n1 * cfg.steps, n2 * cfg.steps])
    report.say(f"{len(y)} examples, {x.shape[1]} features, {int(relevant.sum())} relevant; "
               f"{cfg.steps} proximal gradient steps per λ, L1 path warm-started")
    fits, k = {"l1": [], "l2": []}, 0
    for kind, lams in paths.items():
        w = None
        for lam in lams:
            w = fit(kind, x, y, lam, cfg.steps, w)
            k += 1
            report.progress(k * cfg.steps, series=kind, loss=objective(kind, x, y, w, lam).item())
            fits[kind].append((lam, w, mse(w, *val)))
    l1, l2 = select(fits)
    test = problem.test[0].to(cfg.device), problem.test[1].to(cfg.device)
    zeroed, kept = int((l1[1][~relevant] == 0).sum()), int((l1[1][relevant] != 0).sum())
    l2_zeros = int((l2[1] == 0).sum())
    for name, (lam, w, v) in (("L1", l1), ("L2", l2)):
        report.say(f"  {name}: λ {lam:.4f}  validation MSE {v:.3f}  test MSE {mse(w, *test):.3f}  "
                   f"exact zeros {int((w == 0).sum())}/{len(w)}  smallest |w| {w.abs().min().item():.1e}  "
                   f"‖w‖₁ {w.abs().sum().item():.2f}")
    ols = torch.linalg.lstsq(x, y[:, None]).solution[:, 0]
    report.say(f"  least squares (λ = 0): ‖w‖₂ {ols.norm().item():.2f}, exact zeros {int((ols == 0).sum())}; "
               f"L2 shrinks it to ‖w‖₂ {l2[1].norm().item():.2f}; the true w* has ‖w*‖₂ {problem.w_true.norm().item():.2f}")
    need = QUICK if cfg.quick else FULL
    irrelevant = int((~relevant).sum())
    return Claim(
        text=(f"at matched validation error (L1 {l1[2]:.3f} <= L2's best {l2[2]:.3f}): L1 sets {zeroed} of the "
              f"{irrelevant} irrelevant weights to exactly 0 (need >= {need['zeroed']}) and keeps {kept} of "
              f"{int(relevant.sum())} relevant ones (need {need['kept']}); L2 zeros {l2_zeros} of {len(l2[1])} "
              f"(need 0)"),
        measured=zeroed,
        threshold=need["zeroed"],
        reproduced=zeroed >= need["zeroed"] and kept >= need["kept"] and l2_zeros == 0,
    )


if __name__ == "__main__":
    main(run, __file__)
