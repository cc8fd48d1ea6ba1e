"""ODE solvers written out: classical fixed-step RK4 and adaptive Dormand-Prince 5(4).

Both take ``f(t, y)`` and return the states at the requested times ``t`` (t[0] is the start),
built from differentiable tensor operations, so that backpropagating through the solver
("direct backprop", the baseline of Chen et al. 2018, Sec. 2) is ordinary autograd. Time may run
backwards (decreasing ``t``); the adjoint method integrates its augmented state that way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction as Q

import torch


def rk4_step(f, t: torch.Tensor, y: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    k1 = f(t, y)
    k2 = f(t + h / 2, y + h / 2 * k1)
    k3 = f(t + h / 2, y + h / 2 * k2)
    k4 = f(t + h, y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def interval_steps(t0, t1, steps: int, max_step: float | None) -> int:
    """Equal steps for one interval: ``steps``, or as few as keep each within ``max_step``."""
    return steps if max_step is None else max(1, math.ceil(abs(float(t1 - t0)) / max_step - 1e-9))


def odeint_rk4(f, y0: torch.Tensor, t: torch.Tensor, steps: int = 10, max_step: float | None = None) -> torch.Tensor:
    """States at each t[i], (len(t), *y0.shape), by equal RK4 steps on each interval: ``steps`` of
    them, or with ``max_step`` given, the fewest of length at most ``max_step``."""
    ys, y = [y0], y0
    for t0, t1 in zip(t[:-1], t[1:]):
        n = interval_steps(t0, t1, steps, max_step)
        h = (t1 - t0) / n
        for s in range(n):
            y = rk4_step(f, t0 + s * h, y, h)
        ys.append(y)
    return torch.stack(ys)


# Dormand & Prince (1980) tableau: nodes C, stages A, 5th-order weights B5, embedded 4th-order B4.
C = [Q(0), Q(1, 5), Q(3, 10), Q(4, 5), Q(8, 9), Q(1), Q(1)]
A = [
    [],
    [Q(1, 5)],
    [Q(3, 40), Q(9, 40)],
    [Q(44, 45), Q(-56, 15), Q(32, 9)],
    [Q(19372, 6561), Q(-25360, 2187), Q(64448, 6561), Q(-212, 729)],
    [Q(9017, 3168), Q(-355, 33), Q(46732, 5247), Q(49, 176), Q(-5103, 18656)],
    [Q(35, 384), Q(0), Q(500, 1113), Q(125, 192), Q(-2187, 6784), Q(11, 84)],
]
B5 = [Q(35, 384), Q(0), Q(500, 1113), Q(125, 192), Q(-2187, 6784), Q(11, 84), Q(0)]
B4 = [Q(5179, 57600), Q(0), Q(7571, 16695), Q(393, 640), Q(-92097, 339200), Q(187, 2100), Q(1, 40)]


def dopri5_step(f, t, y, h, k1):
    """One Dormand-Prince step: (5th-order y1, its 4th-order error estimate y5 − y4, f(t + h, y1)).
    The last stage is evaluated at y1 itself (B5 = last row of A), so it is the next step's k1 (FSAL)."""
    ks = [k1]
    for c, row in zip(C[1:], A[1:]):
        ks.append(f(t + float(c) * h, y + h * sum(float(a) * k for a, k in zip(row, ks) if a)))
    y1 = y + h * sum(float(b) * k for b, k in zip(B5, ks) if b)
    error = h * sum(float(b5 - b4) * k for b5, b4, k in zip(B5, B4, ks) if b5 != b4)
    return y1, error, ks[-1]


@dataclass
class Stats:
    """What the adaptive solver did: function evaluations, accepted and rejected steps."""
    evaluations: int = 0
    accepted: int = 0
    rejected: int = 0


def odeint_dopri5(f, y0: torch.Tensor, t: torch.Tensor, rtol: float = 1e-6, atol: float = 1e-8,
                  first_step: float | None = None, stats: Stats | None = None, max_steps: int = 100_000) -> torch.Tensor:
    """States at each t[i] with local error control: a step is accepted when the RMS of
    (y5 − y4) / (atol + rtol·max(|y|, |y1|)) is at most 1, and the next step is scaled by
    0.9·err^(−1/5), clipped to [0.2, 5]. Steps are shortened to land on every requested time.
    More than ``max_steps`` attempts (a stiff or blowing-up field) raise rather than run forever."""
    stats = stats if stats is not None else Stats()

    def counted(tt, yy):
        stats.evaluations += 1
        return f(tt, yy)

    direction = 1.0 if float(t[-1]) >= float(t[0]) else -1.0
    span = abs(float(t[-1]) - float(t[0]))
    h = abs(first_step) if first_step else max(span, 1e-12) / 100
    ys, y, now = [y0], y0, t[0]
    k1 = counted(now, y)
    for target in t[1:]:
        while direction * float(target - now) > 1e-12 * max(span, 1.0):
            if stats.accepted + stats.rejected >= max_steps:
                raise RuntimeError(f"dopri5: more than {max_steps} steps before t = {float(target):g}")
            step = min(h, direction * float(target - now))
            y1, error, k_last = dopri5_step(counted, now, y, direction * step, k1)
            scale = atol + rtol * torch.maximum(y.detach().abs(), y1.detach().abs())
            err = (error.detach() / scale).pow(2).mean().sqrt().item()
            if err <= 1.0:
                now = target if step == direction * float(target - now) else now + direction * step
                y, k1 = y1, k_last
                stats.accepted += 1
            else:
                stats.rejected += 1
            h = step * min(5.0, max(0.2, 0.9 * (err if err > 0 else 1e-10) ** -0.2))
        ys.append(y)
    return torch.stack(ys)
