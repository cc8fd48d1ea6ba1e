"""Sort-of-CLEVR from state descriptions: scenes of coloured objects and encoded questions.

Each scene has ``n`` objects (6 in the paper), one of each colour, with a
random position in the unit square and a random shape (square or circle).
An object's state is [colour one-hot (n), x, y (centred to [-1, 1]), shape
one-hot (2), asked-about bit]. The objects are listed in a fixed colour order
(slot k holds colour k), the easiest layout for the MLP baseline; the RN does
not depend on the order at all.

A question is about one object. The paper's Sort-of-CLEVR names it by colour
in the question vector; here the state description marks it with the
asked-about bit instead (scale-down: matching a colour one-hot in the
question against the objects' colours is a conjunction that both models
otherwise spend thousands of steps discovering, equally for relational and
non-relational questions). The question vector is [relational or not (2),
subtype (3)] (Sec. 4.1).

Non-relational: 0 its shape; 1 is it on the left or the right; 2 is it at the
top or the bottom.
Relational: 0 the shape of the object closest to it; 1 how many objects lie
to its left (0..n-1); 2 how many objects have the same shape as it (1..n).
Answers share one vocabulary: square, circle, left, right, top, bottom, and
the counts 0..n.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn.functional import one_hot

# answer vocabulary (y grows downwards, as in an image: "top" is y < 0.5)
SQUARE, CIRCLE, LEFT, RIGHT, TOP, BOTTOM, COUNT_0 = 0, 1, 2, 3, 4, 5, 6
QUESTION_DIM = 2 + 3
QUESTION_NAMES = {
    (False, 0): "shape of it", (False, 1): "left or right", (False, 2): "top or bottom",
    (True, 0): "shape of closest", (True, 1): "# objects left of it", (True, 2): "# same shape",
}


def object_dim(n: int) -> int:
    return n + 2 + 2 + 1


def num_answers(n: int) -> int:
    return COUNT_0 + n + 1


@dataclass
class Batch:
    objects: torch.Tensor     # (B, n, object_dim)
    questions: torch.Tensor   # (B, QUESTION_DIM)
    answers: torch.Tensor     # (B,) class index
    relational: torch.Tensor  # (B,) bool
    subtype: torch.Tensor     # (B,) 0..2

    def to(self, device: torch.device) -> "Batch":
        return Batch(*(t.to(device) for t in (self.objects, self.questions, self.answers, self.relational, self.subtype)))


def make_batch(size: int, generator: torch.Generator, n: int = 6, relational: bool | None = None) -> Batch:
    """``size`` (scene, question, answer) triples on the CPU; ``relational=None`` mixes both kinds half and half."""
    B, rows = size, torch.arange(size)
    pos = torch.rand(B, n, 2, generator=generator)
    shape = torch.randint(0, 2, (B, n), generator=generator)
    asked = torch.randint(0, n, (B,), generator=generator)  # slot (= colour) of the object asked about
    is_rel = torch.rand(B, generator=generator) < 0.5 if relational is None else torch.full((B,), relational)
    subtype = torch.randint(0, 3, (B,), generator=generator)

    objects = torch.cat([
        one_hot(torch.arange(n), n).float().expand(B, n, n),
        2 * pos - 1,
        one_hot(shape, 2).float(),
        one_hot(asked, n).float()[:, :, None],
    ], dim=-1)

    a_pos, a_shape = pos[rows, asked], shape[rows, asked]
    dist = (pos - a_pos[:, None]).norm(dim=-1)  # (B, n): distance from the asked object to each object
    closest = dist.masked_fill(one_hot(asked, n).bool(), float("inf")).argmin(dim=1)
    left_of = (pos[:, :, 0] < a_pos[:, None, 0]).sum(dim=1)   # 0..n-1
    same_shape = (shape == a_shape[:, None]).sum(dim=1)       # 1..n, itself included

    nonrel = torch.stack([a_shape, LEFT + (a_pos[:, 0] >= 0.5).long(), TOP + (a_pos[:, 1] >= 0.5).long()], dim=1)
    rel = torch.stack([shape[rows, closest], COUNT_0 + left_of, COUNT_0 + same_shape], dim=1)
    answers = torch.where(is_rel, rel[rows, subtype], nonrel[rows, subtype])
    questions = torch.cat([one_hot(is_rel.long(), 2).float(), one_hot(subtype, 3).float()], dim=-1)
    return Batch(objects, questions, answers, is_rel, subtype)
