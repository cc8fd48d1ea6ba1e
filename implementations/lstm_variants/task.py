"""An unsegmented stream on which the network must keep overwriting one memory.

Each step shows one symbol: with probability ``write_prob`` a "write" symbol
carrying one of ``n_values`` values, otherwise one of ``n_noise`` distractor
symbols. The target at every step is the value of the most recent write.
Streams are never cut into sequences and the LSTM state is never reset
(truncated BPTT carries it over), so a cell must be able to discard what it
holds — the situation the forget gate was introduced for (Gers et al. 2000).
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

NO_TARGET = -100  # before a stream's first write there is nothing to recall (ignored by cross_entropy)


class LatestValueStreams:
    """`batch` independent endless streams, produced chunk by chunk."""

    def __init__(self, batch: int, n_values: int, n_noise: int, write_prob: float, generator: torch.Generator):
        self.batch, self.n_values, self.n_noise, self.write_prob = batch, n_values, n_noise, write_prob
        self.generator = generator
        self.latest = torch.full((batch,), NO_TARGET, dtype=torch.long)

    @property
    def n_symbols(self) -> int:
        return self.n_values + self.n_noise

    def next_chunk(self, length: int) -> tuple[torch.Tensor, torch.Tensor]:
        """One-hot inputs (length, batch, n_symbols) and targets (length, batch)."""
        g = self.generator
        write = torch.rand(length, self.batch, generator=g) < self.write_prob
        values = torch.randint(0, self.n_values, (length, self.batch), generator=g)
        noise = torch.randint(self.n_values, self.n_symbols, (length, self.batch), generator=g)
        symbols = torch.where(write, values, noise)
        targets = []
        for t in range(length):
            self.latest = torch.where(write[t], values[t], self.latest)
            targets.append(self.latest)
        return F.one_hot(symbols, self.n_symbols).float(), torch.stack(targets)
