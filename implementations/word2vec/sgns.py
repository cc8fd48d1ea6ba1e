"""Skip-gram with negative sampling (Mikolov et al. 2013b), gradients written out as in word2vec.

For a centre word c with input vector v_c, an observed context word o and K noise words
n_1..n_K drawn from the unigram distribution raised to 3/4, the loss is

    L = -log σ(u_o · v_c) - Σ_k log σ(-u_{n_k} · v_c)

and its gradients are  ∂L/∂v_c = (σ(u_o·v_c) - 1) u_o + Σ_k σ(u_k·v_c) u_k,
∂L/∂u_o = (σ(u_o·v_c) - 1) v_c,  ∂L/∂u_k = σ(u_k·v_c) v_c.
A step sums these over a batch of pairs and moves each touched row by -lr times its sum.
Frequent words are subsampled: each occurrence of w is dropped with P = 1 - sqrt(t / f(w)).
"""

from __future__ import annotations

import torch


def noise_distribution(counts, power: float = 0.75) -> torch.Tensor:
    """P_n(w) ∝ count(w)^power."""
    weights = torch.as_tensor(counts, dtype=torch.float64) ** power
    return weights / weights.sum()


def keep_probability(counts, t: float) -> torch.Tensor:
    """1 - P_discard = min(1, sqrt(t / f(w))), with f(w) the word's share of all tokens."""
    freq = torch.as_tensor(counts, dtype=torch.float64)
    freq = freq / freq.sum()
    return (t / freq).sqrt().clamp(max=1.0)


def skipgram_pairs(encoded: list[list[int]], window: int, keep: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """(centre, context) rows for every pair within ``window`` after subsampling, both directions."""
    tokens = torch.tensor([w for sent in encoded for w in sent])
    sentence = torch.repeat_interleave(torch.arange(len(encoded)), torch.tensor([len(s) for s in encoded]))
    kept = torch.rand(len(tokens), generator=gen, dtype=torch.float64) < keep[tokens]
    tokens, sentence = tokens[kept], sentence[kept]
    pairs = []
    for d in range(1, window + 1):
        same = sentence[d:] == sentence[:-d]
        left, right = tokens[:-d][same], tokens[d:][same]
        pairs += [torch.stack([left, right], 1), torch.stack([right, left], 1)]
    return torch.cat(pairs)


def sgns_loss_and_grads(v, u_o, u_k):
    """L for input vectors v (B, d), observed contexts u_o (B, d) and noise words u_k (B, K, d),
    summed over the batch, and ∂L/∂v, ∂L/∂u_o, ∂L/∂u_k per pair (fasttext reuses it for its summed v)."""
    s_o = (u_o * v).sum(-1)                            # (B,)
    s_k = torch.einsum("bkd,bd->bk", u_k, v)           # (B, K)
    loss = -(torch.nn.functional.logsigmoid(s_o).sum() + torch.nn.functional.logsigmoid(-s_k).sum())
    g_o = torch.sigmoid(s_o) - 1                       # ∂L/∂s_o
    g_k = torch.sigmoid(s_k)                           # ∂L/∂s_k
    grad_v = g_o[:, None] * u_o + torch.einsum("bk,bkd->bd", g_k, u_k)
    return loss, grad_v, g_o[:, None] * v, g_k[..., None] * v[:, None, :]


class SkipGram:
    """Input vectors ``W_in`` (the embeddings) and output vectors ``W_out``, initialised as word2vec does."""

    def __init__(self, vocab_size: int, dim: int, gen: torch.Generator, dtype=torch.float32) -> None:
        self.W_in = (torch.rand(vocab_size, dim, generator=gen, dtype=dtype) - 0.5) / dim
        self.W_out = torch.zeros(vocab_size, dim, dtype=dtype)

    def loss_and_grads(self, centre, context, negatives):
        """Summed loss and the per-pair gradients for v_c (B, d), u_o (B, d) and u_k (B, K, d)."""
        return sgns_loss_and_grads(self.W_in[centre], self.W_out[context], self.W_out[negatives])

    def step(self, centre, context, negatives, lr: float) -> float:
        loss, grad_v, grad_o, grad_k = self.loss_and_grads(centre, context, negatives)
        self.W_in.index_add_(0, centre, grad_v, alpha=-lr)
        self.W_out.index_add_(0, context, grad_o, alpha=-lr)
        self.W_out.index_add_(0, negatives.reshape(-1), grad_k.reshape(-1, grad_k.shape[-1]), alpha=-lr)
        return loss.item()


def train(model: SkipGram, pairs: torch.Tensor, noise: torch.Tensor, steps: int, batch: int, lr: float,
          negatives: int, gen: torch.Generator, on_step=None) -> None:
    """``steps`` mini-batches of pairs, reshuffled each epoch; the rate falls linearly to lr/1000, as in word2vec."""
    step = 0
    while step < steps:
        order = torch.randperm(len(pairs), generator=gen).to(pairs.device)   # draws on the CPU generator
        for start in range(0, len(pairs), batch):
            chunk = pairs[order[start:start + batch]]
            neg = torch.multinomial(noise, len(chunk) * negatives, replacement=True, generator=gen)
            neg = neg.view(len(chunk), negatives).to(pairs.device)
            rate = lr * max(1.0 - step / steps, 1e-3)
            loss = model.step(chunk[:, 0], chunk[:, 1], neg, rate)
            step += 1
            if on_step:
                on_step(step, steps, loss / len(chunk))
            if step == steps:
                return
