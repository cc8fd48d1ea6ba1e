"""Generated cell-like scenes: touching and overlapping ellipses and rectangles on textured noise.

Like the EM and light-microscopy images of the paper, objects often touch, and
the label separates touching objects by a line of background (the paper's
Fig. 3): a pixel of an object that is 8-adjacent to a later-drawn object
becomes background. The line is dark in the image too, as a cell membrane
is, but thin, and partly buried in correlated noise and a slow illumination
field, so a global threshold cannot find it. Each scene fills the network's
whole input tile; the demo crops its label to the centre tile the unpadded
network predicts (the overlap-tile idea, Fig. 2).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def _instances(size: int, count: int, g: torch.Generator) -> torch.Tensor:
    """(size, size) long: 0 background, k the k-th object drawn (later ones occlude earlier ones)."""
    ys, xs = torch.meshgrid(torch.arange(size, dtype=torch.float32), torch.arange(size, dtype=torch.float32),
                            indexing="ij")
    label = torch.zeros(size, size, dtype=torch.long)
    centre = size / 2
    for k in range(1, count + 1):
        if k == 1 or torch.rand(1, generator=g).item() < 0.3:   # anywhere in the middle of the tile
            cy, cx = (centre + (torch.rand(2, generator=g) - 0.5) * 0.6 * size).tolist()
        else:                                                   # next to an earlier object: touching
            ys_k, xs_k = torch.nonzero(label > 0, as_tuple=True)
            pick = torch.randint(len(ys_k), (1,), generator=g).item()
            angle = 2 * math.pi * torch.rand(1, generator=g).item()
            reach = 4 + 4 * torch.rand(1, generator=g).item()
            cy, cx = ys_k[pick].item() + reach * math.sin(angle), xs_k[pick].item() + reach * math.cos(angle)
        a, b = (3.5 + 5.5 * torch.rand(2, generator=g)).tolist()
        theta = math.pi * torch.rand(1, generator=g).item()
        u = (xs - cx) * math.cos(theta) + (ys - cy) * math.sin(theta)
        v = -(xs - cx) * math.sin(theta) + (ys - cy) * math.cos(theta)
        if torch.rand(1, generator=g).item() < 0.5:
            inside = (u / a) ** 2 + (v / b) ** 2 <= 1
        else:
            inside = (u.abs() <= a) & (v.abs() <= b)
        label[inside] = k
    return label


def separate_touching(instances: torch.Tensor) -> torch.Tensor:
    """Background wherever an object's pixel is 8-adjacent to a later-drawn (higher-numbered) object.

    Afterwards no two objects are 8-adjacent: touching objects are split by at least one background pixel.
    """
    padded = F.pad(instances[None, None].float(), (1, 1, 1, 1))[0, 0]
    size_y, size_x = instances.shape
    later = torch.zeros_like(instances, dtype=torch.bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            other = padded[1 + dy:1 + dy + size_y, 1 + dx:1 + dx + size_x].long()
            later |= other > instances
    out = instances.clone()
    out[(instances > 0) & later] = 0
    return out


def scenes(count: int, size: int, seed: int, noise: float = 0.25,
           objects: tuple[int, int] = (5, 9)) -> tuple[torch.Tensor, torch.Tensor]:
    """-> images (N, 1, size, size), instances (N, size, size) long (0 background, k the k-th object)."""
    g = torch.Generator().manual_seed(seed)
    full_instances = torch.empty(count, size, size, dtype=torch.long)
    brightness = torch.zeros(count, objects[1] + 1)
    for n in range(count):
        k = int(torch.randint(objects[0], objects[1] + 1, (1,), generator=g))
        full_instances[n] = separate_touching(_instances(size, k, g))
        brightness[n, 1:] = 0.7 + 0.6 * torch.rand(objects[1], generator=g)
    texture = F.avg_pool2d(torch.randn(count, 1, size + 2, size + 2, generator=g), 3, stride=1)
    light = F.interpolate(torch.randn(count, 1, 4, 4, generator=g), size=(size, size), mode="bicubic",
                          align_corners=False)
    images = (torch.gather(brightness, 1, full_instances.view(count, -1)).view(count, 1, size, size)
              + 0.8 * light + noise * 2 * texture + noise * torch.randn(count, 1, size, size, generator=g))
    return images, full_instances
