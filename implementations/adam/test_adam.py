"""Adam and AdaGrad against torch.optim step by step (float64), the first-step closed form that
bias correction gives, and the demo's tasks (the sparse design, the Newton optimum)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.adam import tasks
from implementations.adam.optim import Adam, AdaGrad

D = torch.float64


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _mlp_pair(seed: int):
    torch.manual_seed(seed)
    ours = tasks.mlp_model().to(D)
    ref = tasks.mlp_model().to(D)
    ref.load_state_dict(ours.state_dict())
    return ours, ref


def _train_both(ours_opt, ref_opt, ours, ref, steps: int = 15) -> None:
    x = torch.rand(32, 64, generator=_gen(1), dtype=D)
    y = torch.randint(0, 10, (32,), generator=_gen(2))
    for step in range(steps):
        for net in (ours, ref):
            F.cross_entropy(net(x[step % 4 * 8:][:16]), y[step % 4 * 8:][:16]).backward()
        ours_opt.step()
        ref_opt.step()
        ref_opt.zero_grad()
        for a, b in zip(ours.parameters(), ref.parameters()):
            assert_close(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("betas, weight_decay", [((0.9, 0.999), 0.0), ((0.5, 0.9), 0.01)])
def test_whole_mlp_trained_by_adam_equals_torch_optim_adam(betas, weight_decay) -> None:
    ours, ref = _mlp_pair(3)
    _train_both(Adam(ours.parameters(), lr=1e-2, betas=betas, weight_decay=weight_decay),
                torch.optim.Adam(ref.parameters(), lr=1e-2, betas=betas, weight_decay=weight_decay),
                ours, ref)


def test_whole_mlp_trained_by_adagrad_equals_torch_optim_adagrad() -> None:
    ours, ref = _mlp_pair(4)
    _train_both(AdaGrad(ours.parameters(), lr=0.05), torch.optim.Adagrad(ref.parameters(), lr=0.05), ours, ref)


def test_first_adam_step_is_lr_times_the_gradient_sign() -> None:
    """Bias correction makes m̂₁ = g and v̂₁ = g², so the first step is −α g/|g| whatever β₁, β₂:
    without it the step would be α (1 − β₁)/√(1 − β₂) ≈ 3.2 α at the defaults."""
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 3.0], dtype=D))
    p.grad = torch.tensor([0.5, -4.0, 1e-3], dtype=D)
    Adam([p], lr=0.1, eps=1e-12).step()
    assert_close(p.detach(), torch.tensor([0.9, -1.9, 2.9], dtype=D))


def test_second_adam_step_by_hand() -> None:
    p = torch.nn.Parameter(torch.tensor([0.0], dtype=D))
    opt = Adam([p], lr=1.0, betas=(0.5, 0.75), eps=0.0)
    p.grad = torch.tensor([2.0], dtype=D)
    opt.step()                                  # p = -1
    p.grad = torch.tensor([4.0], dtype=D)
    opt.step()
    m_hat = (0.5 * 0.5 * 2 + 0.5 * 4) / (1 - 0.25)             # 3.0 / 0.75 = 4
    v_hat = (0.75 * 0.25 * 4 + 0.25 * 16) / (1 - 0.75**2)      # 4.75 / 0.4375
    assert_close(p.detach(), torch.tensor([-1.0 - m_hat / v_hat**0.5], dtype=D))


def test_sparse_task_design() -> None:
    x, y = tasks.sparse_logistic_task(_gen())
    assert x.shape == (tasks.N_EXAMPLES, tasks.N_FEATURES)
    assert torch.equal(x.sum(1), torch.full((tasks.N_EXAMPLES,), float(tasks.ACTIVE)))
    assert set(x.unique().tolist()) == {0.0, 1.0} and set(y.unique().tolist()) == {0.0, 1.0}
    counts = x.sum(0)
    assert counts[:10].mean() > 10 * counts[-100:].mean()      # Zipf: most features are rare


def test_logistic_optimum_is_the_minimum_of_the_mean_log_loss() -> None:
    x, y = tasks.sparse_logistic_task(_gen(1))
    best = tasks.logistic_optimum(x, y)
    model = tasks.logistic_model(x.shape[1]).to(D)
    opt = torch.optim.LBFGS(model.parameters(), max_iter=500, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = tasks.logistic_loss(model(x.to(D)), y.to(D))
        loss.backward()
        return loss
    opt.step(closure)
    lbfgs = tasks.logistic_loss(model(x.to(D)), y.to(D)).item()
    assert best <= lbfgs + 1e-9 and lbfgs - best < 1e-4
