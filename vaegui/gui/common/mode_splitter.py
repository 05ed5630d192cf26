"""A vertical splitter whose split depends on the mode the window is in (its "presenting" property)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QSplitter, QWidget


class SplitByMode(QSplitter):
    """Two parts, one over the other, split by `split()` whenever the splitter is shown, resized or its text changes
    size, not once: presenter mode is often switched on while the page is hidden or not yet built, and the parts
    must get their normal share back when it ends."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setChildrenCollapsible(False)

    def presenting(self) -> bool:
        return bool(self.window().property("presenting"))

    def split(self) -> None:
        raise NotImplementedError

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.split()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.split()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # presenter mode on or off (the window's text changed size)
            QTimer.singleShot(0, self, self.split)
