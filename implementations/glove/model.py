"""GloVe (Pennington, Socher & Manning 2014): weighted least squares on log co-occurrence counts.

    J = Σ_{i,j: X_ij > 0} f(X_ij) (w_i · w̃_j + b_i + b̃_j − log X_ij)²,
    f(x) = (x / x_max)^α for x < x_max, else 1   (x_max = 100, α = 3/4 in the paper)

Trained by AdaGrad on mini-batches of the nonzero entries. The word vectors are W + W̃ (Sec. 4.2).
"""

from __future__ import annotations

import torch


def weighting(x: torch.Tensor, x_max: float = 100.0, alpha: float = 0.75) -> torch.Tensor:
    """f(x): rare pairs count little, and no pair counts more than 1."""
    return (x / x_max).pow(alpha).clamp(max=1.0)


class GloVe:
    def __init__(self, vocab_size: int, dim: int, gen: torch.Generator, dtype=torch.float32) -> None:
        def init(*shape):   # uniform in ±0.5/d, as the reference code does
            return (torch.rand(*shape, generator=gen, dtype=dtype) - 0.5) / dim
        self.W, self.W_ctx = init(vocab_size, dim), init(vocab_size, dim)
        self.b, self.b_ctx = init(vocab_size), init(vocab_size)

    def params(self) -> list[torch.Tensor]:
        return [self.W, self.W_ctx, self.b, self.b_ctx]

    def vectors(self) -> torch.Tensor:
        return self.W + self.W_ctx

    def loss_and_grads(self, i, j, x, x_max: float = 100.0, alpha: float = 0.75):
        """J over the entries (i, j, X_ij) of a batch, and its gradient for each parameter (dense, summed)."""
        w, w_ctx = self.W[i], self.W_ctx[j]
        err = (w * w_ctx).sum(1) + self.b[i] + self.b_ctx[j] - torch.log(x)
        f = weighting(x, x_max, alpha)
        loss = (f * err * err).sum()
        g = 2 * f * err                                     # ∂J/∂(w_i·w̃_j + b_i + b̃_j)
        grads = [torch.zeros_like(p) for p in self.params()]
        grads[0].index_add_(0, i, g[:, None] * w_ctx)
        grads[1].index_add_(0, j, g[:, None] * w)
        grads[2].index_add_(0, i, g)
        grads[3].index_add_(0, j, g)
        return loss, grads


class AdaGrad:
    """p <- p − lr g / (sqrt(G) + eps) after G <- G + g²; G starts at ``initial`` (1, as GloVe's code),
    which is ``torch.optim.Adagrad(initial_accumulator_value=initial)``. Rows with zero gradient stay put."""

    def __init__(self, params: list[torch.Tensor], lr: float, initial: float = 0.0, eps: float = 1e-10) -> None:
        self.params, self.lr, self.eps = params, lr, eps
        self.sums = [torch.full_like(p, initial) for p in params]

    def step(self, grads: list[torch.Tensor]) -> None:
        for p, s, g in zip(self.params, self.sums, grads):
            s.add_(g * g)
            p.sub_(self.lr * g / (s.sqrt() + self.eps))


def nonzero_entries(counts: torch.Tensor):
    """(i, j, X_ij) for every X_ij > 0."""
    i, j = counts.nonzero(as_tuple=True)
    return i, j, counts[i, j]


def train(model: GloVe, entries, steps: int, batch: int, lr: float, gen: torch.Generator,
          x_max: float = 100.0, alpha: float = 0.75, on_step=None) -> None:
    """``steps`` AdaGrad steps on shuffled mini-batches of the nonzero entries."""
    i, j, x = entries
    opt, step = AdaGrad(model.params(), lr), 0
    while step < steps:
        order = torch.randperm(len(x), generator=gen).to(x.device)   # draws on the CPU generator
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            loss, grads = model.loss_and_grads(i[idx], j[idx], x[idx].to(model.W.dtype), x_max, alpha)
            opt.step(grads)
            step += 1
            if on_step:
                on_step(step, steps, loss.item() / len(idx))
            if step == steps:
                return
