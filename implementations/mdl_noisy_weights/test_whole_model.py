"""The noisy MLP's data cost against a reference drawing the same noise, and a hand-computed oracle (float64).

Catches sigma = e^logvar for e^(logvar/2), one noise draw shared by all
samples or by all rows, tanh left out, the misfit summed instead of averaged
before the log, and the factor N of N/2 (log 2 pi m + 1) dropped.
"""

from __future__ import annotations

import math

import torch
from torch.testing import assert_close

from implementations.mdl_noisy_weights.model import NoisyMLP

D = torch.float64


def _reference_data_cost(net: NoisyMLP, x: torch.Tensor, y: torch.Tensor, samples: int) -> torch.Tensor:
    """Same draw order as the model: hidden layer's W then b noise, then the output layer's."""
    def noisy(layer):
        eps_w = torch.randn(samples, *layer.w_mu.shape, dtype=D)
        eps_b = torch.randn(samples, 1, *layer.b_mu.shape, dtype=D)
        sd_w, sd_b = layer.w_logvar.exp().sqrt(), layer.b_logvar.exp().sqrt()
        return layer.w_mu + sd_w * eps_w, layer.b_mu + sd_b * eps_b

    w1, b1 = noisy(net.hidden)
    w2, b2 = noisy(net.output)
    squared = []
    for s in range(samples):
        h = torch.tanh(x @ w1[s].T + b1[s])
        squared.append(((h @ w2[s].T + b2[s]) - y) ** 2)
    m = torch.stack(squared).mean()  # E_q of the mean squared residual
    return y.numel() / 2 * (torch.log(2 * math.pi * m) + 1)


def test_data_cost_matches_a_reference_with_the_same_noise() -> None:
    torch.manual_seed(0)
    net = NoisyMLP(2, 4, 1).double()
    with torch.no_grad():
        for layer in (net.hidden, net.output):  # large noise, so its scale matters
            layer.w_logvar.fill_(-1.0)
            layer.b_logvar.fill_(-2.0)
    x, y = torch.randn(5, 2, dtype=D), torch.randn(5, 1, dtype=D)
    torch.manual_seed(7)
    cost = net.data_cost(x, y, samples=3)
    torch.manual_seed(7)
    assert_close(cost, _reference_data_cost(net, x, y, samples=3))


def test_data_cost_by_hand_with_noiseless_zero_output() -> None:
    net = NoisyMLP(1, 2, 1).double()
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        for layer in (net.hidden, net.output):
            layer.w_logvar.fill_(-200.0)  # sigma = e^-100: the weights are their means
            layer.b_logvar.fill_(-200.0)
    x = torch.tensor([[0.3], [-0.7]], dtype=D)
    y = torch.tensor([[1.0], [-1.0]], dtype=D)
    # Prediction 0: the mean squared residual m = 1, so the cost is 2/2 (log 2 pi + 1) nats.
    assert_close(net.data_cost(x, y, samples=4), torch.tensor(math.log(2 * math.pi) + 1, dtype=D))
    y3 = torch.tensor([[2.0], [0.0], [0.0]], dtype=D)  # m = 4/3, N = 3
    x3 = torch.zeros(3, 1, dtype=D)
    assert_close(net.data_cost(x3, y3, samples=2), torch.tensor(1.5 * (math.log(2 * math.pi * 4 / 3) + 1), dtype=D))
