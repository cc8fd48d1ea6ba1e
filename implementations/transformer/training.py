"""Training pieces from Section 5: the Noam learning-rate schedule and label smoothing."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def noam_rate(step: int, d_model: int, warmup: int, factor: float = 1.0) -> float:
    """lrate = d_model^-0.5 * min(step^-0.5, step * warmup^-1.5)  (eq. 3, Section 5.3).

    Rises linearly for ``warmup`` steps, then decays as 1/sqrt(step). ``step``
    counts from 1; ``factor`` scales the whole curve (1 in the paper).
    """
    step = max(step, 1)
    return factor * d_model**-0.5 * min(step**-0.5, step * warmup**-1.5)


def noam_scheduler(optimizer: torch.optim.Optimizer, d_model: int, warmup: int, factor: float = 1.0):
    """LambdaLR applying ``noam_rate``; set the optimiser's base lr to 1."""
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda i: noam_rate(i + 1, d_model, warmup, factor)
    )


def label_smoothed_nll(logits: Tensor, target: Tensor, smoothing: float, ignore_index: int) -> Tensor:
    """Cross-entropy against (1 - eps) * one_hot + eps * uniform (Section 5.4, eps_ls = 0.1).

    Averaged over the non-ignored targets.
    """
    log_probs = F.log_softmax(logits.reshape(-1, logits.size(-1)), dim=-1)
    target = target.reshape(-1)
    keep = target != ignore_index
    log_probs, target = log_probs[keep], target[keep]
    nll = -log_probs.gather(1, target[:, None]).squeeze(1)
    uniform = -log_probs.mean(dim=-1)
    return ((1.0 - smoothing) * nll + smoothing * uniform).mean()
