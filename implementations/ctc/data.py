"""Synthetic "speech": each symbol is a noisy spectral pattern held for a random number of frames.

Every symbol of the alphabet has a fixed spectrum: two Gaussian formant bumps
over the frequency bins, the higher of which glides up or down while the
symbol lasts. An utterance is a random symbol string (no symbol twice in a row);
each symbol lasts 3-6 frames, with random silence before and after, a random
loudness, and Gaussian noise on every bin. Symbols share formants, so one
frame alone is often ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass

import random

import torch

BLANK = 0


@dataclass(frozen=True)
class SpeechConfig:
    symbols: int = 10           # labels 1..symbols; 0 is the CTC blank
    freq_bins: int = 16
    min_symbols: int = 3
    max_symbols: int = 8
    min_frames: int = 3
    max_frames: int = 6
    noise: float = 0.4


def alphabet(cfg: SpeechConfig) -> torch.Tensor:
    """(symbols, 2, freq_bins): start and end spectrum of every symbol.

    Symbol k has a low formant at bin 2 + 2*(k//2) and a high one 3 or 5 bins
    above it; neighbouring symbols share one formant, so only the pair
    identifies a symbol. The high formant glides one bin down (even k) or up
    (odd k) over the symbol's duration, so the two symbols of a pair drift apart.
    """
    bins = torch.arange(cfg.freq_bins, dtype=torch.float32)
    spectra = torch.zeros(cfg.symbols, 2, cfg.freq_bins)
    for k in range(cfg.symbols):
        low = 2 + 2 * (k // 2)
        high = low + 3 + 2 * (k % 2)
        glide = -1 if k % 2 == 0 else 1
        for end, shift in enumerate((0, glide)):
            spectra[k, end] = torch.exp(-0.5 * (bins - low) ** 2) + 0.7 * torch.exp(-0.5 * (bins - high - shift) ** 2)
    return spectra


def symbol_frames(cfg: SpeechConfig, spectra: torch.Tensor) -> dict[tuple[int, int], torch.Tensor]:
    """(symbol, frames) -> the clean (freq_bins, frames) block, gliding from start to end spectrum."""
    blocks = {}
    for k in range(1, cfg.symbols + 1):
        for n in range(cfg.min_frames, cfg.max_frames + 1):
            mix = torch.linspace(0, 1, n)
            blocks[k, n] = spectra[k - 1, 0, :, None] * (1 - mix) + spectra[k - 1, 1, :, None] * mix
    return blocks


def utterance(cfg: SpeechConfig, blocks, rng: random.Random) -> tuple[torch.Tensor, list[int], float]:
    """One clean (freq_bins, T) spectrogram, its label sequence and its loudness."""
    count = rng.randint(cfg.min_symbols, cfg.max_symbols)
    labels: list[int] = []
    while len(labels) < count:
        k = rng.randint(1, cfg.symbols)
        if not labels or k != labels[-1]:       # no symbol twice in a row
            labels.append(k)
    silence = lambda: torch.zeros(cfg.freq_bins, rng.randint(0, 3))
    frames = [silence()]
    frames += [blocks[k, rng.randint(cfg.min_frames, cfg.max_frames)] for k in labels]
    frames.append(silence())
    return torch.cat(frames, dim=1), labels, 0.7 + 0.6 * rng.random()


def batch(cfg: SpeechConfig, blocks, size: int, rng: random.Random, noise: torch.Generator):
    """-> noisy spectrograms (B, F, T_max) zero-padded, lengths (B,), targets (B, S_max), target lengths (B,).

    ``rng`` draws the symbols, durations and loudness, ``noise`` the Gaussian noise.
    """
    items = [utterance(cfg, blocks, rng) for _ in range(size)]
    lengths = torch.tensor([s.shape[1] for s, _, _ in items])
    target_lengths = torch.tensor([len(l) for _, l, _ in items])
    specs = torch.zeros(size, cfg.freq_bins, int(lengths.max()))
    targets = torch.zeros(size, int(target_lengths.max()), dtype=torch.long)
    for i, (s, l, gain) in enumerate(items):
        specs[i, :, : s.shape[1]] = gain * s
        targets[i, : len(l)] = torch.tensor(l)
    real = torch.arange(specs.shape[2]) < lengths[:, None, None]
    specs += cfg.noise * torch.randn(specs.shape, generator=noise) * real
    return specs, lengths, targets, target_lengths
