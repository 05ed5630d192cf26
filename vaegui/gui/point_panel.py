"""The side panel for a clicked point or location: images, mu/log_var bars, latent neighbours, posterior samples."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vaegui.gui.image_tiles import ImageGrid, ImageTile
from vaegui.latent.explorer_selection import NEIGHBOURS, SAMPLES
from vaegui.latent.map_state import dimension_label

MAX_BARS = 32
MU_COLOUR = "#4fc3f7"
LOG_VAR_COLOUR = "#ffb74d"


class PointPanel(QWidget):
    neighbour_clicked = Signal(int)  # position in the neighbour strip
    sample_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel("Click a point on the map, or empty space to decode that place.")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600;")
        self.original = ImageTile("original", 112)
        self.reconstruction = ImageTile("reconstruction", 112)
        tiles = QHBoxLayout()
        tiles.addWidget(self.original)
        tiles.addWidget(self.reconstruction)
        tiles.addStretch(1)
        self.how = QLabel("")
        self.how.setWordWrap(True)
        self.how.setStyleSheet("color: #999; font-size: 11px;")

        self.bars = pg.PlotWidget(background="#161616")
        self.bars.setFixedHeight(150)
        self.bars.setMenuEnabled(False)
        self.bars.setMouseEnabled(x=False, y=False)
        self.bars.hideButtons()
        # A key in the title line, not a legend box, which would cover the last dimensions' bars.
        self.bars.setTitle(f'<span style="color:{MU_COLOUR}">■ mu</span>&nbsp;&nbsp;&nbsp;'
                           f'<span style="color:{LOG_VAR_COLOUR}">■ log_var</span>', size="9pt")
        self.bars.getPlotItem().setLabel("bottom", "latent dimension")
        self.mu_bars = pg.BarGraphItem(x=[], height=[], width=0.4, brush=MU_COLOUR, pen=None, name="mu")
        self.log_var_bars = pg.BarGraphItem(x=[], height=[], width=0.4, brush=LOG_VAR_COLOUR, pen=None, name="log_var")
        self.bars.addItem(self.mu_bars)
        self.bars.addItem(self.log_var_bars)

        self.neighbours = ImageGrid(NEIGHBOURS, 8, 40)
        self.neighbours.tile_clicked.connect(self.neighbour_clicked)
        self.sample_button = QPushButton("Sample ×16 from the posterior")
        self.sample_button.setToolTip(
            "Decode 16 draws z ~ N(mu, exp(log_var)) for this image: what the sampling layer feeds the decoder "
            "while training. With mu-only on, the map shows only mu; these show the noise it leaves out."
        )
        self.sample_button.setEnabled(False)
        self.sample_button.clicked.connect(self.sample_requested)
        self.samples = ImageGrid(SAMPLES, 8, 40)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(tiles)
        layout.addWidget(self.how)
        layout.addWidget(self.bars)
        layout.addWidget(_heading("Nearest neighbours in latent space"))
        layout.addWidget(self.neighbours)
        layout.addWidget(self.sample_button)
        layout.addWidget(self.samples)
        layout.addStretch(1)

    def show_point(
        self,
        title: str,
        original: np.ndarray,
        reconstruction: np.ndarray,
        mu: np.ndarray,
        log_var: np.ndarray,
        neighbours: np.ndarray,
        neighbour_captions: list[str],
        how: str,
    ) -> None:
        self.title.setText(title)
        self.original.set_image(original, "original")
        self.reconstruction.set_image(reconstruction, "reconstruction")
        self.how.setText(how)
        self._show_bars(mu, log_var)
        self.neighbours.set_images(neighbours, neighbour_captions)
        self.samples.set_images(None)
        self.sample_button.setEnabled(True)

    def show_location(self, title: str, decoded: np.ndarray, vector: np.ndarray, how: str) -> None:
        self.title.setText(title)
        self.original.set_image(None, "(empty space)")
        self.reconstruction.set_image(decoded, "decoded here")
        self.how.setText(how)
        self._show_bars(vector, None)
        self.neighbours.set_images(None)
        self.samples.set_images(None)
        self.sample_button.setEnabled(False)

    def show_samples(self, images: np.ndarray) -> None:
        self.samples.set_images(images)

    def clear(self) -> None:
        self.title.setText("Click a point on the map, or empty space to decode that place.")
        self.original.set_image(None, "original")
        self.reconstruction.set_image(None, "reconstruction")
        self.how.setText("")
        self._show_bars(None, None)
        self.neighbours.set_images(None)
        self.samples.set_images(None)
        self.sample_button.setEnabled(False)

    def _show_bars(self, mu: np.ndarray | None, log_var: np.ndarray | None) -> None:
        count = 0 if mu is None else min(len(mu), MAX_BARS)
        x = np.arange(count, dtype=float)
        self.mu_bars.setOpts(x=x - 0.2 if log_var is not None else x, height=[] if mu is None else mu[:count])
        self.log_var_bars.setOpts(x=x + 0.2, height=[] if log_var is None else log_var[:count])
        self.log_var_bars.setVisible(log_var is not None)
        if count:
            self.bars.getPlotItem().getAxis("bottom").setTicks([[(i, dimension_label(i)) for i in range(count)]])
            self.bars.setXRange(-0.7, count - 0.3, padding=0)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("color: #aaa; font-size: 11px; margin-top: 6px;")
    return label
