"""The Ptr-Net's LSTM: the shared cell of ``implementations._common.recurrent`` with the paper's set-up.

Vinyals et al. initialise every weight uniformly in [-0.08, 0.08]; the cell
keeps both biases of ``nn.LSTMCell``. Gate order i, f, g, o; ``x_proj`` is W
and ``h_proj`` U in c' = f o c + i o g, h' = o o tanh(c').
"""

from __future__ import annotations

from torch import Tensor

from implementations._common.recurrent import LSTMCell as SharedLSTMCell
from implementations._common.recurrent import LSTMState as State
from implementations._common.recurrent import unroll

__all__ = ["LSTMCell", "State", "run_lstm"]


class LSTMCell(SharedLSTMCell):
    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__(input_size, hidden_size, hidden_bias=True, init_bound=0.08)


def run_lstm(cell: LSTMCell, x: Tensor, state: State, valid: Tensor | None = None) -> tuple[Tensor, State]:
    """Runs ``cell`` over (batch, T, input); all hidden states and the final state, held through padding."""
    return unroll(cell, x, state, valid, time_dim=1)
