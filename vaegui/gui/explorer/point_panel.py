"""The side panel for a clicked point or location: images, mu/log_var bars, latent neighbours, posterior samples."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vaegui.app.explorer_selection import NEIGHBOURS, SAMPLES
from vaegui.app.map_state import dimension_label
from vaegui.gui.common.image_tiles import ImageGrid, ImageTile
from vaegui.gui.common.plot_style import plain_axes, set_axis_label, set_title
from vaegui.gui.common.wording import wording
from vaegui.palette import DARK_HINT_TEXT, HINT_STYLE, MAP_BACKGROUND
from vaegui.words import word

MAX_BARS = 32
MU_COLOUR = "#4fc3f7"
LOG_VAR_COLOUR = "#ffb74d"


class PointPanel(QWidget):
    neighbour_clicked = Signal(int)  # position in the neighbour strip
    sample_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        words = wording()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600;")
        self.original = ImageTile("original", 112)
        self.reconstruction = ImageTile("", 112)
        self.showing: str | None = None  # None (nothing chosen), "point" or "location": which captions apply
        self.tiles = QWidget()  # with the bars, hidden until something is chosen: no black squares, no empty axes
        tiles = QHBoxLayout(self.tiles)
        tiles.setContentsMargins(0, 0, 0, 0)
        tiles.addWidget(self.original)
        tiles.addWidget(self.reconstruction)
        tiles.addStretch(1)
        self.how = QLabel("")
        self.how.setWordWrap(True)
        self.how.setStyleSheet(HINT_STYLE)

        self.bars = pg.PlotWidget(background=MAP_BACKGROUND, axisItems=plain_axes())
        self.bars.setFixedHeight(150)
        self.bars.setMenuEnabled(False)
        self.bars.setMouseEnabled(x=False, y=False)
        self.bars.hideButtons()
        self.mu_bars = pg.BarGraphItem(x=[], height=[], width=0.4, brush=MU_COLOUR, pen=None, name="mu")
        self.log_var_bars = pg.BarGraphItem(x=[], height=[], width=0.4, brush=LOG_VAR_COLOUR, pen=None, name="log_var")
        self.bars.addItem(self.mu_bars)
        self.bars.addItem(self.log_var_bars)

        self.neighbours = ImageGrid(NEIGHBOURS, 8, 40)
        self.neighbours.tile_clicked.connect(self.neighbour_clicked)
        self.sample_button = words.label(QPushButton(), "sample_posterior")
        self.sample_button.setEnabled(False)
        self.sample_button.clicked.connect(self.sample_requested)
        self.samples = ImageGrid(SAMPLES, 8, 40)
        self.samples.hide()  # until drawn: no rows of black squares

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tiles)
        layout.addWidget(self.how)
        layout.addWidget(self.bars)
        self.neighbours_heading = words.label(_heading(), "neighbours")
        layout.addWidget(self.neighbours_heading)
        layout.addWidget(self.neighbours)
        layout.addWidget(self.sample_button)
        layout.addWidget(self.samples)
        layout.addStretch(1)
        words.bind(self, self._render_words)
        self._show_bars(None, None)

    def _render_words(self, expert: bool) -> None:
        # A key in the title line, not a legend box, which would cover the last dimensions' bars.
        set_title(self.bars.getPlotItem(), f'<span style="color:{MU_COLOUR}">■ {word("bars_mu", expert)}</span>'
                  f'&nbsp;&nbsp;&nbsp;<span style="color:{LOG_VAR_COLOUR}">■ {word("bars_log_var", expert)}</span>',
                  DARK_HINT_TEXT)
        set_axis_label(self.bars.getPlotItem(), "bottom", word("dimension_axis", expert), DARK_HINT_TEXT)
        if self.showing is None:
            self.title.setText(word("point_prompt", expert))
        location = self.showing == "location"
        self.original.set_caption(word("empty_place" if location else "original", expert))
        self.reconstruction.set_caption(word("decoded_here" if location else "reconstruction", expert))

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
        self.showing = "point"
        self.original.set_image(original)
        self.reconstruction.set_image(reconstruction)
        self._render_words(wording().expert)
        self.how.setText(how)
        self._show_bars(mu, log_var)
        self._show_neighbours(neighbours, neighbour_captions)
        self.show_samples(None)
        self.sample_button.setEnabled(True)

    def show_location(self, title: str, decoded: np.ndarray, vector: np.ndarray, how: str) -> None:
        self.title.setText(title)
        self.showing = "location"
        self.original.set_image(None)
        self.reconstruction.set_image(decoded)
        self._render_words(wording().expert)
        self.how.setText(how)
        self._show_bars(vector, None)
        self._show_neighbours(None)
        self.show_samples(None)
        self.sample_button.setEnabled(False)

    def show_samples(self, images: np.ndarray | None) -> None:
        self.samples.set_images(images)
        self.samples.setVisible(images is not None)

    def _show_neighbours(self, images: np.ndarray | None, captions: list[str] | None = None) -> None:
        """A place on the map has no neighbours to show: no heading over empty tiles then."""
        self.neighbours.set_images(images, captions)
        for widget in (self.neighbours_heading, self.neighbours):
            widget.setVisible(images is not None)

    def clear(self) -> None:
        self.showing = None
        self.original.set_image(None)
        self.reconstruction.set_image(None)
        self._render_words(wording().expert)
        self.how.setText("")
        self._show_bars(None, None)
        self._show_neighbours(None)
        self.show_samples(None)
        self.sample_button.setEnabled(False)

    def _show_bars(self, mu: np.ndarray | None, log_var: np.ndarray | None) -> None:
        for widget in (self.tiles, self.bars):
            widget.setVisible(mu is not None)
        count = 0 if mu is None else min(len(mu), MAX_BARS)
        x = np.arange(count, dtype=float)
        self.mu_bars.setOpts(x=x - 0.2 if log_var is not None else x, height=[] if mu is None else mu[:count])
        self.log_var_bars.setOpts(x=x + 0.2, height=[] if log_var is None else log_var[:count])
        self.log_var_bars.setVisible(log_var is not None)
        if count:
            self.bars.getPlotItem().getAxis("bottom").setTicks([[(i, dimension_label(i)) for i in range(count)]])
            self.bars.setXRange(-0.7, count - 0.3, padding=0)


def _heading() -> QLabel:
    label = QLabel()
    label.setStyleSheet(f"{HINT_STYLE} margin-top: 6px;")
    return label
