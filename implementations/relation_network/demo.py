"""Demo: on Sort-of-CLEVR states a Relation Network answers relational questions an equal-size MLP cannot."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from . import data
from .model import MLPBaseline, RelationNetwork, num_parameters

N_OBJECTS = 6
RN_BATCH, MLP_BATCH = 32, 128  # an MLP step is ~8x cheaper, so it sees 4x the examples for about equal CPU time
TEST_SIZE = 4000


def accuracies(model, test: data.Batch) -> dict[tuple[bool, int], float]:
    """Accuracy per (relational, subtype), plus overall per kind under (kind, -1)."""
    model.eval()
    with torch.no_grad():
        correct = model(test.objects, test.questions).argmax(dim=1) == test.answers
    model.train()
    out = {}
    for rel in (False, True):
        kind = test.relational == rel
        out[rel, -1] = correct[kind].double().mean().item()
        for sub in range(3):
            out[rel, sub] = correct[kind & (test.subtype == sub)].double().mean().item()
    return out


def train(model, steps: int, batch_size: int, lr: float, gen: torch.Generator, device, report: Reporter,
          offset: int, name: str) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    for step in range(1, steps + 1):
        batch = data.make_batch(batch_size, gen, n=N_OBJECTS).to(device)
        loss = F.cross_entropy(model(batch.objects, batch.questions), batch.answers)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        report.progress(offset + step, series=name, loss=loss.item())


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    gen = torch.Generator().manual_seed(cfg.seed)
    test = data.make_batch(TEST_SIZE, torch.Generator().manual_seed(10_000 + cfg.seed), n=N_OBJECTS).to(cfg.device)
    od, na = data.object_dim(N_OBJECTS), data.num_answers(N_OBJECTS)
    rn = RelationNetwork(od, data.QUESTION_DIM, na).to(cfg.device)
    baseline = MLPBaseline(N_OBJECTS, od, data.QUESTION_DIM, na).to(cfg.device)
    report.start(total=2 * cfg.steps, series=["rn", "mlp"])
    report.say(f"{N_OBJECTS} objects per scene; {cfg.steps} Adam steps each: RN {num_parameters(rn)} parameters, "
               f"batch {RN_BATCH}; MLP {num_parameters(baseline)} parameters, batch {MLP_BATCH}")
    train(rn, cfg.steps, RN_BATCH, 5e-3, gen, cfg.device, report, 0, "rn")
    train(baseline, cfg.steps, MLP_BATCH, 1e-2, gen, cfg.device, report, cfg.steps, "mlp")

    acc_rn, acc_mlp = accuracies(rn, test), accuracies(baseline, test)
    report.say(f"test accuracy on {TEST_SIZE} fresh questions:")
    report.say(f"  {'question':<24}{'RN':>7}{'MLP':>7}")
    for rel in (False, True):
        for sub in range(3):
            report.say(f"  {data.QUESTION_NAMES[rel, sub]:<24}{acc_rn[rel, sub]:7.3f}{acc_mlp[rel, sub]:7.3f}")
        label = "all relational" if rel else "all non-relational"
        report.say(f"  {label:<24}{acc_rn[rel, -1]:7.3f}{acc_mlp[rel, -1]:7.3f}")

    margin_needed, nonrel_needed = (0.08, 0.90) if cfg.quick else (0.10, 0.95)
    margin = acc_rn[True, -1] - acc_mlp[True, -1]
    both_solve = min(acc_rn[False, -1], acc_mlp[False, -1])
    return Claim(
        text=(f"relational: RN {acc_rn[True, -1]:.3f} vs MLP {acc_mlp[True, -1]:.3f}, margin {margin:.3f} "
              f">= {margin_needed}; non-relational: RN {acc_rn[False, -1]:.3f}, MLP {acc_mlp[False, -1]:.3f}, "
              f"both >= {nonrel_needed}"),
        measured=margin,
        threshold=margin_needed,
        reproduced=margin >= margin_needed and both_solve >= nonrel_needed,
    )


if __name__ == "__main__":
    main(run, __file__)
