"""Pre-training and fine-tuning loops (Devlin et al. 2018, Sec. 3.1-3.2 and Appendix A.2).

Both use Adam with BERT's rate schedule: linear warm-up over the first 10% of steps, then linear
decay to 0. The optimiser is ``implementations.adam.optim.Adam`` (tested there): building a
``torch.optim`` optimiser imports ``torch._dynamo``, a CPU-second or more of a short run.
Pre-training draws a fresh batch of unlabelled sentences every step (the corpus is unlimited);
fine-tuning cycles over the small labelled set in shuffled mini-batches.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from implementations.adam.optim import Adam

from . import data
from .masking import mask_tokens
from .model import Bert


def warmup_linear(step: int, total: int, warmup_share: float = 0.1) -> float:
    """Rate multiplier at ``step`` (0-based): rises linearly to 1 over the warm-up, then falls linearly to 0."""
    warmup = max(1, round(warmup_share * total))
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


def pretrain(model: Bert, steps: int, batch: int, lr: float, gen: torch.Generator,
             on_step: Callable[[int, float], None] | None = None) -> None:
    """Masked-LM pre-training on freshly generated sentences."""
    device = next(model.parameters()).device
    opt = Adam(model.parameters_for("pretrain"), lr=lr)
    model.train()
    for step in range(steps):
        tokens = data.generate(batch, gen).tokens.to(device)
        corrupted, labels = mask_tokens(tokens, len(data.SPECIALS), data.VOCAB_SIZE, data.MASK, gen)
        loss = model.mlm_loss(corrupted, labels)
        loss.backward()
        opt.lr = lr * warmup_linear(step, steps)
        opt.step()
        if on_step is not None:
            on_step(step + 1, loss.item())


def finetune(model: Bert, train: data.Labelled, steps: int, batch: int, lr: float, gen: torch.Generator,
             on_step: Callable[[int, float], None] | None = None) -> None:
    """Every parameter trained on the labelled set with cross-entropy on the [CLS] classifier (Sec. 4.1)."""
    device = next(model.parameters()).device
    tokens, labels = train.tokens.to(device), train.labels.to(device)
    opt = Adam(model.parameters_for("finetune"), lr=lr)
    model.train()
    order, cursor = torch.randperm(len(labels), generator=gen), 0
    for step in range(steps):
        if cursor + batch > len(order):
            order, cursor = torch.randperm(len(labels), generator=gen), 0
        idx = order[cursor:cursor + batch].to(device)
        cursor += batch
        loss = F.cross_entropy(model(tokens[idx]), labels[idx])
        loss.backward()
        opt.lr = lr * warmup_linear(step, steps)
        opt.step()
        if on_step is not None:
            on_step(step + 1, loss.item())


@torch.no_grad()
def accuracy(model: Bert, labelled: data.Labelled, batch: int = 1000) -> float:
    device = next(model.parameters()).device
    model.eval()
    hits = 0
    for start in range(0, len(labelled.labels), batch):
        tokens = labelled.tokens[start:start + batch].to(device)
        hits += (model(tokens).argmax(1).cpu() == labelled.labels[start:start + batch]).sum().item()
    return hits / len(labelled.labels)


@torch.no_grad()
def masked_verb_accuracy(model: Bert, sentences: data.Sentences) -> float:
    """How often the MLM head, with only the verb masked, ranks a verb of the subject's number above
    every verb of the other number: what pre-training learned about agreement."""
    device = next(model.parameters()).device
    model.eval()
    tokens = sentences.tokens.clone()
    rows = torch.arange(len(tokens))
    tokens[rows, sentences.verb_pos] = data.MASK
    hidden = model.encode(tokens.to(device))[rows.to(device), sentences.verb_pos.to(device)]
    logits = model.mlm_logits(hidden).cpu()
    sg, pl = (slice(*data.CLASSES[c]) for c in ("verb_sg", "verb_pl"))
    best_pl_over_sg = logits[:, pl].max(1).values > logits[:, sg].max(1).values
    return (best_pl_over_sg == sentences.subject_plural).float().mean().item()
