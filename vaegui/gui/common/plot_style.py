"""How every plot writes its numbers and text: plain ticks (no ×0.001, no 4·10¹) and readable text colours."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics

from vaegui.palette import LIGHT_PLOT_TEXT

TITLE_SIZE = "9pt"


class PlainAxis(pg.AxisItem):
    """An axis whose ticks read as plain numbers: no SI prefix moved into the label ("z1 (x0.001)"), and on a
    log scale the values themselves (40, 0.5), not powers of ten (4·10¹)."""

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        return [plain_number(10.0 ** float(v) * scale) for v in values]

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph's name)
        """pyqtgraph's steps, but on an upright axis too short for them a coarser major step (1, 2, 5, 10…) and no
        minor ones: it asks for about log(length) numbers whatever their height, and the KL bars in presenter mode
        (35 pixels tall, 1.5× text) wrote "0.04" over "0.02". Its numbers are always written; finer steps only
        where they fit, which pyqtgraph checks itself."""
        levels = super().tickSpacing(minVal, maxVal, size)
        if self.orientation not in ("left", "right") or not levels or not maxVal > minVal or size <= 0:
            return levels
        room = MIN_TICK_GAP * QFontMetrics(self.style["tickFont"] or self.font()).height()
        per_unit = size / (maxVal - minVal)
        major = levels[0][0]
        if major * per_unit >= room:
            return levels
        while major * per_unit < room:
            major = _next_round_step(major)
        return [(major, 0)]


MIN_TICK_GAP = 1.5  # text heights between the numbers of an upright axis's major step


def _next_round_step(step: float) -> float:
    """The next step of 1, 2, 5 × a power of ten after `step`."""
    power = 10.0 ** math.floor(math.log10(step))
    for factor in (2, 5, 10):
        if factor * power > step * (1 + 1e-9):
            return factor * power
    return 20 * power


def plain_number(value: float) -> str:
    """A tick value as people write it: 40, 2,500, 0.5, 0.003; tiny or huge ones in 3 significant digits."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = abs(value)
    if 1e-4 <= magnitude < 1e7:
        digits = max(0, 2 - math.floor(math.log10(magnitude)))  # three significant digits, no trailing zeros
        text = f"{value:,.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{value:.3g}"


def plain_axes(*orientations: str) -> dict[str, PlainAxis]:
    """axisItems for a PlotItem/PlotWidget: plain axes on the given sides (default left and bottom)."""
    return {side: PlainAxis(side) for side in (orientations or ("left", "bottom"))}


def style_light_plot(plot_item: pg.PlotItem) -> None:
    """Dark text on a light plot: the axes' numbers and labels at AA contrast (pyqtgraph's grey is ~2.8:1)."""
    for side in ("left", "bottom"):
        axis = plot_item.getAxis(side)
        axis.setTextPen(LIGHT_PLOT_TEXT)
        axis.setPen("#8a8a8a")


def set_title(plot_item: pg.PlotItem, text: str, colour: str = LIGHT_PLOT_TEXT) -> None:
    """The plot's title; a line break in `text` starts a second line."""
    plot_item.setTitle(text.replace("\n", "<br>"), size=TITLE_SIZE, color=colour)


def set_axis_label(plot_item: pg.PlotItem, side: str, text: str, colour: str = LIGHT_PLOT_TEXT) -> None:
    plot_item.setLabel(side, text, color=colour)
