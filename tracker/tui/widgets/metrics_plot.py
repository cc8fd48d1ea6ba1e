"""The run panel's live curves: every metric a demo reports, accuracy-like ones on the right axis."""

from __future__ import annotations

from textual_plotext import PlotextPlot

RIGHT_AXIS_WORDS = ("acc", "precision", "recall", "f1", "score")
MAX_SERIES = 4


class MetricsPlot(PlotextPlot):
    """Redrawn from the run state's metric history, never from a clock."""

    def draw(self, metrics: dict[str, list[tuple[int, float]]]) -> None:
        plt = self.plt
        plt.clear_data()
        plt.title("metrics by step" if metrics else "no metrics yet")
        plt.xlabel("step")
        for name, points in list(metrics.items())[:MAX_SERIES]:
            if not points:
                continue
            side = "right" if any(word in name.lower() for word in RIGHT_AXIS_WORDS) else "left"
            plt.plot([s for s, _ in points], [v for _, v in points], label=name, yside=side, marker="braille")
        self.refresh()
