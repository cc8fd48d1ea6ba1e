"""A generated language with known entropy: a random order-k Markov source.

The next-token logits add one random table per context length, like a
log-linear n-gram model::

    logit(y | x_{t-k..t-1}) = -zipf log(rank of y) + sum_j s_j G_j[x_{t-j..t-1}, y]

with G_j standard Gaussian tables. The Zipf term gives natural-text-like
token frequencies; the j = 1 term (bigram structure) is strong, the j = 2
term (trigram corrections) weaker, so there is structure at several scales
for models of growing size to pick up one after the other. Because the source
is known exactly, so is its entropy rate: the loss no model can beat, the
irreducible term L_inf.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor


class MarkovSource:
    """Order-k Markov chain over ``vocab`` tokens (k = len(strengths)), built from ``seed``."""

    def __init__(self, vocab: int, strengths: Sequence[float], zipf: float, seed: int) -> None:
        self.vocab, self.order = vocab, len(strengths)
        g = torch.Generator().manual_seed(seed)
        n_contexts = vocab**self.order
        context = torch.arange(n_contexts)
        rank = torch.arange(1, vocab + 1, dtype=torch.float64)
        logits = (-zipf * rank.log()).expand(n_contexts, vocab).clone()
        for j, s_j in enumerate(strengths, start=1):
            table = s_j * torch.randn(vocab**j, vocab, generator=g, dtype=torch.float64)
            logits += table[context % vocab**j]  # context % V^j = index of its last j tokens
        self.probs = logits.softmax(-1)  # P(x_t | x_{t-k..t-1}), (V^k, V)
        self.cdf = self.probs.cumsum(-1)
        self.cdf[:, -1] = 1.0
        self.pi = self.stationary()

    def context_index(self, window: Tensor) -> Tensor:
        """Index of contexts (..., j) of tokens, oldest first: sum_i x_i V^(j-1-i)."""
        index = torch.zeros(window.shape[:-1], dtype=torch.long, device=window.device)
        for i in range(window.size(-1)):
            index = index * self.vocab + window[..., i]
        return index

    def sample(self, n_streams: int, length: int, generator: torch.Generator) -> Tensor:
        """(n_streams, length) tokens, each stream started from a context drawn from pi (so stationary)."""
        pi_cdf = self.pi.cumsum(0)
        u0 = torch.rand(n_streams, generator=generator, dtype=torch.float64) * pi_cdf[-1]
        ctx = torch.searchsorted(pi_cdf, u0).clamp_max(pi_cdf.numel() - 1)
        tokens = torch.empty(n_streams, length, dtype=torch.long)
        for i in range(self.order):  # unpack the start context into its k tokens, oldest first
            tokens[:, i] = ctx // self.vocab ** (self.order - 1 - i) % self.vocab
        uniforms = torch.rand(length, n_streams, 1, generator=generator, dtype=torch.float64)
        for t in range(self.order, length):
            # Inverse-CDF sampling: the first token whose cumulative probability reaches u.
            nxt = torch.searchsorted(self.cdf[ctx], uniforms[t]).squeeze(1).clamp_max(self.vocab - 1)
            tokens[:, t] = nxt
            ctx = (ctx * self.vocab + nxt) % self.vocab**self.order
        return tokens

    def stationary(self, tol: float = 1e-14, max_iters: int = 10_000) -> Tensor:
        """Stationary distribution pi over contexts, by power iteration of the context chain."""
        n = self.vocab**self.order
        successor = (torch.arange(n)[:, None] * self.vocab + torch.arange(self.vocab)) % n  # context after y
        pi = torch.full((n,), 1.0 / n, dtype=torch.float64)
        for _ in range(max_iters):
            new = torch.zeros_like(pi).index_add_(0, successor.reshape(-1), (pi[:, None] * self.probs).reshape(-1))
            if (new - pi).abs().max() < tol:
                return new
            pi = new
        return pi

    def entropy_rate(self) -> float:
        """H = -sum_c pi(c) sum_y P(y|c) log P(y|c), nats per token: the best achievable loss."""
        return float(-(self.pi @ (self.probs * self.probs.log()).sum(-1)))

    def reduced_order_probs(self, j: int) -> Tensor:
        """P(x_t | last j tokens), j <= k, the older k - j tokens averaged out under pi: (V^j, V).

        The best any predictor that sees only j tokens of context can do
        (j = 0: the unigram distribution).
        """
        joint = self.pi[:, None] * self.probs
        joint = joint.reshape(self.vocab ** (self.order - j), self.vocab**j, self.vocab).sum(0)
        return joint / joint.sum(-1, keepdim=True)

    def nll(self, tokens: Tensor, j: int | None = None) -> Tensor:
        """-log P(x_t | last j tokens) for every t >= k: (..., length - k).

        j = None (= k) is the source's own loss on ``tokens``; its mean is an
        estimate of the entropy rate on exactly those tokens.
        """
        j = self.order if j is None else j
        probs = self.probs if j == self.order else self.reduced_order_probs(j)
        targets = tokens[..., self.order :]
        if j == 0:
            return -probs[0][targets].log()
        windows = tokens.unfold(-1, j, 1)[..., self.order - j : -1, :]  # the j tokens before each target
        return -probs[self.context_index(windows), targets].log()
