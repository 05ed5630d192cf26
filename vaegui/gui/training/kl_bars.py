"""KLBars: how much each latent dimension carries after an epoch (mean KL), coloured by whether it is active."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

from vaegui.app.map_state import dimension_label
from vaegui.gui.common.plot_style import plain_axes, set_axis_label, set_title, style_light_plot
from vaegui.gui.common.wording import wording
from vaegui.latent.quality import ACTIVE_VARIANCE
from vaegui.words import word

ACTIVE_BRUSH, INACTIVE_BRUSH = (44, 160, 44), (190, 190, 190)
NAME_GAP_PX = 6  # between two dimension names under the bars
NAME_STEPS = (1, 2, 4, 5, 10, 20, 25, 50, 100, 200)  # every how many bars a name is written


class KLBars(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background="w", axisItems=plain_axes())
        self.plot_item = self.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        self.plot_item.setMouseEnabled(x=False, y=False)
        style_light_plot(self.plot_item)
        # Wide enough for the ticks ("0.75") and the rotated label beside them, which would otherwise overlap.
        self.plot_item.getAxis("left").setWidth(54)
        self.plot_item.showGrid(y=True, alpha=0.2)
        self.bars: pg.BarGraphItem | None = None
        self.values = np.empty(0)
        self.active = np.zeros(0, bool)
        self.epoch: int | None = None
        wording().bind(self, self._render_words)

    def _render_words(self, expert: bool) -> None:
        set_axis_label(self.plot_item, "left", word("kl_bars_axis", expert))
        set_axis_label(self.plot_item, "bottom", word("dimension_axis", expert))
        if self.epoch is None:
            set_title(self.plot_item, word("kl_bars_title", expert))
        else:
            set_title(self.plot_item, word("kl_bars_title_epoch", expert, epoch=self.epoch, active=self.active_units(),
                                           count=len(self.values)))

    def active_units(self) -> int:
        return int(self.active.sum())

    def show_values(self, epoch: int, kl_per_dim: np.ndarray, mu_variance: np.ndarray | None = None) -> None:
        """Bar heights: each dimension's mean KL; green: active (its mean varies over the images), grey: unused."""
        self.values = np.asarray(kl_per_dim, dtype=np.float64)
        measure = self.values if mu_variance is None else np.asarray(mu_variance, dtype=np.float64)
        self.active = measure > ACTIVE_VARIANCE
        if self.bars is not None:
            self.plot_item.removeItem(self.bars)
        positions = np.arange(len(self.values))
        brushes = [pg.mkBrush(*(ACTIVE_BRUSH if on else INACTIVE_BRUSH)) for on in self.active]
        self.bars = pg.BarGraphItem(x=positions, height=self.values, width=0.7, brushes=brushes, pen=None)
        self.plot_item.addItem(self.bars)
        count = len(self.values)
        self.epoch = epoch
        self._render_words(wording().expert)
        self.plot_item.setXRange(-0.6, count - 0.4, padding=0)
        self._name_dimensions()
        self.plot_item.setYRange(0, max(float(self.values.max(initial=0)) * 1.1, 0.03), padding=0)

    def _name_dimensions(self) -> None:
        """Name every bar where the names fit under them, else every 2nd, 4th, 5th, 10th… (z1, z5, z9…): at z_dim 16
        in the Training tab the names ran together."""
        values = getattr(self, "values", None)  # None while PlotWidget's own set-up resizes it
        if values is None:
            return
        count = len(values)
        axis = self.plot_item.getAxis("bottom")
        if count == 0:
            axis.setTicks(None)
            return
        metrics = QFontMetrics(axis.style["tickFont"] or axis.font())
        widest = max(metrics.horizontalAdvance(dimension_label(i)) for i in range(count)) + NAME_GAP_PX
        per_bar = max(1.0, self.plot_item.getViewBox().width()) / (count + 0.2)
        step = next(step for step in NAME_STEPS if step * per_bar >= widest or step >= count)
        axis.setTicks([[(i, dimension_label(i)) for i in range(0, count, step)]])

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._name_dimensions()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # presenter mode: bigger names need more room
            self._name_dimensions()

    def clear_values(self) -> None:
        if self.bars is not None:
            self.plot_item.removeItem(self.bars)
            self.bars = None
        self.values, self.active = np.empty(0), np.zeros(0, bool)
        self.epoch = None
        self._render_words(wording().expert)
