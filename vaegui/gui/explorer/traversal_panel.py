"""Traversal: one slider per latent dimension (the most informative first) that changes it and decodes live."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from vaegui.app.map_state import dimension_label
from vaegui.gui.common.image_tiles import ImageTile
from vaegui.gui.common.wording import wording
from vaegui.latent.traversal import MAX_DIMENSIONS, Traversal
from vaegui.palette import HINT_STYLE
from vaegui.words import word

MAX_SLIDERS = MAX_DIMENSIONS


class TraversalPanel(QWidget):
    """Renders a Traversal; moving a slider asks for a new value, Reset for the selection's own vector."""

    value_changed = Signal(int, float)  # dimension, value
    reset_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.hint = wording().label(QLabel(), "traverse_hint")
        self.hint.setWordWrap(True)
        self.image = ImageTile("", 160)
        self.reset_button = QPushButton("Reset to the selection")
        self.reset_button.clicked.connect(self.reset_requested)
        self.grid = QGridLayout()
        self.sliders: list[tuple[int, QSlider, QLabel]] = []
        self.kl_labels: list[tuple[QLabel, float]] = []
        self._axes: tuple = ()
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.image, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(self.grid)
        layout.addWidget(self.reset_button)
        layout.addStretch(1)
        self.show_traversal(None)
        wording().bind(self, self._render_words)

    def _render_words(self, expert: bool) -> None:
        for label, kl in self.kl_labels:
            label.setText(word("traverse_kl", expert, kl=kl))

    def show_traversal(self, traversal: Traversal | None) -> None:
        axes = () if traversal is None else traversal.axes
        if [a.dimension for a in axes] != [a.dimension for a in self._axes]:
            self._build_rows(axes)
        self._axes = axes
        for axis, (_, slider, value_label) in zip(axes, self.sliders):
            value = float(traversal.vector[axis.dimension])
            slider.blockSignals(True)
            slider.setRange(0, axis.positions - 1)
            slider.setValue(axis.position(value))
            slider.blockSignals(False)
            slider.setToolTip(f"{axis.low:+.2f} to {axis.high:+.2f}; this image's own value is "
                              f"{axis.base_value:+.2f}")
            value_label.setText(f"{value:+.2f}")
        self.image.set_image(None if traversal is None else traversal.image)
        for widget in (self.reset_button, *(slider for _, slider, _ in self.sliders)):
            widget.setEnabled(traversal is not None)

    def _build_rows(self, axes) -> None:
        while self.grid.count():
            self.grid.takeAt(0).widget().deleteLater()
        self.sliders, self.kl_labels = [], []
        for row, axis in enumerate(axes):
            name = QLabel(dimension_label(axis.dimension))
            name.setToolTip(f"How much the model uses {dimension_label(axis.dimension)}, as its mean KL: {axis.kl:.3f} "
                            "(near 0 = unused: moving it changes nothing)")
            slider = QSlider(Qt.Orientation.Horizontal)
            value = QLabel("")
            value.setMinimumWidth(48)
            slider.valueChanged.connect(lambda position, d=axis.dimension: self._moved(d, position))
            kl_label = QLabel(word("traverse_kl", wording().expert, kl=axis.kl))
            kl_label.setStyleSheet(HINT_STYLE)
            self.kl_labels.append((kl_label, axis.kl))
            for column, widget in enumerate((name, slider, value, kl_label)):
                self.grid.addWidget(widget, row, column)
            self.sliders.append((axis.dimension, slider, value))

    def _moved(self, dimension: int, position: int) -> None:
        axis = next(a for a in self._axes if a.dimension == dimension)
        self.value_changed.emit(dimension, axis.value(position))
