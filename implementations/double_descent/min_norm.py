"""Minimum-norm least squares, the solution gradient descent from zero converges to.

    a* = argmin ||a||  subject to  a minimising ||Φ a − y||²,   a* = Φ⁺ y = V Σ⁻¹ Uᵀ y

Below the interpolation threshold (N < n features) this is ordinary least squares; above it,
among the infinitely many interpolating a it picks the one of least norm (Belkin et al. 2019,
Sec. 2). Written from the thin SVD so the cut-off for "zero" singular values is explicit.
"""

from __future__ import annotations

import torch


def min_norm_lstsq(phi: torch.Tensor, y: torch.Tensor, rcond: float | None = None) -> torch.Tensor:
    """Φ⁺ y for Φ of shape (n, N): singular values below rcond · σ_max count as zero."""
    u, s, vh = torch.linalg.svd(phi, full_matrices=False)
    if rcond is None:
        rcond = torch.finfo(phi.dtype).eps * max(phi.shape)
    keep = s > rcond * s.max()
    coef = (u[:, keep].T @ y) / s[keep]
    return vh[keep].T @ coef
