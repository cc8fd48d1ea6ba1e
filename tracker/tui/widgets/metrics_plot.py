"""The run panel's curves: every metric a demo reports, accuracy-like ones on the right axis.

A demo that trains several models sends a series name with each point, so
its curves arrive labelled (``plain-56 loss``, ``residual-56 loss``) and
plotted against the step inside each model: one shared step axis, with
whole-number ticks.
"""

from __future__ import annotations

from textual_plotext import PlotextPlot

RIGHT_AXIS_WORDS = ("acc", "precision", "recall", "f1", "score")
MAX_CURVES = 8
TICKS = 5


def step_ticks(low: int, high: int, count: int = TICKS) -> list[int]:
    """Up to ``count`` whole steps spread from ``low`` to ``high`` (plotext would label 1.0 … 100.0)."""
    if high <= low:
        return [low]
    return sorted({round(low + (high - low) * i / (count - 1)) for i in range(count)})


class MetricsPlot(PlotextPlot):
    """Redrawn from the run state's metric history, never from a clock."""

    def draw(self, metrics: dict[str, list[tuple[int, float]]]) -> None:
        plt = self.plt
        plt.clear_data()
        curves = [(name, points) for name, points in metrics.items() if points][:MAX_CURVES]
        plt.title("metrics by step" if curves else "no metrics yet")
        plt.xlabel("step")
        for name, points in curves:
            side = "right" if any(word in name.lower() for word in RIGHT_AXIS_WORDS) else "left"
            plt.plot([s for s, _ in points], [v for _, v in points], label=name, yside=side, marker="braille")
        if curves:
            steps = [s for _, points in curves for s, _ in points]
            ticks = step_ticks(int(min(steps)), int(max(steps)))
            plt.xticks(ticks, [str(t) for t in ticks])
        self.refresh()
