"""Code lengths, in bits, for the pieces of a two-part code (Gruenwald 2004, Sec. 1-2).

Everything is a length in bits of a prefix code; by the Kraft inequality a code
length L(x) and a probability P(x) = 2^-L(x) are two views of the same thing
(the tutorial's "codes are probability distributions" correspondence).
"""

from __future__ import annotations

import bz2
import lzma
import math
import zlib

import torch


def uniform_code_length(k: int) -> float:
    """A uniform code over k alternatives: log2 k bits each."""
    if k < 1:
        raise ValueError("need at least one alternative")
    return math.log2(k)


def elias_gamma(n: int) -> str:
    """Elias gamma code of a positive integer: floor(log2 n) zeros, then n in binary.

    A prefix code for all n >= 1 with no upper bound fixed in advance -- the simplest
    universal code for integers; length 2 floor(log2 n) + 1 bits.
    """
    if n < 1:
        raise ValueError("Elias gamma codes positive integers")
    binary = bin(n)[2:]
    return "0" * (len(binary) - 1) + binary


def elias_gamma_decode(bits: str) -> tuple[int, str]:
    """Read one gamma codeword from the front of ``bits``; return (n, rest)."""
    zeros = len(bits) - len(bits.lstrip("0"))
    word = bits[zeros:2 * zeros + 1]
    if len(word) != zeros + 1:
        raise ValueError("truncated codeword")
    return int(word, 2), bits[2 * zeros + 1:]


def elias_delta(n: int) -> str:
    """Elias delta code: gamma code of the bit length, then n's bits without the leading 1.
    Length log2 n + O(log log n): closer to the ideal for large n."""
    if n < 1:
        raise ValueError("Elias delta codes positive integers")
    binary = bin(n)[2:]
    return elias_gamma(len(binary)) + binary[1:]


def elias_delta_decode(bits: str) -> tuple[int, str]:
    length, rest = elias_gamma_decode(bits)
    return int("1" + rest[:length - 1], 2), rest[length - 1:]


def bernoulli_code_length(data: torch.Tensor, theta: float) -> float:
    """L(D | theta) = -sum log2 P(x_i | theta) for binary data under Bernoulli(theta)."""
    ones = float(data.sum())
    zeros = data.numel() - ones
    return -(ones * math.log2(theta) + zeros * math.log2(1 - theta))


def bernoulli_two_part(data: torch.Tensor, precision_bits: int) -> tuple[float, float, float]:
    """Crude two-part code for binary data: theta on a grid of 2^precision_bits values.

    L(H) = precision_bits (uniform code over the grid points (j + 1/2) / 2^b);
    L(D|H) = Bernoulli code length at the grid point nearest to the ML estimate.
    Returns (theta, L(H), L(D|H)).
    """
    k = 2 ** precision_bits
    ml = float(data.float().mean())
    j = min(int(ml * k), k - 1)
    theta = (j + 0.5) / k
    return theta, uniform_code_length(k), bernoulli_code_length(data, theta)


COMPRESSORS = {
    "zlib": lambda b: zlib.compress(b, 9),
    "bz2": lambda b: bz2.compress(b, 9),
    "lzma": lambda b: lzma.compress(b, preset=9),
}


def compressed_bits(data: bytes, compressor: str = "zlib") -> int:
    """An upper bound on Kolmogorov complexity, up to the compressor's constant: its output length in bits."""
    return 8 * len(COMPRESSORS[compressor](data))
