"""Ranked lists of samples with thumbnails (worst reconstructions, largest log_var); choosing one selects it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from vaegui.gui.common.image_tiles import array_to_pixmap


class RankedSampleList(QListWidget):
    row_chosen = Signal(int)  # the sample's row in the latent set

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setIconSize(QSize(40, 40))
        self.setUniformItemSizes(True)
        # A click or Enter chooses; the current item alone does not: Qt makes the first item current when
        # the list first gets focus, which would replace the person's selection by the top of the list.
        self.itemClicked.connect(self._on_chosen)
        self.itemActivated.connect(self._on_chosen)

    def set_samples(self, rows: np.ndarray, images: np.ndarray, captions: list[str]) -> None:
        self.blockSignals(True)
        self.clear()
        for row, image, caption in zip(rows, images, captions):
            item = QListWidgetItem(QIcon(array_to_pixmap(image, 40)), caption)
            item.setData(Qt.ItemDataRole.UserRole, int(row))
            self.addItem(item)
        self.blockSignals(False)

    def rows(self) -> list[int]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def _on_chosen(self, item) -> None:
        if item is not None:
            self.row_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
