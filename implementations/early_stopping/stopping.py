"""Early stopping (Goodfellow et al. 2016, Algorithm 7.1): keep the parameters of the best
validation score seen so far, and stop once ``patience`` evaluations in a row have not beaten it.

Training itself is not changed: early stopping is a rule for *which* parameters to return and
*when* to stop spending steps.
"""

from __future__ import annotations

import copy

from torch import nn


class EarlyStopping:
    def __init__(self, patience: int) -> None:
        if patience < 1:
            raise ValueError(f"patience must be at least 1, not {patience}")
        self.patience = patience
        self.best_score: float | None = None
        self.best_step: int | None = None
        self.best_state: dict | None = None
        self.stopped_at: int | None = None      # the step at which the rule said stop
        self._since_best = 0

    def update(self, step: int, score: float, model: nn.Module) -> bool:
        """Records one evaluation (higher ``score`` is better); True once the rule says stop."""
        if self.stopped_at is not None:
            return True
        if self.best_score is None or score > self.best_score:
            self.best_score, self.best_step, self._since_best = score, step, 0
            self.best_state = copy.deepcopy(model.state_dict())
        else:
            self._since_best += 1
            if self._since_best >= self.patience:
                self.stopped_at = step
        return self.stopped_at is not None

    def restore(self, model: nn.Module) -> nn.Module:
        """Loads the best parameters into ``model``."""
        if self.best_state is None:
            raise RuntimeError("no evaluation was recorded")
        model.load_state_dict(self.best_state)
        return model
