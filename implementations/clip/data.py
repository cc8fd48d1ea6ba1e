"""Generated image-caption pairs: a coloured shape in one quadrant of a noisy 16x16 canvas.

Each image has three attributes, shape x colour x position (4 x 4 x 4 = 64 classes). Its caption names
them in one of several templates with different word orders, so a text encoder must read the words,
not their slots. A quarter of the (shape, colour, position) triples are held out of pretraining
(``held_out``): no such image is seen and no such caption is read. Every pair of attribute values is
still seen, with other values of the third, so a held-out triple is a new combination of known parts.

Shapes are drawn from signed distances through a sigmoid, so edges are soft; the centre, size,
colour and background are jittered and every pixel gets Gaussian noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

SHAPES = ("square", "ring", "triangle", "cross")
COLOURS = ("red", "green", "blue", "yellow")
POSITIONS = (("top", "left"), ("top", "right"), ("bottom", "left"), ("bottom", "right"))
N_CLASSES = len(SHAPES) * len(COLOURS) * len(POSITIONS)
SIZE = 16
RGB = torch.tensor([[0.95, 0.15, 0.1], [0.15, 0.85, 0.2], [0.2, 0.3, 1.0], [0.95, 0.9, 0.15]])

# {c}: colour, {s}: shape, {v} {h}: vertical and horizontal position words.
TEMPLATES = (
    "a {c} {s} in the {v} {h}",
    "a photo of a {c} {s} at the {v} {h}",
    "the {s} in the {v} {h} corner is {c}",
    "{v} {h} : a {s} that is {c}",
    "a {s} , {c} , {v} {h}",
    "in the {v} {h} there is a {c} {s}",
)
SPECIALS = ("<pad>", "<sot>", "<eot>")
PAD, SOT, EOT = 0, 1, 2


def _vocabulary() -> dict[str, int]:
    words = {w for t in TEMPLATES for w in t.split() if not w.startswith("{")}
    words |= set(SHAPES) | set(COLOURS) | {w for p in POSITIONS for w in p}
    return {w: i for i, w in enumerate([*SPECIALS, *sorted(words)])}


VOCAB = _vocabulary()
CONTEXT = 2 + max(len(t.split()) for t in TEMPLATES)  # <sot> words <eot>


def attributes(label: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Class index -> (shape, colour, position); label = (shape * 4 + colour) * 4 + position."""
    return label // 16, (label // 4) % 4, label % 4


def label_of(shape: int, colour: int, position: int) -> int:
    return (shape * len(COLOURS) + colour) * len(POSITIONS) + position


def held_out(label: torch.Tensor) -> torch.Tensor:
    """True for the 16 triples never seen in pretraining: (shape + colour + position) % 4 == 0.

    Fixing any two attributes leaves exactly one held-out value of the third, so every pair of
    values (a red square, a square at the top left, ...) is seen in three of its four triples.
    """
    s, c, p = attributes(label)
    return (s + c + p) % 4 == 0


def seen_classes() -> torch.Tensor:
    labels = torch.arange(N_CLASSES)
    return labels[~held_out(labels)]


def unseen_classes() -> torch.Tensor:
    labels = torch.arange(N_CLASSES)
    return labels[held_out(labels)]


def caption(label: int, template: int) -> str:
    s, c, p = (int(a) for a in attributes(torch.tensor(label)))
    v, h = POSITIONS[p]
    return TEMPLATES[template].format(c=COLOURS[c], s=SHAPES[s], v=v, h=h)


def tokenize(text: str) -> torch.Tensor:
    """<sot> words <eot>, padded with <pad> to CONTEXT tokens."""
    ids = [SOT, *(VOCAB[w] for w in text.split()), EOT]
    return torch.tensor(ids + [PAD] * (CONTEXT - len(ids)))


def caption_table() -> torch.Tensor:
    """(N_CLASSES, len(TEMPLATES), CONTEXT): every class's caption in every template, tokenised.

    Pretraining draws one template per image; zero-shot prompts use them all (prompt ensembling).
    """
    return torch.stack([torch.stack([tokenize(caption(k, t)) for t in range(len(TEMPLATES))])
                        for k in range(N_CLASSES)])


def _signed_distance(shape: torch.Tensor, dx: torch.Tensor, dy: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
    """Signed distance (pixels, negative inside) to each image's shape; dy grows downward."""
    ax, ay = dx.abs(), dy.abs()
    square = torch.maximum(ax, ay) - 0.85 * r
    ring = ((dx ** 2 + dy ** 2).sqrt() - 0.7 * r).abs() - 0.3 * r
    # apex up: inside when below the apex's two edges (slope 2) and above the base at +0.8 r
    triangle = torch.maximum(dy - 0.8 * r, (2 * ax - dy - r) / 5 ** 0.5)
    arm = 0.35 * r
    cross = torch.minimum(torch.maximum(ax - arm, ay - r), torch.maximum(ay - arm, ax - r))
    table = torch.stack([square, ring, triangle, cross])  # (4, n, H, W)
    return table.gather(0, shape.view(1, -1, 1, 1).expand(1, *dx.shape)).squeeze(0)


def render(labels: torch.Tensor, g: torch.Generator, noise: float = 0.07) -> torch.Tensor:
    """(n, 3, SIZE, SIZE) images of the given classes."""
    n = len(labels)
    shape, colour, position = attributes(labels)
    row, col = position // 2, position % 2
    centre_y = (row.to(torch.get_default_dtype()) + 0.5) * SIZE / 2 + torch.empty(n).uniform_(-1.2, 1.2, generator=g)
    centre_x = (col.to(torch.get_default_dtype()) + 0.5) * SIZE / 2 + torch.empty(n).uniform_(-1.2, 1.2, generator=g)
    radius = torch.empty(n).uniform_(2.6, 3.4, generator=g)
    grid = torch.arange(SIZE, dtype=torch.get_default_dtype()) + 0.5
    dy = grid.view(1, SIZE, 1) - centre_y.view(n, 1, 1)
    dx = grid.view(1, 1, SIZE) - centre_x.view(n, 1, 1)
    inside = torch.sigmoid(-_signed_distance(shape, dx.expand(n, SIZE, SIZE), dy.expand(n, SIZE, SIZE),
                                             radius.view(n, 1, 1)) / 0.35)
    rgb = (RGB[colour] + 0.08 * torch.randn(n, 3, generator=g)).clamp(0, 1)
    background = 0.15 + 0.1 * torch.rand(n, 1, generator=g)
    image = background.view(n, -1, 1, 1) * (1 - inside[:, None]) + rgb.view(n, 3, 1, 1) * inside[:, None]
    return image + noise * torch.randn(n, 3, SIZE, SIZE, generator=g)


@dataclass(frozen=True)
class Split:
    images: torch.Tensor
    labels: torch.Tensor


def sample(classes: torch.Tensor, per_class: int, g: torch.Generator) -> Split:
    labels = classes.repeat_interleave(per_class)
    labels = labels[torch.randperm(len(labels), generator=g)]
    return Split(render(labels, g), labels)
