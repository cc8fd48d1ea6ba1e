"""The strongest cheap non-neural baseline: logistic regression on bag-of-(uni+bi)gram counts.

Bigrams are the first thing a bag of words misses and the first order the label lives in
(which class follows which), so this is the model that should do best without learning
anything from unlabelled text. A penalty of 0 is in the grid and wins validation: the many rare
bigrams need large weights, and full-batch Adam from w = 0 for a fixed 400 steps is itself the
regulariser then (early stopping). Only n-grams seen in the training sentences get a column: an
unseen one is 0 on every training row, and under the L2 penalty its weight stays exactly 0.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from implementations.adam.optim import Adam


def ngram_ids(words: torch.Tensor, vocab: int) -> torch.Tensor:
    """(n, 2 length - 1) feature ids: the unigrams u_t, then each bigram as vocab + u_t vocab + u_t+1."""
    return torch.cat([words, vocab + words[:, :-1] * vocab + words[:, 1:]], 1)


class NgramCounts:
    """Counts of the unigrams and bigrams that occur in the training sentences, one column each."""

    def __init__(self, train_words: torch.Tensor, vocab: int) -> None:
        self.vocab = vocab
        seen = ngram_ids(train_words, vocab).unique()
        self.size = len(seen)
        self.column = torch.full((vocab + vocab * vocab,), self.size, dtype=torch.long)  # unseen -> spare column
        self.column[seen] = torch.arange(self.size)

    def __call__(self, words: torch.Tensor) -> torch.Tensor:
        cols = self.column[ngram_ids(words, self.vocab)]
        x = torch.zeros(len(words), self.size + 1, dtype=torch.get_default_dtype())
        x.scatter_add_(1, cols, torch.ones(cols.shape, dtype=x.dtype))
        return x[:, :-1]  # drop the spare column


def logistic_objective(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor, l2: float) -> torch.Tensor:
    """mean log-loss + l2 |w|^2 (the bias is not penalised)."""
    return F.binary_cross_entropy_with_logits(x @ w + b, y.to(x.dtype)) + l2 * w.pow(2).sum()


def fit_logistic(x: torch.Tensor, y: torch.Tensor, l2: float, steps: int = 400, lr: float = 0.05):
    """(w, b) minimising the convex ``logistic_objective``, by full-batch Adam."""
    w = torch.zeros(x.shape[1], dtype=x.dtype, requires_grad=True)
    b = torch.zeros((), dtype=x.dtype, requires_grad=True)
    opt = Adam([w, b], lr=lr)
    for _ in range(steps):
        logistic_objective(w, b, x, y, l2).backward()
        opt.step()
    return w.detach(), b.detach()


def ngram_logistic_accuracy(splits: dict, vocab: int, l2_grid=(0.0, 1e-6, 1e-5, 1e-4)) -> tuple[float, float, float]:
    """(test accuracy, validation accuracy, chosen l2): the penalty is picked on validation only."""
    features = NgramCounts(splits["train"][0], vocab)
    x = {name: features(words) for name, (words, _) in splits.items()}
    best = (-1.0, 0.0, 0.0)
    for l2 in l2_grid:
        w, b = fit_logistic(x["train"], splits["train"][1], l2)
        acc = {name: ((x[name] @ w + b > 0).long() == splits[name][1]).double().mean().item() for name in ("valid", "test")}
        if acc["valid"] > best[1]:
            best = (acc["test"], acc["valid"], l2)
    return best
