"""The corpus: the Python standard library's own source, as characters.

Karpathy trained on Shakespeare, Wikipedia and the Linux source; we have no
downloads, so we read a fixed list of pure-Python stdlib modules (present in
every CPython 3.x; any that a future version drops are skipped). The
vocabulary is fixed too: tab, newline, the 95 printable ASCII characters and
one catch-all for anything else, so it does not depend on the text.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

import torch

MODULES = (
    "argparse.py", "textwrap.py", "string.py", "shlex.py", "fnmatch.py", "glob.py",
    "heapq.py", "random.py", "calendar.py", "difflib.py", "functools.py", "contextlib.py",
    "bisect.py", "queue.py", "sched.py", "copy.py",
)
OTHER = "\x00"  # stands for any character outside the fixed vocabulary
VOCAB = "\t\n" + "".join(chr(c) for c in range(32, 127)) + OTHER
STOI = {ch: i for i, ch in enumerate(VOCAB)}


def stdlib_text(max_chars: int | None = None) -> str:
    """The listed modules concatenated in order, optionally cut to max_chars."""
    root = Path(os.path.dirname(os.__file__))
    parts = [(root / name).read_text(encoding="utf-8") for name in MODULES if (root / name).is_file()]
    text = "\n".join(parts)
    return text[:max_chars] if max_chars is not None else text


ENVIRONMENTS = ("proof", "lemma", "theorem", "itemize", "enumerate", "figure", "table", "align",
                "equation", "abstract", "center", "quote", "verbatim", "tabular", "remark", "example")
BODY_CHARS = "abcdefgh "
BODY_LENGTH = (8, 24)
CORPUS_SEED = 2015  # the generated corpus is the same for every run seed


def environments_text(n_chars: int = 400_000, seed: int = CORPUS_SEED) -> str:
    r"""Lines ``\begin{NAME}BODY\end{NAME}``: NAME one of 16 LaTeX environments, BODY 8-24 random characters.

    Karpathy's LaTeX samples close the environment they opened; this corpus makes
    that the one thing to learn beyond the noise. Which NAME closes a line is
    fixed by the NAME that opened it 18-40 characters earlier, further back than
    any n-gram context that its counts can support; the BODY is uniform noise.
    Memory of the opening is worth 4 bits a line, and counting the BODY's length
    (to know when ``\end`` may come) about one more; nothing else is learnable
    beyond what a 4-gram sees.
    """
    import random

    rng = random.Random(seed)
    lines, size = [], 0
    while size < n_chars:
        name = rng.choice(ENVIRONMENTS)
        body = "".join(rng.choice(BODY_CHARS) for _ in range(rng.randint(*BODY_LENGTH)))
        line = "\\begin{" + name + "}" + body + "\\end{" + name + "}\n"
        lines.append(line)
        size += len(line)
    return "".join(lines)[:n_chars]


def encode(text: str) -> torch.Tensor:
    other = STOI[OTHER]
    return torch.tensor([STOI.get(ch, other) for ch in text], dtype=torch.long)


def decode(ids: torch.Tensor) -> str:
    return "".join(VOCAB[i] for i in ids.tolist())


def split(ids: torch.Tensor, held_out_fraction: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """First part for training, the contiguous tail held out (never seen in training)."""
    cut = int(len(ids) * (1 - held_out_fraction))
    return ids[:cut], ids[cut:]


def unigram_entropy_bits(ids: torch.Tensor) -> float:
    """H = -sum_c p(c) log2 p(c): the bpc of the best model that ignores context."""
    counts = Counter(ids.tolist())
    n = len(ids)
    return -sum(k / n * math.log2(k / n) for k in counts.values())


def random_windows(ids: torch.Tensor, batch: int, length: int, generator: torch.Generator):
    """A batch of (input, next-character target) windows at random offsets: (length, batch) each."""
    starts = torch.randint(0, len(ids) - length - 1, (batch,), generator=generator)
    rows = torch.stack([ids[s: s + length + 1] for s in starts.tolist()], dim=1)
    return rows[:-1], rows[1:]
