"""Exact tiny oracles for DDPM (T = 2 and 3, fixed generators) and the noise predictor against a hand-written
reference with copied weights (float64)."""

from __future__ import annotations

import math

import torch
from torch.testing import assert_close

from implementations.ddpm.diffusion import GaussianDiffusion
from implementations.ddpm.model import NoisePredictor

F64 = torch.float64


class Recorder:
    """eps_theta that returns a fixed function of its inputs and remembers every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[torch.Tensor, torch.Tensor]] = []

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        self.calls.append((x.clone(), t.clone()))
        return 0.5 * x + 0.1 * t[:, None].to(x.dtype)


def test_sampler_with_t2_by_hand_has_no_noise_at_the_last_step():
    betas = torch.tensor([0.1, 0.3], dtype=F64)
    diffusion = GaussianDiffusion(betas)
    eps = Recorder()
    out = diffusion.sample(eps, (3, 2), torch.Generator().manual_seed(5), dtype=F64)
    draws = torch.Generator().manual_seed(5)
    x2 = torch.randn(3, 2, generator=draws, dtype=F64)          # x_T ~ N(0, I)
    z2 = torch.randn(3, 2, generator=draws, dtype=F64)          # noise for t = 2 only
    a1, a2 = 0.9, 0.7
    ab1, ab2 = 0.9, 0.9 * 0.7
    e2 = 0.5 * x2 + 0.1 * 2
    x1 = (x2 - 0.3 / math.sqrt(1 - ab2) * e2) / math.sqrt(a2) + math.sqrt(0.3) * z2   # sigma_2^2 = beta_2
    e1 = 0.5 * x1 + 0.1 * 1
    x0 = (x1 - 0.1 / math.sqrt(1 - ab1) * e1) / math.sqrt(a1)                         # t = 1: z = 0
    assert_close(out, x0)
    assert [int(t[0]) for _, t in eps.calls] == [2, 1]                                 # t = T, ..., 1
    assert all(bool((t == t[0]).all()) for _, t in eps.calls)
    # the sampler drew exactly two normal tensors: none for the last step
    check = torch.Generator().manual_seed(5)
    diffusion.sample(Recorder(), (3, 2), check, dtype=F64)
    assert torch.equal(check.get_state(), draws.get_state())


def test_posterior_sigma_uses_beta_tilde():
    betas = torch.tensor([0.1, 0.3], dtype=F64)
    diffusion = GaussianDiffusion(betas)
    zero = lambda x, t: torch.zeros_like(x)  # noqa: E731
    out = diffusion.sample(zero, (4, 2), torch.Generator().manual_seed(6), dtype=F64, sigma="posterior")
    draws = torch.Generator().manual_seed(6)
    x2, z2 = (torch.randn(4, 2, generator=draws, dtype=F64) for _ in range(2))
    beta_tilde_2 = (1 - 0.9) / (1 - 0.63) * 0.3                                          # eq. 7
    x1 = x2 / math.sqrt(0.7) + math.sqrt(beta_tilde_2) * z2
    assert_close(out, x1 / math.sqrt(0.9))


def test_simple_loss_by_hand_sum_over_dimensions_mean_over_examples():
    betas = torch.tensor([0.1, 0.2, 0.4], dtype=F64)
    diffusion = GaussianDiffusion(betas)
    x0 = torch.tensor([[1.0, -2.0], [0.5, 0.25], [-1.0, 3.0], [2.0, 0.0]], dtype=F64)
    eps = Recorder()
    loss = diffusion.loss_simple(eps, x0, torch.Generator().manual_seed(3))
    draws = torch.Generator().manual_seed(3)
    t = torch.randint(1, 4, (4,), generator=draws)
    noise = torch.randn(4, 2, generator=draws, dtype=F64)
    a_bar = torch.tensor([0.9, 0.9 * 0.8, 0.9 * 0.8 * 0.6], dtype=F64)[t - 1][:, None]
    x_t = a_bar.sqrt() * x0 + (1 - a_bar).sqrt() * noise                                  # eq. 4
    assert_close(eps.calls[0][0], x_t)
    assert torch.equal(eps.calls[0][1], t)
    prediction = 0.5 * x_t + 0.1 * t[:, None]
    expected = ((noise - prediction) ** 2).sum(dim=1).mean()                               # ||eps - eps_theta||^2
    assert_close(loss, expected)


def test_training_steps_are_drawn_uniformly_from_1_to_T():
    diffusion = GaussianDiffusion(GaussianDiffusion.linear_betas(5, 1e-3, 0.2))
    eps = Recorder()
    diffusion.loss_simple(eps, torch.zeros(5000, 2, dtype=F64), torch.Generator().manual_seed(0))
    t = eps.calls[0][1]
    assert int(t.min()) == 1 and int(t.max()) == 5
    counts = torch.bincount(t, minlength=6)[1:].double()
    assert bool(((counts - 1000).abs() < 5 * math.sqrt(1000 * 0.8)).all())


def test_linear_schedule_endpoints_and_alpha_bar_by_hand():
    betas = GaussianDiffusion.linear_betas(1000, 1e-4, 0.02)
    assert betas[0].item() == 1e-4 and abs(betas[-1].item() - 0.02) < 1e-15 and len(betas) == 1000
    d = GaussianDiffusion(torch.tensor([0.1, 0.2, 0.4], dtype=F64))
    assert_close(d.alpha_bars, torch.tensor([0.9, 0.72, 0.432], dtype=F64))
    assert_close(d.alpha_bars_prev, torch.tensor([1.0, 0.9, 0.72], dtype=F64))


def test_noise_predictor_equals_hand_written_reference():
    torch.manual_seed(0)
    net = NoisePredictor(data_dim=2, hidden=8, time_dim=6, depth=3).double()
    x = torch.randn(4, 2, dtype=F64)
    t = torch.tensor([1, 7, 50, 999])
    # Transformer embedding of t: [sin(t w_i), cos(t w_i)], w_i = 10000^(-i/3), i = 0, 1, 2
    w = torch.tensor([10000.0 ** (-i / 3) for i in range(3)], dtype=F64)
    angles = t.double()[:, None] * w
    emb = torch.cat([angles.sin(), angles.cos()], dim=1)

    def linear(layer, v):
        return v @ layer.weight.T + layer.bias

    def silu(v):
        return v * torch.sigmoid(v)

    time_feature = linear(net.time_mlp[2], silu(linear(net.time_mlp[0], emb)))
    biases = linear(net.time_proj, time_feature)                       # one per hidden layer, 8 each
    h = x
    for k, layer in enumerate(net.layers):
        h = silu(linear(layer, h) + biases[:, 8 * k: 8 * (k + 1)])     # the time feature enters every layer
    assert_close(net(x, t), linear(net.out, h))
