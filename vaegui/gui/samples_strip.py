"""SamplesStrip: a few test images above their reconstructions, refreshed after each epoch."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

GAP = 1  # pixels between tiles, at the images' own resolution


def tile_images(originals: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """One uint8 picture: originals in the top row, reconstructions below, separated by white gaps."""
    count, height, width, channels = originals.shape
    rows = [originals, reconstructions[:count]]
    canvas = np.full((2 * height + GAP, count * (width + GAP) - GAP, channels), 1.0, dtype=np.float32)
    for row, images in enumerate(rows):
        for i, image in enumerate(images):
            top, left = row * (height + GAP), i * (width + GAP)
            canvas[top : top + height, left : left + width] = image
    return (np.clip(canvas, 0.0, 1.0) * 255).round().astype(np.uint8)


class SamplesStrip(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel("Test images (top) and their reconstructions (bottom)")
        self.title.setStyleSheet("color: #444; font-size: 9pt;")
        self.picture = QLabel("Reconstructions appear after the first epoch.")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumHeight(60)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setStyleSheet("color: #888;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.picture, 1)
        self._image: QImage | None = None
        self.shown_epoch: int | None = None

    def show_samples(self, epoch: int, originals: np.ndarray, reconstructions: np.ndarray) -> None:
        if len(originals) == 0:
            return
        tiles = np.ascontiguousarray(tile_images(originals, reconstructions))
        height, width, channels = tiles.shape
        if channels == 1:
            image = QImage(tiles.data, width, height, width, QImage.Format.Format_Grayscale8)
        else:
            image = QImage(tiles.data, width, height, 3 * width, QImage.Format.Format_RGB888)
        self._image = image.copy()  # own the pixels: `tiles` is freed when this returns
        self.shown_epoch = epoch
        self.title.setText(f"Test images (top) and their reconstructions (bottom) — epoch {epoch}")
        self._rescale()

    def clear_samples(self) -> None:
        self._image = None
        self.shown_epoch = None
        self.picture.setPixmap(QPixmap())
        self.picture.setText("Reconstructions appear after the first epoch.")
        self.title.setText("Test images (top) and their reconstructions (bottom)")

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._image is None:
            return
        size = self.picture.size()
        # Whole-number nearest-neighbour scaling keeps tiny images (8×8 digits) crisp, not blurred.
        factor = max(1, min(size.width() // self._image.width(), size.height() // self._image.height()))
        pixmap = QPixmap.fromImage(self._image).scaled(
            self._image.width() * factor,
            self._image.height() * factor,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
        self.picture.setPixmap(pixmap)
