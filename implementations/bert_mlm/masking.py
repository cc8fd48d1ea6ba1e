"""BERT's masked-LM corruption (Devlin et al. 2018, Sec. 3.1 "Task #1: Masked LM", Appendix A.1).

Each ordinary (non-special, non-pad) position is chosen for prediction with probability 15%.
A chosen token is replaced by [MASK] 80% of the time, by a random token 10% of the time and left
unchanged 10% of the time; the loss is taken at chosen positions only (label -100 elsewhere, the
``ignore_index`` of ``F.cross_entropy``). The random and unchanged cases exist because [MASK]
never appears at fine-tuning time: the model must keep a useful representation of every input
token, not only of masked ones.

Positions are chosen independently (a Bernoulli draw per token) rather than an exact 15% count per
sequence: on ~10-token sentences a rounded count would be 1 or 2 and far from 15% on average.
Random replacements are drawn from the ordinary words only, never [PAD], [CLS], [SEP] or [MASK].

Random numbers are drawn in a fixed order, so a test can replay them: one uniform per position for
"chosen", one per position for the 80/10/10 action, one random token per position.
"""

from __future__ import annotations

import torch
from torch import Tensor

IGNORE = -100


def mask_tokens(tokens: Tensor, first_word: int, vocab_size: int, mask_id: int, gen: torch.Generator,
                select: float = 0.15, to_mask: float = 0.8, to_random: float = 0.1) -> tuple[Tensor, Tensor]:
    """(corrupted inputs, labels) for ``tokens`` whose ordinary words are ids ``first_word..vocab_size-1``.

    ``gen`` lives on the CPU; the draws are moved to ``tokens``' device, so a run is the same anywhere.
    """
    shape, device = tokens.shape, tokens.device
    chosen_u = torch.rand(shape, generator=gen).to(device)
    action_u = torch.rand(shape, generator=gen).to(device)
    random_tok = torch.randint(first_word, vocab_size, shape, generator=gen).to(device)
    chosen = (tokens >= first_word) & (chosen_u < select)
    labels = torch.where(chosen, tokens, IGNORE)
    masked = chosen & (action_u < to_mask)
    randomised = chosen & (action_u >= to_mask) & (action_u < to_mask + to_random)
    corrupted = torch.where(masked, mask_id, torch.where(randomised, random_tok, tokens))
    return corrupted, labels
