"""The equation table and its split, the whole net against a functional reference (float64), the
training loop against a hand-written full-batch AdamW with decoupled decay, and the bookkeeping
of when the training set is fitted and when validation accuracy arrives."""

from __future__ import annotations

import io
import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations._common.demo import DemoConfig
from implementations._common.params import count_parameters
from implementations.grokking.data import all_equations, split
from implementations.grokking.demo import EVAL_EVERY, GROKKED, P, Run, accuracy, record, train
from implementations.grokking.model import ModularMLP
from tracker.demo_protocol import Reporter, parse_line

D = torch.float64


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_equation_table_by_hand_for_p_3() -> None:
    a, b, c = all_equations(3)
    assert a.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert b.tolist() == [0, 1, 2, 0, 1, 2, 0, 1, 2]
    assert c.tolist() == [0, 1, 2, 1, 2, 0, 2, 0, 1]


def test_split_partitions_the_table_at_the_fraction_and_keeps_labels() -> None:
    (a_tr, b_tr, c_tr), (a_va, b_va, c_va) = split(P, 0.5, _gen(1))
    assert len(c_tr) == round(0.5 * P * P) and len(c_tr) + len(c_va) == P * P
    train_pairs = set(zip(a_tr.tolist(), b_tr.tolist()))
    val_pairs = set(zip(a_va.tolist(), b_va.tolist()))
    assert len(train_pairs) == len(c_tr) and len(val_pairs) == len(c_va)          # no pair twice
    assert train_pairs.isdisjoint(val_pairs)
    assert train_pairs | val_pairs == {(i, j) for i in range(P) for j in range(P)}
    assert torch.equal(c_tr, (a_tr + b_tr) % P) and torch.equal(c_va, (a_va + b_va) % P)
    assert torch.equal(split(P, 0.5, _gen(1))[0][0], a_tr)                        # fixed by the seed
    assert not torch.equal(split(P, 0.5, _gen(2))[0][0], a_tr)
    with pytest.raises(ValueError):
        split(P, 1.0, _gen())


def test_whole_net_equals_a_functional_reference_with_copied_weights() -> None:
    net = ModularMLP(7, embed=3, hidden=5).to(D)
    assert count_parameters(net) == 7 * 3 + (6 * 5 + 5) + (5 * 7 + 7)   # one embedding table for a and b
    a, b = torch.tensor([0, 3, 6, 2]), torch.tensor([5, 3, 1, 2])
    emb, w1, b1, w2, b2 = (t.detach() for t in (net.embed.weight, net.hidden.weight, net.hidden.bias,
                                                net.out.weight, net.out.bias))
    x = torch.cat([emb[a], emb[b]], dim=1)                                 # [E_a ; E_b], a first
    assert_close(net(a, b), F.linear(torch.relu(F.linear(x, w1, b1)), w2, b2))
    assert not torch.allclose(net(a, b), net(b, a))                       # operand order is seen


def test_accuracy_counts_correct_argmax() -> None:
    class Table(torch.nn.Module):
        def forward(self, a, b):
            return F.one_hot((a * b) % 3, 3).float()
    a, b = torch.tensor([1, 2, 2, 0]), torch.tensor([1, 1, 2, 2])
    assert accuracy(Table(), a, b, torch.tensor([1, 2, 0, 0])) == 0.75


def _cfg(steps: int, seed: int = 3) -> DemoConfig:
    return DemoConfig(steps=steps, seed=seed, device=torch.device("cpu"), quick=True)


def _reporter(stream=None) -> Reporter:
    report = Reporter(stream=stream or io.StringIO(), machine=stream is not None, machine_events=10**6)
    report.start(total=10**4, series=["arm"])
    return report


def _hand_adamw(weight_decay: float, data, lr: float, steps: int, seed: int) -> list[torch.Tensor]:
    """Loshchilov & Hutter's AdamW, Algorithm 2, written out: decay p by lr·λ, then the Adam step."""
    (a, b, c), _ = data
    torch.manual_seed(seed)
    net = ModularMLP(P)
    params = list(net.parameters())
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    (beta1, beta2), eps = (0.9, 0.98), 1e-8                            # the paper's betas (App. A.1)
    for t in range(1, steps + 1):
        grads = torch.autograd.grad(F.cross_entropy(net(a, b), c), params)   # the whole training half
        with torch.no_grad():
            for p, g, m_i, v_i in zip(params, grads, m, v):
                p.mul_(1 - lr * weight_decay)
                m_i.mul_(beta1).add_((1 - beta1) * g)
                v_i.mul_(beta2).add_((1 - beta2) * g * g)
                p.sub_(lr * (m_i / (1 - beta1**t)) / ((v_i / (1 - beta2**t)).sqrt() + eps))
    return [p.detach() for p in params]


@pytest.mark.parametrize("weight_decay", [0.0, 1.0])
def test_training_equals_hand_written_full_batch_adamw_with_decoupled_decay(weight_decay) -> None:
    data = split(P, 0.5, _gen(4))
    net, _ = train(weight_decay, data, 1e-2, _cfg(30), _reporter(), 1, "arm", stop_when_grokked=False)
    reference = _hand_adamw(weight_decay, data, 1e-2, 30, seed=3)
    for ours, ref in zip(net.parameters(), reference):
        assert_close(ours.detach(), ref, rtol=1e-4, atol=1e-5)


def test_decoupled_decay_is_not_l2_in_the_gradient() -> None:
    """With λ = 1 the two arms differ, and by the decoupled term: L2 folded into Adam's gradient would
    be normalised away by √v̂ and barely shrink the weights; here the norm falls by about lr·λ per step."""
    data = split(P, 0.5, _gen(4))
    decayed, _ = train(1.0, data, 1e-2, _cfg(30), _reporter(), 1, "arm", stop_when_grokked=False)
    plain, _ = train(0.0, data, 1e-2, _cfg(30), _reporter(), 1, "arm", stop_when_grokked=False)
    norm = [torch.linalg.vector_norm(net.embed.weight).item() for net in (decayed, plain)]
    assert norm[0] < norm[1] * (1 - 1e-2) ** 30 * 1.05


def test_fit_and_grok_steps_are_the_first_evaluations_that_pass() -> None:
    stream = io.StringIO()
    data = split(P, 0.5, _gen(0))
    _, run = train(1.0, data, 1e-2, _cfg(300, seed=0), _reporter(stream), 1, "arm", stop_when_grokked=True)
    evals = [(e.data["step"], e.data["metrics"]) for e in map(parse_line, stream.getvalue().splitlines())
             if e and e.kind == "progress"]
    assert [s for s, _ in evals] == list(range(EVAL_EVERY, 301, EVAL_EVERY))      # every 50 steps
    fits = [s for s, m in evals if m["acc"] == 1.0]
    assert run.fitted_at == fits[0] and run.fitted_at < 300                       # fitted early ...
    assert run.val_at_fit == dict(evals)[run.fitted_at]["val_acc"] < 0.2          # ... while validation is low
    assert run.best_val == max(m["val_acc"] for _, m in evals)
    assert run.grokked_at is None and run.best_val < GROKKED and run.steps == 300  # 300 steps is too early
    assert math.isclose(run.last_val, evals[-1][1]["val_acc"])


def test_milestones_keep_their_first_step_by_hand() -> None:
    run = Run(None, None, 0.0, 0.0, 0.0, 0)
    for step, train_acc, val_acc in [(50, 0.9, 0.01), (100, 0.995, 0.00), (150, 1.0, 0.03), (200, 0.999, 0.5),
                                     (250, 1.0, 0.95), (300, 1.0, 0.97), (350, 1.0, 0.96)]:
        run = record(run, step, train_acc, val_acc)
    assert run == Run(fitted_at=150, grokked_at=250, val_at_fit=0.03, best_val=0.97, last_val=0.96, steps=350)
