"""Word-vector evaluation shared by word2vec, glove and fasttext: 3CosAdd analogies, nearest neighbours.

3CosAdd (Mikolov et al. 2013c): the answer to a : b :: c : ? is the word d* maximising
cos(d, b - a + c) over unit vectors, excluding a, b and c themselves.
"""

from __future__ import annotations

import torch


def unit_rows(vectors: torch.Tensor) -> torch.Tensor:
    return vectors / vectors.norm(dim=1, keepdim=True).clamp_min(1e-12)


def analogy_answers(vectors: torch.Tensor, index: dict[str, int], questions) -> list[int]:
    """The 3CosAdd answer's row for each (a, b, c, d) question."""
    if not questions:
        return []
    unit = unit_rows(vectors.double())
    a, b, c = (torch.tensor([index[q[k]] for q in questions]) for k in range(3))
    scores = (unit[b] - unit[a] + unit[c]) @ unit.T
    rows = torch.arange(len(questions))
    for excluded in (a, b, c):
        scores[rows, excluded] = -float("inf")
    return scores.argmax(1).tolist()


def analogy_accuracy(vectors: torch.Tensor, index: dict[str, int], questions) -> float:
    answers = analogy_answers(vectors, index, questions)
    return sum(ans == index[q[3]] for ans, q in zip(answers, questions)) / max(len(questions), 1)


def nearest(vectors: torch.Tensor, words: list[str], query: torch.Tensor, k: int = 5,
            exclude: tuple[str, ...] = ()) -> list[tuple[str, float]]:
    """The k words whose vectors have the highest cosine with ``query``."""
    cos = unit_rows(vectors.double()) @ (query.double() / query.double().norm().clamp_min(1e-12))
    for w in exclude:
        cos[words.index(w)] = -float("inf")
    top = cos.topk(k)
    return [(words[i], v) for i, v in zip(top.indices.tolist(), top.values.tolist())]
