"""KLBars: mean KL of each latent dimension after an epoch, so posterior collapse (all bars near zero) shows."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

# A dimension whose mean KL stays below this carries (almost) no information: an inactive unit.
ACTIVE_UNIT_THRESHOLD = 0.01


class KLBars(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background="w")
        self.plot_item = self.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        self.plot_item.setMouseEnabled(x=False, y=False)
        self.plot_item.setLabel("left", "mean KL")
        self.plot_item.setLabel("bottom", "latent dimension")
        self.plot_item.getAxis("left").setWidth(40)
        self.plot_item.getAxis("left").enableAutoSIPrefix(False)  # "0.75", not "750 (×0.001)"
        self.plot_item.showGrid(y=True, alpha=0.2)
        self.bars: pg.BarGraphItem | None = None
        self.threshold_line = pg.InfiniteLine(
            pos=ACTIVE_UNIT_THRESHOLD, angle=0, pen=pg.mkPen((180, 0, 0), width=1, style=pg.QtCore.Qt.PenStyle.DashLine)
        )
        self.plot_item.addItem(self.threshold_line)
        self.values = np.empty(0)
        self.plot_item.setTitle("KL per latent dimension", size="9pt")

    def active_units(self) -> int:
        return int(np.sum(self.values >= ACTIVE_UNIT_THRESHOLD))

    def show_values(self, epoch: int, kl_per_dim: np.ndarray) -> None:
        self.values = np.asarray(kl_per_dim, dtype=np.float64)
        if self.bars is not None:
            self.plot_item.removeItem(self.bars)
        positions = np.arange(len(self.values))
        active = self.values >= ACTIVE_UNIT_THRESHOLD
        brushes = [pg.mkBrush(44, 160, 44) if on else pg.mkBrush(190, 190, 190) for on in active]
        self.bars = pg.BarGraphItem(x=positions, height=self.values, width=0.7, brushes=brushes, pen=None)
        self.plot_item.addItem(self.bars)
        count = len(self.values)
        self.plot_item.setTitle(
            f"KL per latent dimension — epoch {epoch}: {self.active_units()} of {count} active", size="9pt"
        )
        ticks = [(i, str(i)) for i in range(count)] if count <= 16 else None
        self.plot_item.getAxis("bottom").setTicks([ticks] if ticks else None)
        self.plot_item.setXRange(-0.6, count - 0.4, padding=0)
        self.plot_item.setYRange(0, max(float(self.values.max(initial=0)) * 1.1, ACTIVE_UNIT_THRESHOLD * 3), padding=0)

    def clear_values(self) -> None:
        if self.bars is not None:
            self.plot_item.removeItem(self.bars)
            self.bars = None
        self.values = np.empty(0)
        self.plot_item.setTitle("KL per latent dimension", size="9pt")
