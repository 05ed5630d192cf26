"""The latent map's extras: grid lines at its ticks, and the key naming each kind of mark drawn."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from vaegui.gui.common.wording import wording
from vaegui.words import TERMS, word


class GridLines:
    """Grid lines at the axes' ticks, as two line items in opaque greys.

    pyqtgraph's own grid (showGrid) extends the axes' tick lines over the plot and costs ~8 ms a frame
    here (1000×750, pyqtgraph 0.14): half the 16 ms frame budget; these two items cost ~1 ms.
    """

    SHADES = ("#303030", "#222222")  # major, minor ticks, on the #161616 background

    def __init__(self, plot_item: pg.PlotItem):
        self.plot_item = plot_item
        self.levels = [pg.PlotCurveItem(pen=pg.mkPen(shade, width=1), connect="pairs") for shade in self.SHADES]
        for level in self.levels:
            level.setZValue(-10)
            plot_item.addItem(level, ignoreBounds=True)
        plot_item.getViewBox().sigRangeChanged.connect(self.update)

    def update(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.plot_item.getViewBox().viewRange()
        bottom, left = self.plot_item.getAxis("bottom"), self.plot_item.getAxis("left")
        x_levels = bottom.tickValues(x0, x1, max(1.0, bottom.width()))
        y_levels = left.tickValues(y0, y1, max(1.0, left.height()))
        for level, curve in enumerate(self.levels):
            xs = np.asarray(x_levels[level][1] if level < len(x_levels) else [], float)
            ys = np.asarray(y_levels[level][1] if level < len(y_levels) else [], float)
            segments_x = np.concatenate([np.repeat(xs, 2), np.tile([x0, x1], len(ys))])
            segments_y = np.concatenate([np.tile([y0, y1], len(xs)), np.repeat(ys, 2)])
            curve.setData(segments_x, segments_y)


class MarkScatter(pg.ScatterPlotItem):
    """A mark drawn over the points (the chosen picture, its cloud's centre, random draws, a decoded place): it
    takes no click, so a click on a point under it picks that point. pyqtgraph's scatter keeps a click on any of its
    spots, and a click on a point under the last choice's centre did nothing."""

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        ev.ignore()


def passes_clicks(path: pg.PlotDataItem) -> pg.PlotDataItem:
    """`path` with its dots taking no click either (MarkScatter's reason): the scatter a PlotDataItem makes itself."""
    path.scatter.mouseClickEvent = MarkScatter.mouseClickEvent.__get__(path.scatter)
    return path


class MarkKey(pg.LegendItem):
    """One entry for each kind of mark on the map now (selection, centre, samples, …), none for marks not drawn.

    A click on an entry says which (`entry_clicked`, its term), e.g. to switch that layer off; clicks on the key
    never reach the map under it."""

    entry_clicked = Signal(str)

    def __init__(self) -> None:
        super().__init__(offset=(10, -10), labelTextColor="#dddddd", brush=pg.mkBrush(24, 24, 24, 220),
                         pen=pg.mkPen("#444444"), labelTextSize="8pt", verSpacing=-4)
        self.shown: tuple[bool, tuple[str, ...]] | None = None  # (expert wording, the marks' terms) on show now
        self.hide()

    def show_marks(self, marks: list[tuple[pg.GraphicsObject, str]]) -> None:
        """`marks`: (an item drawn like the mark, its vaegui.words term or plain text), in the key's order."""
        expert = wording().expert
        # Rebuilding makes pyqtgraph lay the labels out again, and a map filling in while its images are
        # encoded is drawn hundreds of times: the same marks in the same words keep the key as it is.
        shown = (expert, tuple(name for _, name in marks))
        if shown == self.shown:
            return
        self.shown = shown
        self.clear()
        for item, name in marks:
            self.addItem(item, word(name, expert) if name in TERMS else name)
        self.setVisible(bool(marks))

    def entries(self) -> list[str]:
        return [label.text for _, label in self.items]

    def terms(self) -> tuple[str, ...]:
        return () if self.shown is None else self.shown[1]

    def hoverEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        super().hoverEvent(ev)
        if not ev.isExit():
            for button in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
                ev.acceptClicks(button)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802
        ev.accept()
        if ev.double() or ev.button() != Qt.MouseButton.LeftButton:
            return
        for term, (sample, label) in zip(self.terms(), self.items):
            top = min(sample.mapRectToParent(sample.boundingRect()).top(), label.geometry().top())
            bottom = max(sample.mapRectToParent(sample.boundingRect()).bottom(), label.geometry().bottom())
            if top <= ev.pos().y() <= bottom:
                self.entry_clicked.emit(term)
                return

    def mouseDoubleClickEvent(self, ev) -> None:  # noqa: N802 (Qt's)
        ev.accept()

def set_legend_text_size(legend: pg.LegendItem, size: str) -> None:
    """Every entry of a key or legend drawn at `size` ('12pt'), also those added later. pyqtgraph's own
    setLabelTextSize records the size but leaves the entries drawn as they were."""
    legend.opts["labelTextSize"] = size
    for _, label in legend.items:
        label.setText(label.text, size=size)
    legend.updateSize()
