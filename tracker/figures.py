"""Figures as people read them: a claim's measured value, live metrics, test counts.

One home for the formatting the CLI and the run panel share, so a figure
reads the same everywhere (``0.9313``, ``12,345``, ``1.2e-05``), never as a
raw float (``0.9312500000000001``).
"""

from __future__ import annotations

import math
from typing import Any

TEST_ORDER = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")


def format_figure(value: Any) -> str:
    """Four significant digits; thousands grouped; scientific only for the very large or very small."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "n/a"
    value = float(value)
    if not math.isfinite(value):
        return "n/a"
    size = abs(value)
    if size == 0:
        return "0"
    if size >= 1e6 or size < 1e-3:
        return f"{value:.2e}".replace("e-0", "e-").replace("e+0", "e+")
    if size >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def claim_figures(claim: dict[str, Any]) -> str:
    """``measured 0.2 vs threshold 0.25``."""
    return f"measured {format_figure(claim.get('measured'))} vs threshold {format_figure(claim.get('threshold'))}"


def metric_line(event, limit: int = 3) -> str:
    """A progress event's first few metrics, prefixed by its series: ``residual-56  loss 0.52  acc 0.81``."""
    shown = "  ".join(f"{k} {format_figure(v)}" for k, v in list(event.metrics.items())[:limit])
    series = event.data.get("series")
    return f"{series}  {shown}" if series else shown


def test_counts(counts: dict[str, int]) -> str:
    """``12 passed · 1 failed · 2 skipped`` (in a fixed order; zero counts left out)."""
    parts = [f"{counts[k]} {k}" for k in TEST_ORDER if counts.get(k)]
    return " · ".join(parts) if parts else "no tests ran"
