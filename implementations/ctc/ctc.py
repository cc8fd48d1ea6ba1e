"""Connectionist Temporal Classification loss (Graves et al. 2006), as used by Deep Speech 2.

The forward algorithm runs over the *extended* label sequence l' = (blank, l_1,
blank, l_2, ..., l_S, blank) of length 2S+1, in log space. Graves et al. 2006,
Section 4.1, eq. (6)-(8); Deep Speech 2 (Amodei et al. 2015, Section 3) trains
with this loss. Gradients come from autograd through the recursion.
"""

from __future__ import annotations

import torch

# "log 0". A finite value keeps every logsumexp finite and every gradient
# free of NaN (inf - inf); it is far below any real log probability.
LOG_ZERO = -1e30


def extend_with_blanks(targets: torch.Tensor, blank: int) -> torch.Tensor:
    """(B, S) labels -> (B, 2S+1) sequence l' with a blank before, between and after them."""
    batch, s = targets.shape
    extended = targets.new_full((batch, 2 * s + 1), blank)
    extended[:, 1::2] = targets
    return extended


def ctc_log_likelihood(
    log_probs: torch.Tensor,
    targets: torch.Tensor,
    input_lengths: torch.Tensor,
    target_lengths: torch.Tensor,
    blank: int = 0,
) -> torch.Tensor:
    """log p(l | x) for each batch item, shape (B,).

    log_probs (T, B, C) are per-frame log-softmax outputs y_k^t; targets (B, S)
    are padded label sequences (padding values are ignored).
    """
    steps, batch, _ = log_probs.shape
    extended = extend_with_blanks(targets, blank)                 # l', (B, L)
    length = extended.shape[1]
    # Emission log-probabilities of each position of l' at every frame: (T, B, L).
    emit = log_probs.gather(2, extended.unsqueeze(0).expand(steps, -1, -1))

    # Eq. (7): a position may also be reached from two back (skipping a blank)
    # unless it is a blank itself or repeats the label two back.
    skip_ok = torch.zeros(batch, length, dtype=torch.bool, device=log_probs.device)
    skip_ok[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])

    pad = log_probs.new_full((batch, 1), LOG_ZERO)
    pad2 = log_probs.new_full((batch, 2), LOG_ZERO)
    # Eq. (6): start in the first blank or the first label.
    alpha = log_probs.new_full((batch, length), LOG_ZERO)
    alpha = torch.cat([emit[0, :, :2], alpha[:, 2:]], dim=1)
    for t in range(1, steps):
        stay = alpha                                              # alpha_{t-1}(s)
        step = torch.cat([pad, alpha[:, :-1]], dim=1)             # alpha_{t-1}(s-1)
        skip = torch.cat([pad2, alpha[:, :-2]], dim=1)            # alpha_{t-1}(s-2)
        skip = torch.where(skip_ok, skip, torch.full_like(skip, LOG_ZERO))
        new = torch.logsumexp(torch.stack([stay, step, skip]), dim=0) + emit[t]   # eq. (7)
        running = (t < input_lengths).unsqueeze(1)                # frames past an input's end change nothing
        alpha = torch.where(running, new, alpha)

    # Eq. (8): end in the last label or the final blank, at position 2S or 2S-1 of l'.
    last = (2 * target_lengths).unsqueeze(1)
    end_blank = alpha.gather(1, last).squeeze(1)
    end_label = alpha.gather(1, (last - 1).clamp_min(0)).squeeze(1)
    end_label = torch.where(target_lengths > 0, end_label, torch.full_like(end_label, LOG_ZERO))
    return torch.logaddexp(end_blank, end_label)


def ctc_loss(
    log_probs: torch.Tensor,
    targets: torch.Tensor,
    input_lengths: torch.Tensor,
    target_lengths: torch.Tensor,
    blank: int = 0,
    reduction: str = "mean",
) -> torch.Tensor:
    """-log p(l | x), the maximum-likelihood objective (Graves et al. 2006, Section 4.2), reduced like ``F.ctc_loss``.

    'mean' divides each item's loss by its target length, then averages over
    the batch; 'sum' adds them; 'none' returns them per item.
    """
    nll = -ctc_log_likelihood(log_probs, targets, input_lengths, target_lengths, blank)
    if reduction == "none":
        return nll
    if reduction == "sum":
        return nll.sum()
    if reduction == "mean":
        return (nll / target_lengths.clamp_min(1).to(nll.dtype)).mean()
    raise ValueError(f"unknown reduction {reduction!r}")
