"""Small image widgets: numpy images shown as crisp upscaled pixels, alone, in a row or a grid."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from vaegui.palette import HINT_STYLE


def array_to_qimage(image: np.ndarray) -> QImage:
    """(H, W, 1|3) or (H, W) floats in [0, 1] → a QImage that owns its pixels."""
    pixels = np.clip(np.asarray(image, np.float32) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    pixels = np.ascontiguousarray(pixels)
    height, width = pixels.shape[:2]
    if pixels.ndim == 2:
        return QImage(pixels.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
    return QImage(pixels.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def array_to_pixmap(image: np.ndarray, size: int) -> QPixmap:
    """Scaled to fit `size` pixels without smoothing: an 8×8 digit should look like 8×8 pixels, not a blur."""
    return QPixmap.fromImage(array_to_qimage(image)).scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
    )


# A tile with no picture yet is an empty slot (a faint dashed outline), not a black square: black squares read as
# pictures that came out black, and a demo's audience asks what went wrong.
TILE_STYLE = ('QLabel { background: #1e1e1e; border: 1px solid #444; } '
              'QLabel[empty="true"] { background: transparent; border: 1px dashed #b4b4b4; }')


class ImageTile(QWidget):
    """An image with a caption underneath; `clicked` fires when it is clicked."""

    clicked = Signal()

    def __init__(self, caption: str = "", size: int = 96, parent: QWidget | None = None):
        super().__init__(parent)
        self.display_size = size
        self.image: np.ndarray | None = None
        self.picture = QLabel()
        self.picture.setFixedSize(size, size)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setProperty("empty", True)
        self.picture.setStyleSheet(TILE_STYLE)
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setStyleSheet(HINT_STYLE)
        self.caption.setVisible(bool(caption))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.caption)

    def set_image(self, image: np.ndarray | None, caption: str | None = None) -> None:
        self.image = None if image is None else np.asarray(image)
        if image is None:
            self.picture.clear()
        else:
            self.picture.setPixmap(array_to_pixmap(image, self.display_size))
        if self.picture.property("empty") != (image is None):
            self.picture.setProperty("empty", image is None)
            self.picture.style().unpolish(self.picture)  # the style sheet's [empty] rule read again
            self.picture.style().polish(self.picture)
        if caption is not None:
            self.set_caption(caption)

    def set_caption(self, caption: str) -> None:
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton and self.image is not None:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class ImageGrid(QWidget):
    """A fixed grid of image tiles; `tile_clicked(i)` says which one was clicked."""

    tile_clicked = Signal(int)

    def __init__(self, count: int, columns: int, size: int = 48, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.tiles: list[ImageTile] = []
        for i in range(count):
            tile = ImageTile("", size)
            tile.clicked.connect(lambda i=i: self.tile_clicked.emit(i))
            layout.addWidget(tile, i // columns, i % columns)
            self.tiles.append(tile)

    def set_images(self, images, captions: list[str] | None = None) -> None:
        """Show `images` in order; `captions` become tooltips (the tiles are too small for text under them)."""
        images = [] if images is None else list(images)
        for i, tile in enumerate(self.tiles):
            tile.set_image(images[i] if i < len(images) else None)
            tile.setToolTip(captions[i] if captions and i < len(captions) else "")

    def images_shown(self) -> int:
        return sum(tile.image is not None for tile in self.tiles)
