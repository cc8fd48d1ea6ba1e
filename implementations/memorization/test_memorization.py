"""The label corruption, the per-subset accuracy, the plain arm's whole training run against
torch layers and torch.optim.SGD, eval-mode scoring of the dropout arm, and the milestones."""

from __future__ import annotations

import io

import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations._common.demo import DemoConfig
from implementations.memorization.data import corrupt, noisy_split
from implementations.memorization.demo import (BATCH, CLEAN_FIT, EVAL_EVERY, LR, MOMENTUM, NOISY_FIT,
                                                subset_accuracy, train)
from implementations.rethinking_generalization.data import split_digits
from tracker.demo_protocol import Reporter, parse_line


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_corruption_moves_exactly_the_fraction_to_another_class_uniformly() -> None:
    y = torch.arange(10).repeat(200)                                  # 2000 labels
    labels, noisy = corrupt(y, 0.4, _gen(1))
    assert int(noisy.sum()) == 800
    assert torch.equal(labels[~noisy], y[~noisy])                      # clean labels untouched
    assert bool((labels[noisy] != y[noisy]).all())                     # every noisy label is wrong
    shifts = torch.bincount((labels[noisy] - y[noisy]) % 10, minlength=10)
    assert shifts[0] == 0 and shifts[1:].min() > 60 and shifts[1:].max() < 120   # ~89 for each other class
    assert torch.equal(corrupt(y, 0.4, _gen(1))[0], labels)
    assert int(corrupt(y, 0.0, _gen(1))[1].sum()) == 0


def test_noisy_split_keeps_the_split_and_the_true_test_labels() -> None:
    x, labels, noisy, x_te, y_te = noisy_split(_gen(2))
    x_ref, y_ref, x_te_ref, y_te_ref = split_digits(1000, _gen(2))
    assert torch.equal(x, x_ref) and torch.equal(x_te, x_te_ref) and torch.equal(y_te, y_te_ref)
    assert int(noisy.sum()) == 400 and torch.equal(labels[~noisy], y_ref[~noisy])
    assert bool((labels[noisy] != y_ref[noisy]).all())


def test_subset_accuracy_by_hand() -> None:
    logits = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    labels = torch.tensor([0, 0, 0, 1, 1])                            # right, wrong, right, wrong, right
    mask = torch.tensor([False, False, False, True, True])
    clean, noisy = subset_accuracy(nn.Identity(), logits, labels, mask)
    assert abs(clean - 2 / 3) < 1e-7 and noisy == 0.5


def _cfg(steps: int, seed: int = 3) -> DemoConfig:
    return DemoConfig(steps=steps, seed=seed, device=torch.device("cpu"), quick=True)


def _reporter(stream=None) -> Reporter:
    report = Reporter(stream=stream or io.StringIO(), machine=stream is not None, machine_events=10**6)
    report.start(total=10**4, series=["arm"])
    return report


def test_plain_arm_equals_torch_layers_trained_by_torch_sgd() -> None:
    data = noisy_split(_gen(4))
    net, _ = train(0.0, 0.0, data, _cfg(25), _reporter(), 1, "arm")
    torch.manual_seed(3)
    from implementations.dropout.model import mlp
    init = [p.detach().clone() for p in mlp().parameters()]
    ref = nn.Sequential(nn.Linear(64, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    with torch.no_grad():
        for p, q in zip(ref.parameters(), init):
            p.copy_(q)
    opt = torch.optim.SGD(ref.parameters(), lr=LR, momentum=MOMENTUM)
    x, labels = data[0], data[1]
    batches = _gen(3)
    for _ in range(25):
        idx = torch.randint(0, len(labels), (BATCH,), generator=batches)
        opt.zero_grad()
        F.cross_entropy(ref(x[idx]), labels[idx]).backward()         # the given (noisy) labels
        opt.step()
    for ours, theirs in zip(net.parameters(), ref.parameters()):
        assert_close(ours, theirs)


def test_dropout_arm_is_scored_in_eval_mode() -> None:
    data = noisy_split(_gen(5))
    net, curves = train(0.2, 0.5, data, _cfg(EVAL_EVERY), _reporter(), 1, "arm")
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Dropout", "Linear", "ReLU"] * 2 + ["Dropout", "Linear"]
    assert [m.p for m in net if type(m).__name__ == "Dropout"] == [0.2, 0.5, 0.5]   # input 0.2, hidden 0.5
    x, labels, noisy = data[:3]
    layers = [m for m in net if isinstance(m, nn.Linear)]
    h = x
    for layer in layers[:-1]:
        h = torch.relu(layer(h))
    with torch.no_grad():
        right = layers[-1](h).argmax(1) == labels                    # no units dropped, no rescaling
    assert (curves.clean, curves.noisy) == (right[~noisy].float().mean().item(), right[noisy].float().mean().item())
    assert subset_accuracy(net, x, labels, noisy) == subset_accuracy(net, x, labels, noisy)


def test_milestones_are_the_first_evaluations_that_pass() -> None:
    stream = io.StringIO()
    _, curves = train(0.0, 0.0, noisy_split(_gen(0)), _cfg(750, seed=0), _reporter(stream), 1, "arm")
    evals = [(e.data["step"], e.data["metrics"]) for e in map(parse_line, stream.getvalue().splitlines())
             if e and e.kind == "progress"]
    assert [s for s, _ in evals] == [*range(EVAL_EVERY, 701, EVAL_EVERY), 750]   # and the last step
    on_grid = [(s, m) for s, m in evals if s % EVAL_EVERY == 0]
    assert curves.clean_at == next(s for s, m in on_grid if m["clean"] >= CLEAN_FIT)
    assert curves.noisy_at == next(s for s, m in on_grid if m["noisy"] >= NOISY_FIT)
    assert curves.clean_at < curves.noisy_at                          # clean examples first
    assert (curves.clean, curves.noisy) == (evals[-1][1]["clean"], evals[-1][1]["noisy"])
