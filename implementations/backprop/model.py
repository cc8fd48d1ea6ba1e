"""A layered sigmoid network trained by back-propagating errors, with no autograd.

Rumelhart, Hinton & Williams, "Learning representations by back-propagating
errors", Nature 323 (1986). The equation numbers below are the paper's:

    (1) x_j = sum_i y_i w_ji              total input of unit j
    (2) y_j = 1 / (1 + exp(-x_j))         its output (the logistic function)
    (3) E   = 1/2 sum_c sum_j (y_jc - d_jc)^2
    (4) dE/dy_j  = y_j - d_j              at the output units
    (5) dE/dx_j  = dE/dy_j * y_j (1 - y_j)
    (6) dE/dw_ji = dE/dx_j * y_i
    (7) dE/dy_i  = sum_j dE/dx_j * w_ji   passes the error one layer down
    (8) dw = -eps dE/dw                   plain gradient descent
    (9) dw(t) = -eps dE/dw(t) + alpha dw(t-1)   with momentum

The paper gives each unit a bias as a weight from an extra input that is always
1; here it is stored as a separate vector ``b``, which is the same thing.
Activations are row-major: a batch of cases is a (cases, units) matrix, so the
sums over cases in (3) become matrix products.
"""

from __future__ import annotations

import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Equation (2), written out rather than calling torch.sigmoid."""
    return 1.0 / (1.0 + torch.exp(-x))


class SigmoidMLP:
    """Fully connected layers of logistic units, e.g. sizes (8, 3, 8).

    Plain tensors (``requires_grad`` is never set): ``backward`` computes the
    gradients itself with equations (4)-(7).
    """

    def __init__(self, sizes: list[int] | tuple[int, ...], generator: torch.Generator | None = None,
                 init_scale: float = 0.5, dtype: torch.dtype = torch.float32,
                 device: torch.device | str = "cpu") -> None:
        if len(sizes) < 2:
            raise ValueError("need at least an input and an output layer")
        self.sizes = tuple(int(s) for s in sizes)
        # Small random initial weights break the symmetry between hidden units
        # (the paper: "start with small random weights").
        self.weights: list[torch.Tensor] = []  # W[l] has shape (units_out, units_in): w_ji
        self.biases: list[torch.Tensor] = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            w = (torch.rand(n_out, n_in, generator=generator, dtype=dtype) * 2 - 1) * init_scale
            b = (torch.rand(n_out, generator=generator, dtype=dtype) * 2 - 1) * init_scale
            self.weights.append(w.to(device))
            self.biases.append(b.to(device))

    def parameters(self) -> list[torch.Tensor]:
        """Weights and biases, layer by layer: [W1, b1, W2, b2, ...]."""
        return [p for wb in zip(self.weights, self.biases) for p in wb]

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The forward pass; returns every layer's outputs y (input first).

        The backward pass needs all of them, so they are kept, not just the last.
        """
        ys = [x]
        for w, b in zip(self.weights, self.biases):
            total_input = ys[-1] @ w.T + b        # (1): x_j = sum_i y_i w_ji (+ bias)
            ys.append(sigmoid(total_input))       # (2)
        return ys

    def backward(self, ys: list[torch.Tensor], dE_dy_out: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        """Back-propagate dE/dy of the output units to every weight.

        Returns (gradients in ``parameters()`` order, dE/dy of the inputs).
        """
        grads: list[torch.Tensor] = []
        dE_dy = dE_dy_out
        for layer in reversed(range(len(self.weights))):
            y_out, y_in = ys[layer + 1], ys[layer]
            dE_dx = dE_dy * y_out * (1.0 - y_out)          # (5)
            dE_dw = dE_dx.T @ y_in                          # (6), summed over cases
            dE_db = dE_dx.sum(dim=0)                        # (6) with the constant-1 input
            grads = [dE_dw, dE_db] + grads
            dE_dy = dE_dx @ self.weights[layer]             # (7)
        return grads, dE_dy


def squared_error(y: torch.Tensor, d: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Equation (3) and its derivative (4): returns (E, dE/dy)."""
    diff = y - d
    return 0.5 * (diff * diff).sum(), diff


class MomentumDescent:
    """Equation (9): dw(t) = -eps dE/dw(t) + alpha dw(t-1); alpha = 0 gives (8)."""

    def __init__(self, params: list[torch.Tensor], eps: float, alpha: float = 0.9) -> None:
        self.params = params
        self.eps = eps
        self.alpha = alpha
        self.previous = [torch.zeros_like(p) for p in params]

    def step(self, grads: list[torch.Tensor]) -> None:
        for p, g, dw_prev in zip(self.params, grads, self.previous):
            dw = -self.eps * g + self.alpha * dw_prev
            p.add_(dw)          # in place, so the network's own tensors change
            dw_prev.copy_(dw)


def train_step(net: SigmoidMLP, opt: MomentumDescent, x: torch.Tensor, d: torch.Tensor) -> tuple[float, list[torch.Tensor]]:
    """One full-batch sweep (the paper changed weights after each sweep)."""
    ys = net.forward(x)
    error, dE_dy = squared_error(ys[-1], d)
    grads, _ = net.backward(ys, dE_dy)
    opt.step(grads)
    return float(error), ys
