"""How a translation is scored: per-token accuracy against the reference, position by position.

A word counts when the output has the reference's word at the reference's position; the closing
<EOS> counts as a word (stopping in the right place is part of the task), pads do not. A
missing word, or one past an early <EOS>, is wrong. Exact-sequence accuracy is the stricter
figure: every word and the <EOS> right.
"""

from __future__ import annotations

from torch import Tensor

from .model import PAD


def token_hits(pred: Tensor, tgt: Tensor) -> tuple[int, int]:
    """(correct reference tokens, reference tokens) of ``pred`` (B, >= T') against ``tgt`` (B, T')."""
    real = tgt != PAD
    hits = (pred[:, : tgt.size(1)] == tgt) & real
    return int(hits.sum()), int(real.sum())


def exact_sequences(pred: Tensor, tgt: Tensor) -> int:
    """How many rows of ``pred`` reproduce their reference up to and including its <EOS>."""
    real = tgt != PAD
    return int(((pred[:, : tgt.size(1)] == tgt) | ~real).all(1).sum())
