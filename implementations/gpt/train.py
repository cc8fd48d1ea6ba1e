"""The two stages of Sec. 3: unsupervised pretraining on L1, then supervised fine-tuning on L3.

Pretraining follows Sec. 4.1 in shape (Adam, a linear warm-up then a cosine anneal to 0);
fine-tuning uses a linearly decaying rate, as the paper does, and keeps the checkpoint with the
best validation accuracy (checked every ``check_every`` steps): the only choice made on held-out
data, and made on the validation split, never on the test split.
"""

from __future__ import annotations

import copy
from typing import Callable

import torch

from implementations._common.schedules import cosine_after_hold
from implementations.adam.optim import Adam

from .model import GPT, lm_nll


def warmup_cosine(step: int, total: int, warmup: int) -> float:
    """min(1, step / warmup) times a cosine from 1 at ``warmup`` to 0 at ``total`` (Sec. 4.1)."""
    return min(1.0, step / warmup) * cosine_after_hold(step, total, warmup)


def pretrain(model: GPT, corpus: torch.Tensor, steps: int, batch: int, lr: float, warmup: int,
             g: torch.Generator, on_step: Callable[[int, float], None]) -> GPT:
    """Maximise L1 (eq. 1) on random batches of unlabelled sentences."""
    opt = Adam(model.lm_parameters(), lr=lr)
    device = model.token_emb.weight.device
    model.train()
    for step in range(1, steps + 1):
        opt.lr = lr * warmup_cosine(step, steps, warmup)
        tokens = corpus[torch.randint(0, len(corpus), (batch,), generator=g)].to(device)
        loss = lm_nll(model(tokens), tokens)
        loss.backward()
        opt.step()
        on_step(step, loss.item())
    return model


@torch.no_grad()
def accuracy(model: GPT, words: torch.Tensor, labels: torch.Tensor) -> float:
    was_training = model.training
    model.eval()
    device = model.token_emb.weight.device
    acc = (model.classify(words.to(device)).argmax(1).cpu() == labels).double().mean().item()
    model.train(was_training)
    return acc


def finetune(model: GPT, train: tuple[torch.Tensor, torch.Tensor], valid: tuple[torch.Tensor, torch.Tensor],
             steps: int, batch: int, lr: float, lam: float, check_every: int, g: torch.Generator,
             on_step: Callable[[int, float, float], None]) -> tuple[GPT, float, int]:
    """Minimise -L3 = -L2 - lam L1 (eq. 5); returns (best-on-validation model, its accuracy, its step)."""
    opt = Adam(model.parameters(), lr=lr)
    device = model.token_emb.weight.device
    words, labels = train
    best = (-1.0, 0, None)
    model.train()
    for step in range(1, steps + 1):
        opt.lr = lr * (1 - (step - 1) / steps)
        idx = torch.randint(0, len(words), (batch,), generator=g)
        total, task, _ = model.finetune_loss(words[idx].to(device), labels[idx].to(device), lam)
        total.backward()
        opt.step()
        if step % check_every == 0 or step == steps:
            acc = accuracy(model, *valid)
            if acc > best[0]:
                best = (acc, step, copy.deepcopy(model.state_dict()))
            on_step(step, task.item(), acc)
        else:
            on_step(step, task.item(), None)
    model.load_state_dict(best[2])
    return model, best[0], best[1]
