"""Traversal: one slider per latent dimension (the most informative first) that changes it and decodes live."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from vaegui.gui.image_tiles import ImageTile
from vaegui.latent.generation import with_coordinate

MAX_SLIDERS = 16
SLIDER_RANGE = 4.0  # latent units either side of zero; the prior puts 99.99% of its mass inside
STEPS_PER_UNIT = 100


class TraversalPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.decode: Callable[[np.ndarray], np.ndarray] | None = None
        self.base: np.ndarray | None = None
        self.vector: np.ndarray | None = None
        self.hint = QLabel("Select a point or a location on the map, then move a slider to change one coordinate.")
        self.hint.setWordWrap(True)
        self.image = ImageTile("", 160)
        self.reset_button = QPushButton("Reset to the selection")
        self.reset_button.clicked.connect(self.reset)
        self.grid = QGridLayout()
        self.sliders: list[tuple[int, QSlider, QLabel]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.image, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(self.grid)
        layout.addWidget(self.reset_button)
        layout.addStretch(1)

    def set_dimensions(self, order: np.ndarray, kl: np.ndarray) -> None:
        """One slider for each of the first MAX_SLIDERS dimensions in `order`, labelled with its mean KL."""
        while self.grid.count():
            self.grid.takeAt(0).widget().deleteLater()
        self.sliders = []
        for position, (dimension, dimension_kl) in enumerate(zip(order[:MAX_SLIDERS], kl[:MAX_SLIDERS])):
            name = QLabel(f"z{int(dimension)}")
            name.setToolTip(f"Mean KL of dimension {int(dimension)}: {dimension_kl:.3f} (near 0 = unused)")
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(int(-SLIDER_RANGE * STEPS_PER_UNIT), int(SLIDER_RANGE * STEPS_PER_UNIT))
            value = QLabel("0.00")
            value.setMinimumWidth(44)
            slider.valueChanged.connect(lambda v, d=int(dimension), label=value: self._on_slider(d, v, label))
            kl_label = QLabel(f"KL {dimension_kl:.2f}")
            kl_label.setStyleSheet("color: #888; font-size: 11px;")
            self.grid.addWidget(name, position, 0)
            self.grid.addWidget(slider, position, 1)
            self.grid.addWidget(value, position, 2)
            self.grid.addWidget(kl_label, position, 3)
            self.sliders.append((int(dimension), slider, value))
        self._enable(self.base is not None)

    def set_base(self, vector: np.ndarray | None) -> None:
        self.base = None if vector is None else np.asarray(vector, np.float32).copy()
        self.reset()

    def reset(self) -> None:
        self.vector = None if self.base is None else self.base.copy()
        for dimension, slider, label in self.sliders:
            slider.blockSignals(True)
            value = 0.0 if self.vector is None else float(self.vector[dimension])
            slider.setValue(int(round(np.clip(value, -SLIDER_RANGE, SLIDER_RANGE) * STEPS_PER_UNIT)))
            label.setText(f"{value:+.2f}")
            slider.blockSignals(False)
        self._enable(self.vector is not None)
        self._redraw()

    def _on_slider(self, dimension: int, steps: int, label: QLabel) -> None:
        if self.vector is None:
            return
        value = steps / STEPS_PER_UNIT
        self.vector = with_coordinate(self.vector, dimension, value)
        label.setText(f"{value:+.2f}")
        self._redraw()

    def _redraw(self) -> None:
        if self.vector is None or self.decode is None:
            self.image.set_image(None)
            return
        self.image.set_image(self.decode(self.vector))

    def _enable(self, on: bool) -> None:
        for _, slider, _ in self.sliders:
            slider.setEnabled(on)
        self.reset_button.setEnabled(on)
