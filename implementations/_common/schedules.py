"""Learning-rate multipliers for ``torch.optim.lr_scheduler.LambdaLR``."""

from __future__ import annotations

import math


def cosine_after_hold(step: int, total: int, hold: int) -> float:
    """1 for the first ``hold`` steps, then a half cosine from 1 down to 0 at step ``total``.

    A held full rate finds a good basin fast; the anneal then keeps it from drifting out.
    """
    if step < hold:
        return 1.0
    return 0.5 * (1 + math.cos(math.pi * (step - hold) / max(total - hold, 1)))
