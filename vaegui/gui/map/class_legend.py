"""The map's class legend as a control: a click hides or shows the class, a double-click shows it alone, a
right-click offers the rest; clicks on it never reach the map under it (they would decode the place there)."""

from __future__ import annotations

import math

import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import QPoint, QPointF, Qt, Signal

SHOWN_TEXT, DIMMED_TEXT, HIDDEN_TEXT = "#dddddd", "#8a8a8a", "#777777"
LEGEND_TIP = ("Click a class: hide it or show it again · double-click: only this class · right-click: dim it, "
              "select its pictures as a group, show every class")


class _ClassSample(ItemSample):
    """The coloured dot of an entry; the legend, not the dot, answers clicks (pyqtgraph's would hide the dot)."""

    def mouseClickEvent(self, event) -> None:  # noqa: N802 (pyqtgraph's name)
        event.ignore()


LEGEND_MARGIN_PX = 60  # of the map's height, kept for the axis below the legend and the space above it


class ClassLegend(pg.LegendItem):
    entry_clicked = Signal(int)  # the category of the entry (index into the map's colours)
    entry_double_clicked = Signal(int)
    entry_menu = Signal(int, QPoint)  # category, screen position

    def __init__(self, **options):
        super().__init__(sampleType=_ClassSample, **options)
        self.categories: list[int] = []  # the category of each entry, in order
        self.setToolTip(LEGEND_TIP)

    def set_entries(self, entries: list[tuple[int, str, str]]) -> None:
        """(category, colour, name) for each entry, in order."""
        self.clear()
        self.categories = []
        for category, colour, name in entries:
            self.addItem(pg.ScatterPlotItem(pen=None, brush=pg.mkBrush(colour), size=9, symbol="o"), name)
            self.categories.append(int(category))

    def row_height(self) -> float:
        """One entry's height with a little air, as columns_to_fit counts it."""
        return max(label.boundingRect().height() for _, label in self.items) + 2

    def columns_for_map(self, map_height: float, below: float = 0.0) -> int:
        """As few columns as fit a map `map_height` pixels tall, leaving `below` pixels under the legend free."""
        return self.columns_to_fit(self.row_height(), map_height - LEGEND_MARGIN_PX - below)

    def size_with(self, columns: int) -> tuple[float, float]:
        """Its width and height with `columns` columns, without laying it out."""
        _, top, _, bottom = self.layout.getContentsMargins()
        return self.width_with(columns), math.ceil(len(self.items) / columns) * self.row_height() + top + bottom

    def columns_to_fit(self, row: float, room: float) -> int:
        """As few columns as let the entries, `row` pixels tall each, fit `room` pixels of height."""
        return max(1, -(-int(len(self.items) * row) // int(max(row, room))))

    def width_with(self, columns: int) -> float:
        """Its width with `columns` columns, each as wide as its widest entry (dot and name), without laying it out
        (trying column counts on it resized it again and again)."""
        spacing = self.layout.horizontalSpacing()
        entry = max(sample.boundingRect().width() + spacing + label.boundingRect().width()
                    for sample, label in self.items)
        left, _, right, _ = self.layout.getContentsMargins()
        return columns * entry + (columns - 1) * spacing + left + right

    def set_states(self, states: dict[int, str]) -> None:
        """Show each entry's state ('shown', 'dimmed', 'hidden'): hidden ones with pyqtgraph's crossed eye."""
        for category, (sample, label) in zip(self.categories, self.items):
            state = states.get(category, "shown")
            if sample.item.isVisible() != (state != "hidden"):
                sample.item.setVisible(state != "hidden")
                sample.update()
            colour = {"hidden": HIDDEN_TEXT, "dimmed": DIMMED_TEXT}.get(state, SHOWN_TEXT)
            if label.opts.get("color") != colour:
                label.setText(label.text, color=colour)

    def entry_at(self, position: QPointF) -> int | None:
        """The category of the entry at `position` (the legend's coordinates), or None between entries."""
        for category, (sample, label) in zip(self.categories, self.items):
            entry = sample.mapRectToParent(sample.boundingRect()).united(label.geometry())
            # Its row, and its column when the legend has several (a short map: LatentMap._fit_legend).
            if entry.top() <= position.y() <= entry.bottom() and (
                    self.columnCount == 1 or entry.left() <= position.x() <= entry.right()):
                return category
        return None

    def entry_centre(self, category: int) -> QPointF:
        """Where entry `category`'s label is, in scene coordinates (what a test clicks)."""
        index = self.categories.index(category)
        return self.mapToScene(self.items[index][1].geometry().center())

    # ---- the mouse -------------------------------------------------------------------------

    def hoverEvent(self, ev) -> None:  # noqa: N802
        super().hoverEvent(ev)
        if not ev.isExit():
            for button in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
                ev.acceptClicks(button)  # the legend takes the click, not the map under it

    def mouseClickEvent(self, ev) -> None:  # noqa: N802
        ev.accept()
        category = self.entry_at(ev.pos())
        if category is None or ev.double():
            return  # Qt's double-click event brings the double-click (below)
        if ev.button() == Qt.MouseButton.LeftButton:
            self.entry_clicked.emit(category)
        elif ev.button() == Qt.MouseButton.RightButton:
            self.entry_menu.emit(category, ev.screenPos().toPoint())

    def mouseDoubleClickEvent(self, ev) -> None:  # noqa: N802 (Qt's; pyqtgraph's scene sends no click event for it)
        ev.accept()
        category = self.entry_at(ev.pos())
        if category is not None and ev.button() == Qt.MouseButton.LeftButton:
            self.entry_double_clicked.emit(category)
