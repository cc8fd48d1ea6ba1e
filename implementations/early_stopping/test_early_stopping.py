"""The stopping rule on a hand-made score sequence, gradient descent against its eigenbasis closed
form, ridge against scikit-learn's (float64), the nearest-ridge search, and the whole net half:
the parameters early stopping returns are those of training for exactly the chosen steps."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations._common.demo import DemoConfig
from implementations.early_stopping import demo, linear
from implementations.early_stopping.net import mlp, noisy_digits
from implementations.early_stopping.stopping import EarlyStopping
from tracker.demo_protocol import Reporter

D = torch.float64


def _marked(value: float) -> nn.Module:
    net = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        net.weight.fill_(value)
    return net


def test_rule_keeps_the_best_and_stops_after_patience_evaluations_without_a_new_best() -> None:
    scores = [0.5, 0.6, 0.55, 0.6, 0.7, 0.6, 0.7, 0.69, 0.9]
    rule, net, said = EarlyStopping(patience=3), _marked(0.0), []
    for step, score in enumerate(scores, start=1):
        with torch.no_grad():
            net.weight.fill_(step)                  # the parameters "at" this step
        said.append(rule.update(step, score, net))
    # a tie is no new best: 0.6 at step 4 (after step 2's), 0.7 at step 7 (after step 5's); steps 6, 7, 8 -> stop at 8
    assert (rule.best_step, rule.best_score, rule.stopped_at) == (5, 0.7, 8)
    assert said == [False] * 7 + [True, True]       # the later 0.9 is never taken
    restored = rule.restore(_marked(-1.0))
    assert restored.weight.item() == 5.0            # a copy of step 5's weights, not a live reference


def test_rule_refuses_a_patience_below_one_and_a_restore_before_any_score() -> None:
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(0)
    with pytest.raises(RuntimeError, match="no evaluation"):
        EarlyStopping(2).restore(_marked(0.0))


def test_gradient_descent_path_equals_its_eigenbasis_closed_form() -> None:
    x, y = linear.linear_problem(torch.Generator().manual_seed(0))
    eig, vec = torch.linalg.eigh(x.T @ x / len(y))
    w_hat = (vec.T @ (x.T @ y / len(y))) / eig               # least squares, in the eigenbasis
    lr = 0.5 / eig.max().item()
    path = linear.gradient_descent(x, y, lr, 300)
    assert len(path) == 301 and torch.equal(path[0], torch.zeros(x.shape[1], dtype=D))
    for t in (1, 2, 10, 300):
        closed = vec @ ((1 - (1 - lr * eig) ** t) * w_hat)
        assert_close(path[t], closed, rtol=1e-9, atol=1e-11)


def test_one_dimensional_path_by_hand() -> None:
    x, y = torch.tensor([[1.0]], dtype=D), torch.tensor([2.0], dtype=D)   # H = 1, ŵ = 2
    path = linear.gradient_descent(x, y, 0.5, 3)
    assert [w.item() for w in path] == [0.0, 1.0, 1.5, 1.75]             # [1 − 0.5^t]·2
    assert linear.ridge(x, y, 1.0).item() == pytest.approx(1.0)          # H/(H + α)·ŵ


def test_ridge_equals_sklearn_ridge_with_the_mean_loss_scaling() -> None:
    from sklearn.linear_model import Ridge

    x, y = linear.linear_problem(torch.Generator().manual_seed(1))
    for alpha in (1e-3, 0.1):
        ref = Ridge(alpha=alpha * len(y), fit_intercept=False, solver="cholesky").fit(x.numpy(), y.numpy())
        assert_close(linear.ridge(x, y, alpha), torch.from_numpy(ref.coef_), rtol=1e-9, atol=1e-11)


def test_closest_ridge_finds_the_alpha_a_ridge_solution_was_made_with() -> None:
    x, y = linear.linear_problem(torch.Generator().manual_seed(2))
    alphas = torch.logspace(-4, 1, 51, dtype=D)
    alpha, gap = linear.closest_ridge(x, y, linear.ridge(x, y, alphas[17].item()), alphas)
    assert alpha == pytest.approx(alphas[17].item()) and gap < 1e-10
    alpha, gap = linear.closest_ridge(x, y, linear.ridge(x, y, 3e-3), alphas)
    assert min(abs(alpha / a - 1) for a in (10**-2.6, 10**-2.5)) < 1e-9 and 0 < gap < 0.05   # a grid neighbour


def test_log_log_slope_of_an_exact_power_law() -> None:
    assert demo.log_log_slope([10, 30, 100], [2 / 10, 2 / 30, 2 / 100]) == pytest.approx(-1.0)
    assert demo.log_log_slope([1, 4], [1.0, 2.0]) == pytest.approx(0.5)


def test_net_half_returns_the_parameters_of_training_for_exactly_the_best_step() -> None:
    """The whole half against torch.optim.SGD, retrained from the same seed for rule.best_step steps."""
    cfg = DemoConfig(steps=150, seed=3, device=torch.device("cpu"), quick=True)
    report = Reporter()
    report.start(total=cfg.steps)
    stopped, final, rule = demo.net_half(cfg, report)
    assert rule.best_step % demo.EVAL_EVERY == 0 and rule.best_step <= cfg.steps

    (x, y), val, test = noisy_digits(torch.Generator().manual_seed(cfg.seed))
    torch.manual_seed(cfg.seed)
    ref = mlp()
    opt = torch.optim.SGD(ref.parameters(), lr=demo.LR, momentum=demo.MOMENTUM)
    batches = torch.Generator().manual_seed(cfg.seed)
    best_val = 0.0
    for i in range(1, rule.best_step + 1):
        idx = torch.randint(0, len(y), (demo.BATCH,), generator=batches)
        opt.zero_grad()
        F.cross_entropy(ref(x[idx]), y[idx]).backward()
        opt.step()
        if i % demo.EVAL_EVERY == 0:
            with torch.no_grad():
                best_val = max(best_val, (ref(val[0]).argmax(1) == val[1]).float().mean().item())
    assert_close(dict(ref.state_dict()), rule.best_state, rtol=1e-5, atol=1e-6)
    with torch.no_grad():
        assert (ref(test[0]).argmax(1) == test[1]).float().mean().item() == pytest.approx(stopped, abs=1e-6)
    assert rule.best_score == pytest.approx(best_val)
