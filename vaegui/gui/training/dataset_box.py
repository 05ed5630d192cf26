"""The dataset choice box: the built-in sets by what their pictures show, the folders and files chosen before, and
the two entries that ask for a folder or for files."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from vaegui.data import dataset_names
from vaegui.gui.common.wording import wording
from vaegui.words import dataset_words, tip

IMAGE_FOLDER_ITEM = "Image folder…"
DATA_FILES_ITEM = "IDX/NPZ files…"


class DatasetBox(QComboBox):
    """Each entry shows plain words ("Fashion-MNIST (clothes)") and holds the name or path a run is trained on
    ("fashion_mnist") as its item data."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        for name in dataset_names():
            self.addItem(dataset_words(name), name)
            self.setItemData(self.count() - 1, tip(f"dataset_{name}"), Qt.ItemDataRole.ToolTipRole)
        self.insertSeparator(self.count())
        self.addItems([IMAGE_FOLDER_ITEM, DATA_FILES_ITEM])
        wording().bind(self, self._render_words)

    def _render_words(self, expert: bool) -> None:
        for index in range(self.count()):
            name = self.itemData(index)
            if name in dataset_names():
                self.setItemText(index, dataset_words(name, expert))

    def name(self, index: int | None = None) -> str:
        """The dataset name or path of entry `index` (the current one by default); "" for the asking entries."""
        data = self.itemData(self.currentIndex() if index is None else index)
        return data if isinstance(data, str) else ""

    def is_dataset(self, index: int) -> bool:
        return bool(self.name(index))

    def index_of(self, name_or_path: str) -> int:
        """The entry of a name or path, added above the separator when it is a path not listed yet."""
        index = self.findData(name_or_path)
        if index < 0:
            index = self.count() - 3
            self.insertItem(index, name_or_path, name_or_path)
            self.setItemData(index, name_or_path, Qt.ItemDataRole.ToolTipRole)
        return index
