"""A two-layer ReLU net in the NTK parameterisation (Jacot et al. 2018, Sec. 2):

    f(x) = (1/√m) Σ_j a_j ReLU(w_jᵀ x),   w_j ~ N(0, I),  a_j ~ N(0, 1)

The 1/√m sits in the forward pass, not in the initialisation, so a learning rate of order 1
trains every width and the per-parameter movement shrinks as m grows: the lazy regime.

The m units come in pairs (w, a) and (w, −a), so f ≡ 0 at initialisation at every width. The
NTK is unchanged by this, and kernel regression then predicts the trained net with no f₀ term.
"""

from __future__ import annotations

import torch


class TwoLayerReLU(torch.nn.Module):
    def __init__(self, d: int, width: int, generator: torch.Generator, dtype=torch.float64) -> None:
        super().__init__()
        assert width % 2 == 0, "units come in mirrored pairs"
        w = torch.randn(width // 2, d, generator=generator, dtype=dtype)
        a = torch.randn(width // 2, generator=generator, dtype=dtype)
        self.w = torch.nn.Parameter(torch.cat([w, w]))
        self.a = torch.nn.Parameter(torch.cat([a, -a]))

    @property
    def width(self) -> int:
        return self.a.numel()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x @ self.w.T) @ self.a / self.width**0.5


def empirical_ntk(net: TwoLayerReLU, x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    """Θ(x, x') = ∇_θ f(x) · ∇_θ f(x'), written out from the two gradients:

        ∂f/∂a_j = ReLU(w_jᵀx)/√m,   ∂f/∂w_j = a_j 1[w_jᵀx > 0] x/√m
        Θ = (1/m) Σ_j [ReLU(w_jᵀx) ReLU(w_jᵀx') + a_j² 1[w_jᵀx > 0] 1[w_jᵀx' > 0] xᵀx']
    """
    with torch.no_grad():
        p1, p2 = x1 @ net.w.T, x2 @ net.w.T
        from_a = torch.relu(p1) @ torch.relu(p2).T
        from_w = ((p1 > 0).to(x1.dtype) * net.a**2) @ (p2 > 0).to(x1.dtype).T * (x1 @ x2.T)
        return (from_a + from_w) / net.width
