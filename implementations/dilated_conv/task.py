"""A dense prediction task that needs wide context: label every pixel with the class of its nearest marker.

Each image holds a few 2x2 markers, each of one of K classes (one input
channel per class), on a background of weak noise; every pixel's label is the
class of the nearest marker (a Voronoi partition). Markers are often 10-25
pixels from the pixels they label, beyond a small receptive field.
"""

from __future__ import annotations

import torch


def marker_images(batch: int, size: int, classes: int, generator: torch.Generator,
                  min_markers: int = 2, max_markers: int = 4, noise: float = 0.1):
    """-> images (B, classes, size, size) float, labels (B, size, size) long."""
    images = noise * torch.randn(batch, classes, size, size, generator=generator)
    labels = torch.empty(batch, size, size, dtype=torch.long)
    rows = torch.arange(size).view(size, 1).float()
    cols = torch.arange(size).view(1, size).float()
    for b in range(batch):
        count = int(torch.randint(min_markers, max_markers + 1, (1,), generator=generator))
        corners = torch.randint(0, size - 1, (count, 2), generator=generator)
        kinds = torch.randint(0, classes, (count,), generator=generator)
        distances = []
        for (r, c), k in zip(corners.tolist(), kinds.tolist()):
            images[b, k, r:r + 2, c:c + 2] += 1.0
            distances.append((rows - (r + 0.5)) ** 2 + (cols - (c + 0.5)) ** 2)
        nearest = torch.stack(distances).argmin(0)                  # (size, size) index of nearest marker
        labels[b] = kinds[nearest]
    return images, labels
