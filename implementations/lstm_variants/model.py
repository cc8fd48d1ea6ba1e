"""The vanilla LSTM of Greff et al. (2015), section 2, and its eight variants as options of one cell.

Vanilla LSTM (their notation; y is the block output, c the cell state, ⊙ elementwise):

    z̄_t = W_z x_t + R_z y_{t-1} + b_z                    z_t = g(z̄_t)     block input
    ī_t = W_i x_t + R_i y_{t-1} + p_i ⊙ c_{t-1} + b_i     i_t = σ(ī_t)     input gate
    f̄_t = W_f x_t + R_f y_{t-1} + p_f ⊙ c_{t-1} + b_f     f_t = σ(f̄_t)     forget gate
    c_t = z_t ⊙ i_t + c_{t-1} ⊙ f_t                                          cell
    ō_t = W_o x_t + R_o y_{t-1} + p_o ⊙ c_t + b_o         o_t = σ(ō_t)     output gate
    y_t = h(c_t) ⊙ o_t                                                       block output

with g = h = tanh. The variants (section 3.2) change exactly one thing each:

    NIG   no input gate            i_t = 1
    NFG   no forget gate           f_t = 1
    NOG   no output gate           o_t = 1
    NIAF  no input activation      g(x) = x
    NOAF  no output activation     h(x) = x
    CIFG  coupled input & forget   f_t = 1 - i_t
    NP    no peepholes             p_i = p_f = p_o = 0 (absent)
    FGR   full gate recurrence     ī_t, f̄_t, ō_t each also get R_{*i} i_{t-1} + R_{*f} f_{t-1} + R_{*o} o_{t-1}
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

VARIANTS = ("V", "NIG", "NFG", "NOG", "NIAF", "NOAF", "CIFG", "NP", "FGR")


@dataclass(frozen=True)
class Variant:
    """Which parts of the vanilla LSTM are present."""

    input_gate: bool = True
    forget_gate: bool = True
    output_gate: bool = True
    input_activation: bool = True
    output_activation: bool = True
    coupled: bool = False
    peepholes: bool = True
    full_gate_recurrence: bool = False

    @staticmethod
    def named(name: str) -> "Variant":
        changes = {
            "V": {}, "NIG": {"input_gate": False}, "NFG": {"forget_gate": False},
            "NOG": {"output_gate": False}, "NIAF": {"input_activation": False},
            "NOAF": {"output_activation": False}, "CIFG": {"coupled": True},
            "NP": {"peepholes": False}, "FGR": {"full_gate_recurrence": True},
        }
        if name not in changes:
            raise ValueError(f"unknown variant {name!r}; choose from {', '.join(VARIANTS)}")
        return Variant(**changes[name])

    @property
    def gates(self) -> tuple[str, ...]:
        """The sigmoid gates that have their own weights ("f" is derived from "i" under CIFG)."""
        return tuple(g for g, present in (("i", self.input_gate),
                                          ("f", self.forget_gate and not self.coupled),
                                          ("o", self.output_gate)) if present)


class VariantLSTMCell(nn.Module):
    """One step of the vanilla LSTM or one of its variants.

    W and R hold one block of rows per "z" and per present gate, in the order
    z, i, f, o. The state is (y, c, previous gate activations); the last is
    only used by FGR. ``forget_bias`` is added to b_f (for CIFG, subtracted
    from b_i, so that f = 1 - i starts at the same value).
    """

    def __init__(self, input_size: int, hidden_size: int, variant: str | Variant = "V",
                 forget_bias: float = 1.0) -> None:
        super().__init__()
        self.variant = Variant.named(variant) if isinstance(variant, str) else variant
        self.hidden_size = hidden_size
        self.blocks = ("z",) + self.variant.gates
        n = len(self.blocks)
        self.W = nn.Linear(input_size, n * hidden_size)             # W_z, W_i, W_f, W_o and b
        self.R = nn.Linear(hidden_size, n * hidden_size, bias=False)  # R_z, R_i, R_f, R_o
        self.peep = nn.ParameterDict(
            {g: nn.Parameter(torch.empty(hidden_size)) for g in self.variant.gates} if self.variant.peepholes else {}
        )
        n_gates = len(self.variant.gates)
        # FGR: every gate's previous activation feeds every gate (R_ii, R_fi, R_oi, ... in one matrix)
        self.gate_recurrence = (nn.Linear(n_gates * hidden_size, n_gates * hidden_size, bias=False)
                                if self.variant.full_gate_recurrence else None)
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)
        with torch.no_grad():
            bias = dict(zip(self.blocks, self.W.bias.split(hidden_size)))
            if "f" in bias:
                bias["f"] += forget_bias
            elif self.variant.coupled and "i" in bias:
                bias["i"] -= forget_bias

    def initial_state(self, batch: int, like: torch.Tensor):
        zeros = like.new_zeros(batch, self.hidden_size)
        prev_gates = like.new_zeros(batch, len(self.variant.gates) * self.hidden_size)
        return zeros, zeros, prev_gates

    def forward(self, x: torch.Tensor, state):
        """x: (B, input) -> y_t (B, H) and the new state (y_t, c_t, gate activations)."""
        v = self.variant
        y_prev, c_prev, prev_gates = state
        pre = dict(zip(self.blocks, (self.W(x) + self.R(y_prev)).split(self.hidden_size, dim=-1)))
        if self.gate_recurrence is not None:  # FGR: + R_{*i} i_{t-1} + R_{*f} f_{t-1} + R_{*o} o_{t-1}
            extra = self.gate_recurrence(prev_gates).split(self.hidden_size, dim=-1)
            pre.update({g: pre[g] + e for g, e in zip(v.gates, extra)})

        def peephole(gate: str, cell: torch.Tensor) -> torch.Tensor:
            return self.peep[gate] * cell if gate in self.peep else 0.0

        z = torch.tanh(pre["z"]) if v.input_activation else pre["z"]                    # z_t = g(z̄_t)
        i = torch.sigmoid(pre["i"] + peephole("i", c_prev)) if v.input_gate else 1.0   # i_t = σ(ī_t)
        if v.coupled:
            f = 1.0 - i                                                                 # CIFG: f_t = 1 - i_t
        elif v.forget_gate:
            f = torch.sigmoid(pre["f"] + peephole("f", c_prev))                        # f_t = σ(f̄_t)
        else:
            f = 1.0                                                                     # NFG
        c = z * i + c_prev * f                                                          # c_t = z_t⊙i_t + c_{t-1}⊙f_t
        o = torch.sigmoid(pre["o"] + peephole("o", c)) if v.output_gate else 1.0       # o_t = σ(ō_t), peeps at c_t
        y = (torch.tanh(c) if v.output_activation else c) * o                          # y_t = h(c_t)⊙o_t
        gate_values = {"i": i, "f": f, "o": o}
        gates_now = (torch.cat([gate_values[g] for g in v.gates], dim=-1) if v.full_gate_recurrence else prev_gates)
        return y, (y, c, gates_now)


class VariantLSTM(nn.Module):
    """The cell unrolled over (T, B, input) sequences; returns all y_t and the last state."""

    def __init__(self, input_size: int, hidden_size: int, variant: str | Variant = "V", forget_bias: float = 1.0):
        super().__init__()
        self.cell = VariantLSTMCell(input_size, hidden_size, variant, forget_bias)

    def forward(self, xs: torch.Tensor, state=None):
        if state is None:
            state = self.cell.initial_state(xs.shape[1], xs)
        outputs = []
        for x in xs.unbind(0):
            y, state = self.cell(x, state)
            outputs.append(y)
        return torch.stack(outputs), state
