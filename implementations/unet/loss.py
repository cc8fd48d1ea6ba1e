"""The pixel-wise weighted cross-entropy (eq. 1) and the border-emphasising weight map (eq. 2).

    E = - sum_x w(x) log p_l(x)(x)                                     (eq. 1, averaged over pixels here)
    w(x) = w_c(x) + w_0 exp(-(d_1(x) + d_2(x))^2 / (2 sigma^2))        (eq. 2)

w_c balances the class frequencies; d_1 and d_2 are the distances from a
background pixel to the nearest and the second-nearest object. The second
term is large only on the thin background lines between touching objects,
which a plain loss would all but ignore (they are few pixels). It is given to
background pixels only: the paper's term is about "the separating background
labels", and inside an object d_1 would be zero by any reading.
"""

from __future__ import annotations

import torch


def class_balance(masks: torch.Tensor, classes: int = 2) -> torch.Tensor:
    """w_c per class: N / (K N_k), so each class carries the same total weight and the mean weight is 1."""
    counts = torch.bincount(masks.reshape(-1), minlength=classes).to(torch.get_default_dtype())
    return masks.numel() / (classes * counts)


def object_boundaries(instances: torch.Tensor) -> list[torch.Tensor]:
    """Per object k = 1..max, the (n, 2) coordinates of its pixels with a 4-neighbour (on the tile) outside it.

    The nearest pixel of an object to any pixel outside it is one of these (a step from any other
    towards that pixel would stay inside the object and come closer), so distances need only them.
    """
    out = []
    for k in range(1, int(instances.max()) + 1):
        inside = instances == k
        pad = torch.nn.functional.pad(inside, (1, 1, 1, 1), value=True)   # off the tile counts as inside
        interior = pad[:-2, 1:-1] & pad[2:, 1:-1] & pad[1:-1, :-2] & pad[1:-1, 2:]
        out.append(torch.nonzero(inside & ~interior).to(torch.get_default_dtype()))
    return out


def weight_map(instances: torch.Tensor, w_class: torch.Tensor, w0: float = 10.0, sigma: float = 5.0) -> torch.Tensor:
    """w(x) of eq. 2 for one (H, W) instance map (0 background, 1..K objects)."""
    w = w_class[(instances > 0).long()]
    borders = [b for b in object_boundaries(instances) if len(b)]
    if len(borders) < 2:
        return w
    background = torch.nonzero(instances == 0).to(torch.get_default_dtype())
    distances = torch.stack([torch.cdist(background, b).amin(1) for b in borders], 1)   # (P, objects)
    d12 = distances.topk(2, dim=1, largest=False).values.sum(1)
    w = w.clone()
    w[instances == 0] += w0 * torch.exp(-d12 ** 2 / (2 * sigma ** 2))
    return w


def weighted_cross_entropy(scores: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Eq. 1 with the pixel-wise softmax: -mean_x w(x) log p_l(x)(x); scores (B, K, H, W), target and weight (B, H, W)."""
    log_p = torch.log_softmax(scores, dim=1)
    return -(weight * log_p.gather(1, target[:, None])[:, 0]).mean()
