"""The copy task (Section 4.1): read a sequence of random bit vectors, then reproduce it.

Input channels: ``bits`` data bits plus one delimiter channel. A sequence of
length L occupies steps 0..L-1, the delimiter step L, and the model must
output the L vectors during steps L+1..2L, while its input is all zeros.
"""

from __future__ import annotations

import torch


def copy_batch(batch: int, length: int, bits: int, generator: torch.Generator):
    """-> inputs (2L+1, B, bits+1), targets (L, B, bits), both float on CPU."""
    seq = torch.randint(0, 2, (length, batch, bits), generator=generator).float()
    inputs = torch.zeros(2 * length + 1, batch, bits + 1)
    inputs[:length, :, :bits] = seq
    inputs[length, :, bits] = 1.0   # delimiter
    return inputs, seq


def output_phase(logits: torch.Tensor, length: int) -> torch.Tensor:
    """The model's outputs during the recall steps L+1..2L."""
    return logits[length + 1:]


def bit_errors_per_sequence(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Number of wrongly recalled bits (output thresholded at 0.5) per sequence, shape (B,)."""
    return ((logits > 0).float() != targets).float().sum(dim=(0, 2))
