"""A small Deep Speech 2 acoustic model: 2-D convolution, bidirectional GRU, per-frame softmax.

Amodei et al. 2015, "Deep Speech 2", arXiv 1512.02595, Section 3 (Figure 1):
spectrogram -> convolution over time and frequency (Sections 3.4-3.5) ->
bidirectional recurrent layers (GRUs, Section 3.3) -> fully connected ->
softmax over characters + blank, trained with CTC. Batch normalisation,
SortaGrad, row convolution and the language model are left out.
"""

from __future__ import annotations

import torch
import torch.nn as nn


class GRUCell(nn.Module):
    """One GRU step in Deep Speech 2's form (Section 3.3)::

        z_t = sigmoid(W_z x_t + U_z h_{t-1} + b_z)
        r_t = sigmoid(W_r x_t + U_r h_{t-1} + b_r)
        h~_t = tanh(W_h x_t + r_t * (U_h h_{t-1}) + b_h)
        h_t = (1 - z_t) h_{t-1} + z_t h~_t

    The input half ``W x + b`` does not depend on h, so callers compute it for
    every frame at once with ``input_projection`` and pass it to ``forward``.
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.input_projection = nn.Linear(input_size, 3 * hidden_size)        # W_z, W_r, W_h and biases
        self.hidden_projection = nn.Linear(hidden_size, 3 * hidden_size, bias=False)  # U_z, U_r, U_h

    def forward(self, projected_x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        xz, xr, xh = projected_x.chunk(3, dim=-1)
        hz, hr, hh = self.hidden_projection(h).chunk(3, dim=-1)
        z = torch.sigmoid(xz + hz)
        r = torch.sigmoid(xr + hr)
        candidate = torch.tanh(xh + r * hh)
        return (1 - z) * h + z * candidate


class BidirectionalGRU(nn.Module):
    """Forward and backward GRUs over padded sequences, outputs concatenated.

    Each direction only ever sees an item's real frames: the backward pass
    starts at frame ``length - 1`` (padding leaves its state at zero).
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.forward_cell = GRUCell(input_size, hidden_size)
        self.backward_cell = GRUCell(input_size, hidden_size)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """x (T, B, input_size), lengths (B,) -> (T, B, 2 * hidden_size)."""
        steps, batch, _ = x.shape
        hidden = self.forward_cell.hidden_size
        px_fwd = self.forward_cell.input_projection(x)
        px_bwd = self.backward_cell.input_projection(x)
        h_fwd = h_bwd = x.new_zeros(batch, hidden)
        out_fwd, out_bwd = [None] * steps, [None] * steps
        valid = (torch.arange(steps, device=x.device).unsqueeze(1) < lengths.to(x.device)).unsqueeze(-1)  # (T, B, 1)
        for t in range(steps):
            s = steps - 1 - t
            h_fwd = torch.where(valid[t], self.forward_cell(px_fwd[t], h_fwd), h_fwd)
            h_bwd = torch.where(valid[s], self.backward_cell(px_bwd[s], h_bwd), h_bwd)
            out_fwd[t], out_bwd[s] = h_fwd, h_bwd
        return torch.cat([torch.stack(out_fwd), torch.stack(out_bwd)], dim=-1)


class AcousticModel(nn.Module):
    """Spectrogram (B, F, T) -> per-frame log-probabilities over blank + symbols (T', B, C)."""

    def __init__(self, freq_bins: int, num_classes: int, channels: int = 8, hidden_size: int = 64) -> None:
        super().__init__()
        # Sections 3.4-3.5: one 2-D convolution over (frequency, time), stride 2 in both.
        self.conv = nn.Conv2d(1, channels, kernel_size=5, stride=2, padding=2)
        conv_freq = (freq_bins - 1) // 2 + 1
        self.rnn = BidirectionalGRU(channels * conv_freq, hidden_size)
        self.classifier = nn.Linear(2 * hidden_size, num_classes)

    @staticmethod
    def output_lengths(lengths: torch.Tensor) -> torch.Tensor:
        """Frames left after the stride-2 convolution (kernel 5, padding 2)."""
        return (lengths - 1) // 2 + 1

    def forward(self, spectrogram: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.conv(spectrogram.unsqueeze(1))                    # (B, C, F', T')
        features = features.clamp(0.0, 20.0)                              # clipped ReLU min(max(x, 0), 20), Section 3
        batch, channels, freq, steps = features.shape
        features = features.permute(3, 0, 1, 2).reshape(steps, batch, channels * freq)
        out_lengths = self.output_lengths(lengths)
        hidden = self.rnn(features, out_lengths)
        return self.classifier(hidden).log_softmax(-1), out_lengths
