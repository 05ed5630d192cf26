"""LatentPreview: the probe images' latent means after each epoch, as a scatter coloured by label."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from vaegui.app.map_state import dimension_label
from vaegui.gui.common.plot_style import plain_axes, set_axis_label, set_title, style_light_plot
from vaegui.gui.common.wording import wording
from vaegui.palette import class_colour
from vaegui.words import word

LEGEND_MARGIN_PX = 6  # the legend's offset from the plot's top edge, and a little air under it


class LatentPreview(pg.PlotWidget):
    """One scatter item per class (so the legend names them), redrawn when the epoch slider moves."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background="w", axisItems=plain_axes())
        self.plot_item = self.getPlotItem()
        style_light_plot(self.plot_item)
        self.plot_item.showGrid(x=True, y=True, alpha=0.2)
        self.plot_item.getAxis("left").setWidth(36)
        self.plot_item.setMenuEnabled(False)
        self.legend = self.plot_item.addLegend(offset=(2, 2), labelTextSize="7pt", verSpacing=-6, colCount=5)
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 200))
        # As many columns as the plot's width holds: its text grows in presenter mode, and the plot narrows.
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.timeout.connect(self._fit_legend)
        self.legend.geometryChanged.connect(self._refit.start)
        self._fitted_for: tuple | None = None  # the plot size and label sizes the legend was last fitted to
        self.class_names: list[str] | None = None
        self.scatters: dict[int, pg.ScatterPlotItem] = {}
        self.point_count = 0
        self.shown_epoch: int | None = None
        self.axes_label = "z"
        wording().bind(self, self._render_words)

    def _render_words(self, expert: bool) -> None:
        if self.shown_epoch is None:
            set_title(self.plot_item, word("preview_title", expert))
        else:
            set_title(self.plot_item, word("preview_title_count", expert, count=f"{self.point_count:,}"))
        for side, index in (("bottom", 0), ("left", 1)):
            name = (word("axis_pc", expert, n=index + 1) if self.axes_label == "PC" else dimension_label(index))
            set_axis_label(self.plot_item, side, name)

    def set_class_names(self, names: list[str] | None) -> None:
        names = list(names) if names else None
        if names != self.class_names:
            self.clear_points()  # the legend rows carry the old names
        self.class_names = names

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if "_refit" in self.__dict__:  # pyqtgraph resizes the widget while it is built
            self._refit.start()

    def _fit_legend(self) -> None:
        """The most columns (up to five) whose rows fit inside the plot: long names ("Ankle boot") or presenter
        mode's bigger text in fewer, where five ran past the plot's right edge."""
        view = self.plot_item.getViewBox()
        if view is None or not self.legend.items:  # closed (its plot taken apart) or nothing to name yet
            return
        legend, room = self.legend, view.width() - 4
        if room <= 0:
            return
        # Trying column counts resizes the legend, which asks for this again: fitted for this room and these labels
        # already, it stops here (without this the preview redrew without end, a core's worth of CPU).
        fitted_for = (round(room), round(view.height()),
                      tuple((round(label.width()), round(label.height())) for _, label in legend.items))
        if fitted_for == self._fitted_for:
            return
        self._fitted_for = fitted_for
        for columns in range(5, 0, -1):
            if columns != legend.columnCount:
                legend.setColumnCount(columns)
            legend.updateSize()
            if legend.width() <= room:
                break
        if self.shown_epoch is not None:
            self._make_room_for_legend()

    def _make_room_for_legend(self) -> None:
        """Head-room above the points as tall as the legend is on screen, so that it hides none of them (its text
        grows in presenter mode, and the plot can be short)."""
        self.plot_item.autoRange(padding=0.05)
        view = self.plot_item.getViewBox()
        if not self.legend.items or view is None or view.height() <= 0:
            return
        share = min(0.6, (self.legend.height() + LEGEND_MARGIN_PX) / view.height())  # of the plot's height
        (_, _), (bottom, top) = self.plot_item.viewRange()
        self.plot_item.setYRange(bottom, top + share / (1 - share) * (top - bottom), padding=0)

    def clear_points(self) -> None:
        for item in self.scatters.values():
            self.plot_item.removeItem(item)
        self.legend.clear()
        self.scatters = {}
        self.point_count = 0
        self.shown_epoch = None
        self._render_words(wording().expert)

    def show_codes(self, epoch: int, coords: np.ndarray, labels: np.ndarray | None, axes_label: str) -> None:
        # One item per class, created once and then only fed new points: re-creating ten items (and
        # their legend rows) every epoch would hold up the GUI thread each epoch.
        if labels is None:
            groups = {-1: np.arange(len(coords))}
        else:
            groups = {int(label): np.flatnonzero(labels == label) for label in np.unique(labels)}
        for label in sorted(groups):
            if label not in self.scatters:
                colour = QColor(class_colour(label))
                colour.setAlpha(200)
                scatter = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(colour), pxMode=True)
                self.plot_item.addItem(scatter)
                if label >= 0:
                    self.legend.addItem(scatter, self._class_name(label))
                self.scatters[label] = scatter
        for label, scatter in self.scatters.items():
            chosen = groups.get(label)
            if chosen is None:
                scatter.setData([], [])
            else:
                scatter.setData(coords[chosen, 0], coords[chosen, 1])
        self.point_count = len(coords)
        self.shown_epoch = epoch
        self.axes_label = axes_label  # "z": the latent axes themselves; "PC": their main directions
        self._render_words(wording().expert)
        self._fit_legend()
        self._make_room_for_legend()

    def _class_name(self, label: int) -> str:
        names = self.class_names
        return names[label] if names and label < len(names) else str(label)
