"""A small word-level corpus from the Python standard library's own source.

Zaremba et al. regularise a word-level Penn Treebank model; with no downloads
we tokenise stdlib modules into words (identifiers, numbers, single
punctuation marks, and a ``<nl>`` token per line break). The corpus is kept
small on purpose: the point is a model big enough to overfit it.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import torch

MODULES = ("argparse.py", "textwrap.py", "shlex.py", "calendar.py", "heapq.py", "random.py", "difflib.py")
TOKEN = re.compile(r"\w+|[^\w\s]|\n")
UNK, NEWLINE = "<unk>", "<nl>"


def stdlib_tokens() -> list[str]:
    root = Path(os.path.dirname(os.__file__))
    text = "\n".join((root / m).read_text(encoding="utf-8") for m in MODULES if (root / m).is_file())
    return [NEWLINE if t == "\n" else t for t in TOKEN.findall(text)]


def build_vocab(tokens: list[str], size: int) -> list[str]:
    """The `size - 1` most frequent tokens (ties broken alphabetically) plus <unk>."""
    counts = Counter(tokens)
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    return [UNK] + ranked[: size - 1]


def encode(tokens: list[str], vocab: list[str]) -> torch.Tensor:
    index = {t: i for i, t in enumerate(vocab)}
    return torch.tensor([index.get(t, 0) for t in tokens], dtype=torch.long)


def corpus(n_tokens: int, vocab_size: int, block: int = 500, every: int = 5):
    """The first `n_tokens` tokens, cut into blocks of `block`; every `every`-th block is held out for validation.

    Interleaved blocks keep validation text from the same modules as training
    text, so the gap between the two measures overfitting, not a change of
    topic. The vocabulary comes from the training blocks only.
    Returns (train ids, valid ids, vocabulary).
    """
    tokens = stdlib_tokens()[:n_tokens]
    blocks = [tokens[i: i + block] for i in range(0, len(tokens), block)]
    train = [t for k, b in enumerate(blocks) if k % every != every - 1 for t in b]
    valid = [t for k, b in enumerate(blocks) if k % every == every - 1 for t in b]
    vocab = build_vocab(train, vocab_size)
    return encode(train, vocab), encode(valid, vocab), vocab


def batchify(ids: torch.Tensor, batch: int) -> torch.Tensor:
    """(len,) -> (len // batch, batch): `batch` contiguous streams side by side, read top to bottom (as in the paper's code)."""
    n = len(ids) // batch
    return ids[: n * batch].view(batch, n).T.contiguous()
