"""The adjoint sensitivity method (Chen et al. 2018, Sec. 2 and Algorithm 1).

Forward: solve dz/dt = f(z, t, θ) without recording a graph; keep only the states at the
observation times. Backward: from each observation time to the one before, solve the augmented
system backwards in time,

    dz/dt = f(z, t, θ),    da/dt = −aᵀ ∂f/∂z,    da_θ/dt = −aᵀ ∂f/∂θ,

starting from a(t_N) = ∂L/∂z(t_N), adding ∂L/∂z(t_i) to a at each observation time on the way,
and restarting z from the stored state there. At t_0, a is ∂L/∂z(t_0) and a_θ is ∂L/∂θ.

The memory held between forward and backward is the observed states and θ, whatever the number
of solver steps; direct backprop through ``solvers.odeint_rk4`` keeps every stage of every step.
"""

from __future__ import annotations

import torch
from torch import nn

from .solvers import odeint_rk4


class _Adjoint(torch.autograd.Function):
    @staticmethod
    def forward(ctx, y0, t, func, steps, max_step, *params):
        with torch.no_grad():
            ys = odeint_rk4(func, y0, t, steps, max_step)
        ctx.func, ctx.steps, ctx.max_step = func, steps, max_step
        ctx.save_for_backward(t, ys, *params)
        return ys

    @staticmethod
    def backward(ctx, grad_ys):
        t, ys, *params = ctx.saved_tensors
        func, steps, max_step = ctx.func, ctx.steps, ctx.max_step
        n_z = ys[0].numel()
        shapes = [p.shape for p in params]

        def augmented(tt, state):
            z = state[:n_z].view_as(ys[0]).detach().requires_grad_(True)
            a = state[n_z:2 * n_z].view_as(ys[0])
            with torch.enable_grad():
                fz = func(tt, z)
                vjp = torch.autograd.grad(fz, (z, *params), a, allow_unused=True)
            vjp = [torch.zeros(s, dtype=z.dtype, device=z.device) if g is None else g for g, s in zip(vjp, [z.shape, *shapes])]
            return torch.cat([fz.detach().flatten(), *(-g.flatten() for g in vjp)])

        a = grad_ys[-1].flatten()
        a_params = torch.cat([torch.zeros(p.numel(), dtype=ys.dtype, device=ys.device) for p in params]) \
            if params else ys.new_zeros(0)
        for i in range(len(t) - 1, 0, -1):
            state = torch.cat([ys[i].flatten(), a, a_params])
            state = odeint_rk4(augmented, state, torch.stack([t[i], t[i - 1]]), steps, max_step)[-1]
            a = state[n_z:2 * n_z] + grad_ys[i - 1].flatten()
            a_params = state[2 * n_z:]
        grads, offset = [], 0
        for p in params:
            grads.append(a_params[offset:offset + p.numel()].view_as(p))
            offset += p.numel()
        return (a.view_as(ys[0]), None, None, None, None, *grads)


def odeint_adjoint(func: nn.Module, y0: torch.Tensor, t: torch.Tensor, steps: int = 10,
                   max_step: float | None = None) -> torch.Tensor:
    """Like ``odeint_rk4(func, y0, t, steps, max_step)`` (each interval retraced backwards with the
    same steps), with gradients by the adjoint method: for θ in ``func.parameters()`` and for y0."""
    params = tuple(p for p in func.parameters() if p.requires_grad)
    return _Adjoint.apply(y0, t, func, steps, max_step, *params)
