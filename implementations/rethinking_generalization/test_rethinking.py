"""The split, the random-label corruption, the whole net against a functional reference (float64),
and the training loop's shared initialisation and stopping rule."""

from __future__ import annotations

import io

import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations._common.demo import DemoConfig
from implementations._common.params import count_parameters
from implementations.rethinking_generalization.data import random_labels, split_digits
from implementations.rethinking_generalization.demo import EVAL_EVERY, accuracy, train_until_fit
from implementations.rethinking_generalization.model import mlp_1x512
from tracker.demo_protocol import Reporter, parse_line


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_split_is_disjoint_complete_and_keeps_true_labels() -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    x_tr, y_tr, x_te, y_te = split_digits(1000, _gen())
    assert len(y_tr) == 1000 and len(y_te) == len(digits.target) - 1000
    all_x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
    # every example lands in exactly one split, with its own (true) label
    def rows(x):
        return [int(((all_x - r).abs().sum(1) == 0).nonzero()[0]) for r in x]
    train_rows, test_rows = rows(x_tr[:50]), rows(x_te[:50])
    assert set(train_rows).isdisjoint(test_rows)
    target = torch.tensor(digits.target)
    assert torch.equal(y_tr[:50], target[train_rows]) and torch.equal(y_te[:50], target[test_rows])
    assert x_tr.min() >= 0 and x_tr.max() <= 1
    assert torch.equal(split_digits(1000, _gen())[1], y_tr)          # fixed by the seed


def test_random_labels_are_uniform_and_independent_of_the_images() -> None:
    _, y_true, _, _ = split_digits(1500, _gen(1))
    y_rand = random_labels(len(y_true), _gen(2))
    counts = torch.bincount(y_rand, minlength=10)
    assert counts.min() > 110 and counts.max() < 190                  # 150 expected per class
    agreement = (y_rand == y_true).float().mean().item()
    assert 0.07 < agreement < 0.13                                     # chance, 1/10


def test_whole_net_equals_a_functional_reference_and_counts_its_parameters() -> None:
    net = mlp_1x512().double()
    assert count_parameters(net) == 64 * 512 + 512 + 512 * 10 + 10
    x = torch.randn(7, 64, generator=_gen(3), dtype=torch.float64)
    w1, b1, w2, b2 = (p.detach() for p in net.parameters())
    assert_close(net(x), F.linear(torch.relu(F.linear(x, w1, b1)), w2, b2))


def test_accuracy_counts_correct_argmax() -> None:
    net = torch.nn.Identity()
    logits = torch.tensor([[0.0, 2.0], [3.0, 1.0], [0.0, 1.0], [5.0, 0.0]])
    assert accuracy(net, logits, torch.tensor([1, 0, 0, 1])) == 0.5


def _cfg(steps: int) -> DemoConfig:
    return DemoConfig(steps=steps, seed=4, device=torch.device("cpu"), quick=True)


def _reporter(total: int) -> Reporter:
    report = Reporter(stream=io.StringIO(), machine=False)
    report.start(total=total)
    return report


def test_both_runs_start_from_the_same_initialisation() -> None:
    x, y, _, _ = split_digits(200, _gen())
    a, _ = train_until_fit(x, y, 1.0, _cfg(0), _reporter(1), 1, "a")
    b, _ = train_until_fit(x, random_labels(200, _gen(5)), 1.0, _cfg(0), _reporter(1), 1 + 4000, "b")
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


def test_training_stops_at_the_first_evaluation_that_fits() -> None:
    x, _, _, _ = split_digits(300, _gen())
    y = random_labels(300, _gen(6))                 # slow to fit, so accuracy climbs through many evaluations
    stream = io.StringIO()
    report = Reporter(stream=stream, machine=True, machine_events=10**6)   # every step's event
    report.start(total=2000, series=["random"])
    net, steps = train_until_fit(x, y, 0.55, _cfg(2000), report, 1, "random")
    accs = [(e.data["step"], e.data["metrics"]["acc"]) for e in map(parse_line, stream.getvalue().splitlines())
            if e and e.kind == "progress" and "acc" in e.data["metrics"]]
    assert steps is not None and steps < 2000
    assert [s for s, _ in accs] == list(range(EVAL_EVERY, steps + 1, EVAL_EVERY))  # evaluated every 50
    assert accs[-1][1] >= 0.55 and all(a < 0.55 for _, a in accs[:-1])               # stopped at the first fit
    assert accs[-1][1] == accuracy(net, x, y)
