"""Scores of a binary segmentation: IoU and boundary IoU.

Boundary IoU here is the IoU of foreground restricted to a band around the
true object boundaries: a boundary pixel is one whose label differs from one
of its 4-neighbours on the tile (both sides of an edge, and every pixel of a
one-pixel separating line), and the band of width k is every pixel within
Chebyshev distance k of one. Pixels far from any edge, which any model gets
right, are left out, so the score is about where the edges and the thin
background lines between touching objects are put. Scores pool the pixels of
all images (one intersection over one union), so empty tiles do not count twice.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def boundary(mask: torch.Tensor) -> torch.Tensor:
    """(B, H, W) {0,1} -> bool: the label differs from a 4-neighbour on the tile."""
    m = mask.bool()
    edge = torch.zeros_like(m)
    vertical = m[:, 1:, :] != m[:, :-1, :]
    horizontal = m[:, :, 1:] != m[:, :, :-1]
    edge[:, 1:, :] |= vertical
    edge[:, :-1, :] |= vertical
    edge[:, :, 1:] |= horizontal
    edge[:, :, :-1] |= horizontal
    return edge


def band(mask: torch.Tensor, k: int) -> torch.Tensor:
    """Pixels within Chebyshev distance k of a true boundary pixel."""
    edge = boundary(mask).to(torch.get_default_dtype())[:, None]
    return F.max_pool2d(edge, 2 * k + 1, stride=1, padding=k)[:, 0] > 0


def iou(pred: torch.Tensor, target: torch.Tensor, region: torch.Tensor | None = None) -> float:
    """|P and G| / |P or G| over all pixels of all images, or only those in ``region``."""
    p, g = pred.bool(), target.bool()
    if region is not None:
        p, g = p & region, g & region
    union = (p | g).sum().item()
    return (p & g).sum().item() / union if union else 1.0


def boundary_iou(pred: torch.Tensor, target: torch.Tensor, k: int) -> float:
    return iou(pred, target, band(target, k))
