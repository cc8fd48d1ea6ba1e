"""Bag-of-n-grams logistic regression, the cheap baseline a pre-trained encoder has to beat.

Features are counts of unigrams and of adjacent bigrams (with [CLS] and [SEP] as boundary words,
so "first word" and "last word" are bigram features too), optionally every ordered word pair at
any distance (a stronger variant: it can memorise (subject, verb) pairs). The model is
p(y = 1 | x) = sigmoid(w . x + b), fitted exactly (Newton's method) on the mean log-loss plus an L2 penalty
(lambda / 2) |w|^2, lambda chosen on the validation split.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

PENALTIES = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1)


def ngram_features(tokens: Tensor, vocab_size: int, pad_id: int, pairs: bool = False) -> Tensor:
    """(n, V + V^2 [+ V^2]) float64 counts: unigrams, adjacent bigrams, [ordered pairs at any distance]."""
    n, length = tokens.shape
    v = vocab_size
    real = tokens != pad_id
    blocks = [torch.zeros(n, v, dtype=torch.float64).scatter_add_(1, tokens, real.double())]
    bigram = tokens[:, :-1] * v + tokens[:, 1:]
    both = real[:, :-1] & real[:, 1:]
    blocks.append(torch.zeros(n, v * v, dtype=torch.float64).scatter_add_(1, bigram, both.double()))
    if pairs:
        i, j = torch.triu_indices(length, length, offset=1)
        pair = tokens[:, i] * v + tokens[:, j]
        blocks.append(torch.zeros(n, v * v, dtype=torch.float64).scatter_add_(1, pair, (real[:, i] & real[:, j]).double()))
    return torch.cat(blocks, 1)


def fit_logistic(x: Tensor, y: Tensor, penalty: float, iters: int = 30) -> tuple[Tensor, Tensor]:
    """(w, b) minimising mean log-loss + penalty / 2 |w|^2 (the bias is not penalised), exactly.

    There are far more features (thousands) than examples (hundreds), so Newton's method runs on
    the n example weights alpha of the representer w = X^T alpha: f = K alpha + b with K = X X^T.
    Factoring K out of the alpha-equations gives the (n + 1)-dimensional Newton system
        (D K / n + lambda I) d_alpha + D 1 d_b / n = -(g / n + lambda alpha)
        1^T D K d_alpha / n + 1^T D 1 d_b / n = -1^T g / n
    with g_i = dloss_i/df_i and D = diag(d2loss_i/df_i^2); steps are halved until the loss falls.
    (``torch.optim.LBFGS`` would do too, but building it imports ``torch._dynamo``: seconds of CPU.)
    """
    x, t = x.double(), y.double()
    n = x.size(0)
    k = x @ x.T
    alpha, b = torch.zeros(n, dtype=torch.float64), torch.zeros((), dtype=torch.float64)

    def objective(a: Tensor, c: Tensor) -> Tensor:
        f = k @ a + c
        return F.binary_cross_entropy_with_logits(f, t) + 0.5 * penalty * a @ k @ a

    loss = objective(alpha, b)
    for _ in range(iters):
        p = torch.sigmoid(k @ alpha + b)
        g, d = p - t, p * (1 - p)
        system = torch.zeros(n + 1, n + 1, dtype=torch.float64)
        system[:n, :n] = d[:, None] * k / n + penalty * torch.eye(n, dtype=torch.float64)
        system[:n, n] = d / n
        system[n, :n] = d @ k / n
        system[n, n] = d.sum() / n
        rhs = -torch.cat([g / n + penalty * alpha, g.sum()[None] / n])
        step = torch.linalg.solve(system, rhs)
        scale = 1.0
        while True:
            new_alpha, new_b = alpha + scale * step[:n], b + scale * step[n]
            new_loss = objective(new_alpha, new_b)
            if new_loss <= loss or scale < 1e-6:
                break
            scale /= 2
        converged = loss - new_loss < 1e-12
        alpha, b, loss = new_alpha, new_b, new_loss
        if converged:
            break
    return x.T @ alpha, b


def predict(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    return (x @ w + b > 0).long()


def best_logistic(train: tuple[Tensor, Tensor], valid: tuple[Tensor, Tensor], test: tuple[Tensor, Tensor],
                  penalties=PENALTIES) -> tuple[float, float, float]:
    """(chosen penalty, validation accuracy, test accuracy) of the penalty that validates best."""
    best = None
    for lam in penalties:
        w, b = fit_logistic(*train, lam)
        val = (predict(valid[0], w, b) == valid[1]).double().mean().item()
        if best is None or val > best[1]:
            best = (lam, val, (predict(test[0], w, b) == test[1]).double().mean().item())
    return best
