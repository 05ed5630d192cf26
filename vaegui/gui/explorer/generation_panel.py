"""Images made from chosen latent vectors: prior samples, an interpolation strip, and the latent grid (manifold)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSpinBox, QVBoxLayout, QWidget

from vaegui.app.explorer_selection import INTERPOLATION_STEPS
from vaegui.app.explorer_selection import SAMPLES as PRIOR_SAMPLES
from vaegui.gui.common.image_tiles import ImageGrid, array_to_pixmap
from vaegui.gui.common.wording import wording
from vaegui.palette import HINT_STYLE

GRID_SIDE = 420  # the latent grid's largest side on screen, in pixels


class GenerationPanel(QWidget):
    prior_requested = Signal()
    endpoint_requested = Signal(str)  # "A" or "B": take the current selection as that end
    grid_requested = Signal(int)  # images per side
    movie_requested = Signal()  # save the interpolation as a movie

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        words = wording()
        self.prior_button = words.label(QPushButton(), "sample_prior")
        self.prior_button.clicked.connect(self.prior_requested)
        self.prior_images = ImageGrid(PRIOR_SAMPLES, 8, 40)

        self.a_button = words.label(QPushButton(), "a_button")
        self.b_button = words.label(QPushButton(), "b_button")
        self.a_button.clicked.connect(lambda: self.endpoint_requested.emit("A"))
        self.b_button.clicked.connect(lambda: self.endpoint_requested.emit("B"))
        self.endpoints = QLabel("Pick two points, press A then B: the strip decodes the straight line between them.")
        self.endpoints.setWordWrap(True)
        self.endpoints.setStyleSheet(HINT_STYLE)
        # Small enough that the strip fits the side panel at its default width (no sideways scrolling).
        self.strip = ImageGrid(INTERPOLATION_STEPS, INTERPOLATION_STEPS, 30)
        self.movie_button = QPushButton("Export as GIF…")
        self.movie_button.setToolTip("Save the walk from A to B (and back) as a movie, with more steps than the "
                                     "strip: an animated GIF, or an MP4 video")
        self.movie_button.setEnabled(False)
        self.movie_button.clicked.connect(self.movie_requested)
        self.movie_note = QLabel("")
        self.movie_note.setWordWrap(True)
        self.movie_note.setStyleSheet(HINT_STYLE)

        self.grid_size = QSpinBox()
        self.grid_size.setRange(4, 30)
        self.grid_size.setValue(15)
        self.grid_size.setSuffix(" per side")
        self.grid_button = words.label(QPushButton(), "grid_button")
        self.grid_button.clicked.connect(lambda: self.grid_requested.emit(self.grid_size.value()))
        self.grid_note = QLabel("")
        self.grid_note.setWordWrap(True)
        self.grid_note.setStyleSheet(HINT_STYLE)
        self.grid_image = QLabel()
        self.grid_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid_image.setMinimumHeight(60)
        # The grid follows the panel's width (up to GRID_SIDE): its picture never makes the panel scroll sideways.
        self.grid_image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._grid_mosaic: np.ndarray | None = None

        ends = QHBoxLayout()
        ends.addWidget(self.a_button)
        ends.addWidget(self.b_button)
        grid_row = QHBoxLayout()
        grid_row.addWidget(self.grid_button, 1)
        grid_row.addWidget(self.grid_size)
        layout = QVBoxLayout(self)
        layout.addWidget(words.label(_heading(), "prior_heading"))
        layout.addWidget(self.prior_button)
        layout.addWidget(self.prior_images)
        layout.addWidget(words.label(_heading(), "interpolation_heading"))
        layout.addLayout(ends)
        layout.addWidget(self.endpoints)
        layout.addWidget(self.strip)
        layout.addWidget(self.movie_button)
        layout.addWidget(self.movie_note)
        layout.addWidget(words.label(_heading(), "grid_heading"))
        layout.addLayout(grid_row)
        layout.addWidget(self.grid_note)
        layout.addWidget(self.grid_image, 1)
        layout.addStretch(1)

    def set_grid_available(self, available: bool, reason: str = "") -> None:
        self.grid_button.setEnabled(available)
        self.grid_size.setEnabled(available)
        self.grid_note.setText(reason)

    def clear_grid(self) -> None:
        self._grid_mosaic = None
        self.grid_image.clear()

    def show_grid(self, mosaic: np.ndarray, note: str) -> None:
        self._grid_mosaic = mosaic
        self._scale_grid()
        self.grid_note.setText(note)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._scale_grid()

    def _scale_grid(self) -> None:
        if self._grid_mosaic is not None:
            side = max(60, min(self.grid_image.width(), GRID_SIDE))
            self.grid_image.setPixmap(array_to_pixmap(self._grid_mosaic, side))
            self.grid_image.setMinimumHeight(side)


def _heading() -> QLabel:
    label = QLabel()
    label.setStyleSheet("font-weight: 600; margin-top: 8px;")
    return label
