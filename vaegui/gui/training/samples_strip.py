"""SamplesStrip: a few test images above their reconstructions, refreshed after each epoch."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from vaegui.gui.common.image_tiles import array_to_qimage
from vaegui.gui.common.wording import wording
from vaegui.latent.generation import image_mosaic
from vaegui.palette import HINT_TEXT, LIGHT_PLOT_TEXT
from vaegui.words import word

GAP = 1  # pixels between tiles, at the images' own resolution


class SamplesStrip(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setStyleSheet(f"color: {LIGHT_PLOT_TEXT}; font-size: 9pt;")
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumHeight(60)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setStyleSheet(f"color: {HINT_TEXT};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.picture, 1)
        self._image: QImage | None = None
        self.shown_epoch: int | None = None
        wording().bind(self, self._render_words)

    def _render_words(self, expert: bool) -> None:
        if self.shown_epoch is None:
            self.title.setText(word("samples_title", expert))
            self.picture.setText(word("samples_waiting", expert))
        else:
            self.title.setText(word("samples_title_epoch", expert, epoch=self.shown_epoch))

    def show_samples(self, epoch: int, originals: np.ndarray, reconstructions: np.ndarray) -> None:
        if len(originals) == 0:
            return
        # Originals in the top row, their reconstructions below, white gaps between them.
        pairs = np.concatenate([originals, reconstructions[: len(originals)]])
        self._image = array_to_qimage(image_mosaic(pairs, columns=len(originals), gap=GAP, margin=0))
        self.shown_epoch = epoch
        self._render_words(wording().expert)
        self._rescale()

    def clear_samples(self) -> None:
        self._image = None
        self.shown_epoch = None
        self.picture.setPixmap(QPixmap())
        self._render_words(wording().expert)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._image is None:
            return
        size = self.picture.size()
        fit = min(size.width() / self._image.width(), size.height() / self._image.height())
        if fit >= 2:
            # Whole-number nearest-neighbour scaling keeps tiny images (8×8 digits) crisp, not blurred.
            width, height = self._image.width() * int(fit), self._image.height() * int(fit)
            mode = Qt.TransformationMode.FastTransformation
        else:
            # Less than twice the size: fill the space (a whole number would leave 28×28 images at 1×, tiny).
            width, height = int(self._image.width() * fit), int(self._image.height() * fit)
            mode = Qt.TransformationMode.SmoothTransformation
        pixmap = QPixmap.fromImage(self._image).scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio, mode)
        self.picture.setPixmap(pixmap)
